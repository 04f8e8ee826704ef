/**
 * Where the inference worker's code is. From source (tests, the CLI) it is the TypeScript worker behind a tiny
 * .mjs that registers tsx; an Electron build passes its bundled worker .js instead.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface WorkerScript {
  /** The worker's entry file (a path or a file: URL). */
  path: string | URL;
  /** Node options for the worker, e.g. ['--import', 'tsx'] where the Node version honours them in workers. */
  execArgv: string[];
}

/** The worker when running from source, else a `worker.js` built beside this module. */
export function defaultWorkerScript(): WorkerScript {
  const source = new URL('./worker.ts', import.meta.url);
  if (source.protocol === 'file:' && existsSync(fileURLToPath(source))) {
    return { path: new URL('./worker-from-source.mjs', import.meta.url), execArgv: [] };
  }
  return { path: new URL('./worker.js', import.meta.url), execArgv: [] };
}
