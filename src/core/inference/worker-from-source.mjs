// Starts the TypeScript inference worker from source (tests, the CLI). Node 20 does not apply `--import tsx`
// given in a Worker's execArgv, so tsx's loader is registered here, inside the worker, before worker.ts loads.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
