/**
 * Where the app's resources/ folder is. A packaged app moves it (Electron's process.resourcesPath) and a bundler
 * moves this file, so the repository default can be overridden by an argument or by SENTINEL_RESOURCES_DIR.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const RESOURCES_ENV = 'SENTINEL_RESOURCES_DIR';

/** resources/ at the repository root: this file is src/core/organs/, three levels below it. */
function repoResourcesDir(): string {
  try {
    return fileURLToPath(new URL('../../../resources', import.meta.url));
  } catch {
    // Bundled as CommonJS, import.meta.url may be missing: fall back to the working directory.
    return path.resolve('resources');
  }
}

/** The resources dir: `explicit` if given, else $SENTINEL_RESOURCES_DIR if set, else the repository's resources/. */
export function resolveResourcesDir(explicit?: string): string {
  if (explicit) return path.resolve(explicit);
  const env = process.env[RESOURCES_ENV];
  if (env && env.trim() !== '') return path.resolve(env);
  return repoResourcesDir();
}

/** The organs folder inside a resources dir. */
export function organsDir(resourcesDir?: string): string {
  return path.join(resolveResourcesDir(resourcesDir), 'organs');
}
