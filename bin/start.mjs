#!/usr/bin/env node
// `npm start`: the workstation on the bundled sample. Builds the app and opens it in Electron with the sample
// dataset; where no Electron binary can be had (offline machines, CI, headless servers) it says why and runs
// the same main job headless instead: scoring every label of the sample to sample-scores.csv.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { electronBinary } from './electron-binary.mjs';

const sample = resolve('resources/sample');
const run = (cmd, args) => spawnSync(cmd, args, { stdio: 'inherit' }).status ?? 1;

function headless(reason) {
  console.log(`${reason}\nRunning the headless equivalent: sentinel score resources/sample --out sample-scores.csv`);
  const args = ['bin/sentinel.mjs', 'score', 'resources/sample', '--out', 'sample-scores.csv'];
  if (!existsSync('resources/models/default.onnx')) {
    console.log('No default model is bundled yet: using the random-weight TEST model (its scores mean nothing).');
    args.push('--model', 'test/fixtures/models/tiny-random.onnx');
  }
  process.exit(run(process.execPath, args));
}

if (process.env.CI || process.argv.includes('--headless')) headless('Headless run requested (CI or --headless).');
const electron = electronBinary();
if (!electron) {
  headless(
    'No Electron binary is installed (Electron fetches it on first use, and this machine cannot reach its download).\n' +
      'On a desktop with internet: npx install-electron, then npm start again.',
  );
}
if (!process.env.DISPLAY && process.platform === 'linux' && !process.env.WAYLAND_DISPLAY) {
  headless('No display (DISPLAY is not set): the window cannot open here.');
}
const built = run('npx', ['electron-vite', 'build']);
if (built !== 0) process.exit(built);
const appArgs = ['.', `--open=${sample}`];
if (!existsSync('resources/models/default.onnx')) {
  console.log('No default model is bundled yet: the app uses the random-weight TEST model (its scores mean nothing).');
  appArgs.push(`--model=${resolve('test/fixtures/models/tiny-random.onnx')}`);
}
process.exit(run(electron, appArgs));
