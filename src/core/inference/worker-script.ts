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

/**
 * A worker's script: from source, the `<name>-from-source.mjs` beside `<name>.ts` (it registers tsx first); in a
 * build, `<name>.js` beside the calling module. `base` is the caller's import.meta.url.
 */
export function workerScriptNear(base: string, name: string): WorkerScript {
  const source = new URL(`./${name}.ts`, base);
  if (source.protocol === 'file:' && existsSync(fileURLToPath(source))) {
    return { path: new URL(`./${name}-from-source.mjs`, base), execArgv: [] };
  }
  return { path: new URL(`./${name}.js`, base), execArgv: [] };
}

/** The inference worker when running from source, else a `worker.js` built beside this module. */
export function defaultWorkerScript(): WorkerScript {
  return workerScriptNear(import.meta.url, 'worker');
}
