/**
 * Where the app's bundled resources are (models, organs, sample): see core/organs' resolveResourcesDir for the
 * order (an explicit folder, then $SENTINEL_RESOURCES_DIR, then resources/ at the repository root).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { resolveResourcesDir } from '../organs';

/** The default model shipped with the app, or null when none is bundled. */
export function defaultModelPath(explicitResources?: string): string | null {
  const p = join(resolveResourcesDir(explicitResources), 'models', 'default.onnx');
  return existsSync(p) ? p : null;
}
