#!/usr/bin/env node
// `npm test`: every check CI runs, in order, stopping at the first failure.
// Browser tests need Chromium: found at /usr/bin/chromium (or $CHROMIUM_PATH); when missing and running as root on
// Debian, it is installed with apt; otherwise the run fails and says exactly what to install. Never a silent skip.
// The Python model tools need Debian's optional torch: without it their step is skipped and says so, with the fix.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const PYTHON = '/usr/bin/python3';

const steps = [
  ['lint', 'npx', ['eslint', '.']],
  ['typecheck (engine, CLI, main)', 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.json']],
  ['typecheck (renderer)', 'npx', ['vue-tsc', '--noEmit', '-p', 'tsconfig.web.json']],
  // Renderer unit tests run in Node but touch DOM types (storage, window): their own config has both.
  ['typecheck (renderer tests)', 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.renderer-tests.json']],
  ['unit and integration tests', 'npx', ['vitest', 'run']],
  ['python tools (model converter)', PYTHON, ['tools/train/test_export_official.py'], pythonToolsMissing],
  ['build (electron-vite: main, preload, renderer)', 'npx', ['electron-vite', 'build']],
  // Electronegativity over the Electron shell's sources and bundles: fails on any HIGH finding (bin/security-scan.mjs).
  ['security scan (Electronegativity)', 'node', ['bin/security-scan.mjs']],
  ['end-to-end tests (Playwright)', 'npx', ['playwright', 'test'], ensureChromium],
  // The bundled default model when there is one, else the random-weight test model (a pipeline check only).
  ['CLI on the bundled sample', 'node', ['bin/sentinel.mjs', 'score', 'resources/sample', '--out', '.tmp/sample-scores.csv',
    ...(existsSync('resources/models/default.onnx') ? [] : ['--model', 'test/fixtures/models/tiny-random.onnx'])]],
];

function ensureChromium() {
  const path = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  if (existsSync(path)) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && existsSync('/usr/bin/apt-get')) {
    console.log('Chromium not found: installing Debian\'s chromium with apt-get (running as root).');
    run('apt-get', ['update', '-qq']);
    run('apt-get', ['install', '-y', '-qq', 'chromium'], { DEBIAN_FRONTEND: 'noninteractive' });
    if (existsSync(path)) return;
  }
  console.error(`The end-to-end tests need Chromium at ${path}. Install it (Debian: sudo apt-get install -y chromium)`);
  console.error('or set CHROMIUM_PATH to a Chromium/Chrome binary, then run npm test again.');
  process.exit(1);
}

/** Why the Python tools cannot be tested here, or undefined when they can. */
function pythonToolsMissing() {
  const probe = spawnSync(PYTHON, ['-c', 'import torch, torchvision, onnx'], { encoding: 'utf8' });
  if (probe.status === 0) return undefined;
  const why = probe.error ? `${PYTHON} not found` : (probe.stderr.trim().split('\n').pop() || 'import failed');
  return (
    `needs torch, torchvision and onnx for ${PYTHON} (${why}). They are optional Debian packages: ` +
    'sudo apt-get install -y python3-torch python3-torchvision python3-onnx python3-numpy'
  );
}

function run(cmd, args, env = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status ?? 1;
}

const only = process.argv.slice(2);
let passed = 0;
let skipped = 0;
for (const [name, cmd, args, before] of steps) {
  if (only.length && !only.some((o) => name.startsWith(o))) continue;
  console.log(`\n=== ${name}`);
  // A step's `before` may return a reason to skip it; the skip is printed, never silent.
  const skip = before ? before() : undefined;
  if (skip) {
    console.log(`=== ${name}: SKIPPED: ${skip}`);
    skipped++;
    continue;
  }
  const t = Date.now();
  const status = run(cmd, args);
  if (status !== 0) {
    console.error(`\n${name}: failed (exit ${status})`);
    console.log(`\nsteps: ${passed} passed, 1 failed, ${skipped} skipped`);
    process.exit(status);
  }
  console.log(`=== ${name}: ok (${((Date.now() - t) / 1000).toFixed(1)} s)`);
  passed++;
}
// Each step's own runner printed its counts above; this last line sums the steps.
console.log(`\nsteps: ${passed} passed, 0 failed, ${skipped} skipped`);
