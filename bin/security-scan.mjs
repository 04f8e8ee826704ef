#!/usr/bin/env node
// `node bin/security-scan.mjs [--input <dir> | --sources-only]`: Electronegativity (Doyensec's scanner of Electron
// apps) over the Electron shell, failing on any HIGH finding that is not allow-listed below with its reason, and on
// any file it could not parse. Every finding is printed; a SARIF report goes to .tmp/security-scan/. Without
// --input it scans the shell's sources (src/main, src/preload, the renderer's HTML) and the built bundles
// (out/main, out/preload, out/renderer/index.html; `npx electron-vite build` first; --sources-only skips them),
// staged in .tmp/security-scan/app.
//
// Run through its API, not its CLI: the CLI reads its options the way commander 2 stored them, and the commander
// npm resolves here (9) does not, so the CLI only prints its usage. The scan also stays offline: the translation
// download is replaced by the bundled English strings, the check that downloads Electron's release list is
// excluded, and any socket the scanner would open fails.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import net from 'node:net';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const REPO = resolve(dirname(new URL(import.meta.url).pathname), '..');

/**
 * HIGH findings accepted on purpose: { id, file (a RegExp on the path relative to the scanned folder), reason }.
 * Each needs a reason a reviewer can check. Empty: the shell has no accepted HIGH finding.
 */
const ALLOWED_HIGH = [];

/** Checks left out, with the reason. */
const EXCLUDED_CHECKS = [
  // It downloads Electron's release list from GitHub to compare versions: the scan runs offline.
  ['AvailableSecurityFixesGlobalCheck', 'needs the network (Electron release list); Electron updates are a dependency review'],
];

const { values } = parseArgs({ options: { input: { type: 'string' }, 'sources-only': { type: 'boolean' } } });

// No socket leaves this process: a scanner that tried would fail here, loudly.
const originalConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  const ipc = typeof first === 'string' || (first && typeof first === 'object' && typeof first.path === 'string');
  if (!ipc) throw new Error(`security-scan: network access attempted (${JSON.stringify(first)}); the scan must stay offline`);
  return originalConnect.apply(this, args);
};

const input = values.input ? resolve(values.input) : stageApp(!values['sources-only']);
const result = await scan(input);
process.exit(report(input, result));

/** Copies what the scan reads into one folder (the scanner takes one input; it skips node_modules and .cjs). */
function stageApp(built) {
  const out = join(REPO, 'out');
  for (const need of built ? ['main/index.js', 'preload/index.cjs', 'renderer/index.html'] : []) {
    if (!existsSync(join(out, need))) {
      console.error(`security-scan: out/${need} is missing: build first (npx electron-vite build)`);
      process.exit(2);
    }
  }
  const stage = join(REPO, '.tmp', 'security-scan', built ? 'app' : 'sources');
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  // package.json tells the scanner the Electron version; the sources give findings readable line numbers; the
  // bundles are what ships.
  cpSync(join(REPO, 'package.json'), join(stage, 'package.json'));
  for (const dir of ['src/main', 'src/preload']) cpSync(join(REPO, dir), join(stage, dir), { recursive: true });
  cpSync(join(REPO, 'src/renderer/index.html'), join(stage, 'src/renderer/index.html'));
  if (!built) return stage;
  for (const file of walk(join(out, 'main')).filter((f) => f.endsWith('.js'))) cpSync(file, join(stage, 'out', relative(out, file)));
  cpSync(join(out, 'preload/index.cjs'), join(stage, 'out/preload/index.js'));
  cpSync(join(out, 'renderer/index.html'), join(stage, 'out/renderer/index.html'));
  return stage;
}

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

async function scan(dir) {
  const require = createRequire(join(REPO, 'package.json'));
  const base = dirname(require.resolve('@doyensec/electronegativity/package.json'));
  const own = createRequire(join(base, 'dist', 'index.js'));
  // Its i18n module fetches translations over the network before every run; this one loads the bundled English.
  const i18n = own('i18n');
  const i18nPath = join(base, 'dist', 'locales', 'i18n.js');
  const local = new Module(i18nPath);
  local.filename = i18nPath;
  local.loaded = true;
  local.exports = async () => {
    i18n.configure({ locales: ['en-US'], defaultLocale: 'en-US', directory: dirname(i18nPath), updateFiles: false, objectNotation: true, register: globalThis });
    i18n.setLocale('en-US');
  };
  own.cache[i18nPath] = local;
  const run = own('./runner.js');
  const electronVersion = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version;
  const sarif = join(REPO, '.tmp', 'security-scan', `${basename(dir)}.sarif`);
  mkdirSync(dirname(sarif), { recursive: true });
  return run(
    {
      input: dir,
      output: sarif,
      isSarif: true,
      isRelative: true,
      customScan: [],
      excludeFromScan: EXCLUDED_CHECKS.map(([name]) => name.toLowerCase()),
      electronVersionOverride: electronVersion,
      parserPlugins: [],
    },
    false,
  );
}

/** Prints every finding and says whether the gate passes (0) or fails (1). */
function report(dir, { issues, errors, globalChecks, atomicChecks }) {
  const rows = issues
    .map((i) => ({
      id: i.id,
      severity: i.severity.name,
      confidence: i.confidence.name,
      file: relative(dir, resolve(dir, i.file)),
      line: i.location?.line ?? 0,
      review: i.manualReview ? ' (manual review)' : '',
      description: i.description,
    }))
    .sort((a, b) => rank(b.severity) - rank(a.severity) || a.id.localeCompare(b.id) || a.file.localeCompare(b.file));
  console.log(`Electronegativity: ${globalChecks + atomicChecks} checks over ${dir}`);
  for (const [name, why] of EXCLUDED_CHECKS) console.log(`  excluded check ${name}: ${why}`);
  for (const r of rows) console.log(`  ${r.severity.padEnd(13)} ${r.confidence.padEnd(9)} ${r.id} ${r.file}:${r.line}${r.review} - ${r.description}`);
  if (rows.length === 0) console.log('  no findings');
  let failed = false;
  for (const e of errors) {
    // A file the scanner could not parse was not checked: that is a failure, not a pass.
    console.log(`  ${e.tolerable ? 'warning' : 'ERROR'}: ${e.file}: ${e.message}`);
    if (!e.tolerable) failed = true;
  }
  const high = rows.filter((r) => r.severity === 'HIGH');
  const accepted = high.filter((r) => ALLOWED_HIGH.some((a) => a.id === r.id && a.file.test(r.file)));
  for (const r of accepted) {
    const why = ALLOWED_HIGH.find((a) => a.id === r.id && a.file.test(r.file)).reason;
    console.log(`  accepted HIGH ${r.id} ${r.file}:${r.line}: ${why}`);
  }
  const blocking = high.length - accepted.length;
  const counts = ['HIGH', 'MEDIUM', 'LOW', 'INFORMATIONAL'].map((s) => `${rows.filter((r) => r.severity === s).length} ${s.toLowerCase()}`);
  console.log(`security scan: ${counts.join(', ')}; ${blocking} blocking${errors.some((e) => !e.tolerable) ? '; unparsed files' : ''}`);
  return blocking > 0 || failed ? 1 : 0;
}

function rank(severity) {
  return { INFORMATIONAL: 0, LOW: 1, MEDIUM: 2, HIGH: 3, CRITICAL: 4 }[severity] ?? 0;
}
