// Starts the TypeScript mask-preparation worker from source (tests, the CLI): tsx is registered inside the worker,
// since Node 20 does not apply `--import tsx` given in a Worker's execArgv.
import { register } from 'tsx/esm/api';

register();
await import('./prep-worker.ts');
