/**
 * `npm run serve -- <dataset> [--port N] [--model m.onnx] [--read-only] [--workspaces dir]`: the browser host.
 * --read-only never writes into the datasets (corrections go to their workspaces, under --workspaces when given). Opens only the folders named on its
 * command line (and what lies below them). Prints the URL with the run's token in its fragment.
 * --export-dir <folder> (repeatable): the folders the app may write exports into (none otherwise).
 * --ep cuda,cpu: execution providers in order of preference (default cpu).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Engine } from '../core/engine/engine';
import { isExecutionProvider } from '../core/inference/providers';
import { defaultModelPath } from '../core/resources/paths';
import { DEFAULT_PORT, startWebHost } from './server';

const { values, positionals } = parseArgs({
  args: process.argv.slice(2),
  options: {
    port: { type: 'string' },
    model: { type: 'string' },
    token: { type: 'string' },
    'read-only': { type: 'boolean' },
    workspaces: { type: 'string' },
    'export-dir': { type: 'string', multiple: true },
    ep: { type: 'string' },
  },
  allowPositionals: true,
});
const staticDir = resolve('out/renderer');
if (!existsSync(staticDir)) {
  process.stderr.write('The renderer is not built: run `npx electron-vite build` first (npm run serve does it for you).\n');
  process.exit(1);
}
const modelPath = values.model ? resolve(values.model) : (defaultModelPath() ?? resolve('test/fixtures/models/tiny-random.onnx'));
if (!values.model && !defaultModelPath()) process.stderr.write('No default model is bundled yet: using the random-weight TEST model.\n');
const roots = positionals.length ? positionals : ['resources/sample'];
// The bundled sample is part of the app: edits of it go to its workspace, never into the installation.
const bundledSampleOnly = positionals.length === 0;
const engine = new Engine({
  modelPath,
  // --ep cuda,cpu: providers in order of preference; one that fails to load is passed over (engineInfo says why).
  executionProviders: (values.ep ?? 'cpu').split(',').filter(isExecutionProvider),
  readOnly: (values['read-only'] ?? false) || bundledSampleOnly,
  workspacesDir: values.workspaces ? resolve(values.workspaces) : undefined,
  // Exports are written only into these folders (and below); none unless named.
  exportFolders: (values['export-dir'] ?? []).map((d) => resolve(d)),
});
const host = await startWebHost({
  engine,
  staticDir,
  port: values.port ? Number(values.port) : DEFAULT_PORT,
  token: values.token,
  allowedRoots: roots,
});
process.stdout.write(`Sentinel Workstation at ${host.url}/#token=${host.token}\nDatasets: ${roots.map((r) => resolve(r)).join(', ')}\n`);
const stop = async (): Promise<void> => {
  await host.close();
  await engine.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
