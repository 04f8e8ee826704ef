/**
 * The offline guarantee, Node side: the engine's work (scanning, scoring with ONNX Runtime in its worker and the
 * mask workers, the eval, exports, reports, plans) opens no network connection and resolves no host name. Every
 * way out is blocked and recorded: sockets (net.connect, Socket#connect), http/https requests, fetch, DNS
 * (dns.lookup/resolve and their promise forms). In this process the guard throws; the CLI runs in a child process
 * under the same guard loaded with --import (worker threads included), and the run must record nothing.
 * The renderer's side is e2e/offline.spec.ts.
 */
import { spawnSync } from 'node:child_process';
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { cp, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { syncBuiltinESMExports } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import wt, { type WorkerOptions } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { scanDataset } from '../../src/core/dataset';
import { Engine } from '../../src/core/engine/engine';
import { openScorer } from '../../src/core/scoring/scorer';
import { scoreDataset } from '../../src/core/scoring/score-dataset';
import type { EngineEvent } from '../../src/shared/api';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const SAMPLE = join(REPO, 'resources', 'sample');
const MODEL = join(REPO, 'resources', 'models', 'default.onnx');
const TINY = join(REPO, 'test', 'fixtures', 'models', 'tiny-random.onnx');
const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

/**
 * Source of the guard module: every way out of the process is replaced by one that records the attempt (on stderr,
 * at once, as "NETWORK: ...") and throws. A connect to a filesystem path is local IPC (tsx's own pipe), not the
 * network, and passes. Node does not run --import modules in worker threads, so the guard also wraps Worker:
 * each worker imports this module before its own script.
 */
const GUARD = `
import net from 'node:net';
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import wt from 'node:worker_threads';
import { syncBuiltinESMExports } from 'node:module';
import { pathToFileURL } from 'node:url';
const block = (what) => { process.stderr.write('NETWORK: ' + what + '\\n'); throw new Error('offline guard: ' + what); };
const isIpc = (a) => Array.isArray(a) ? isIpc(a[0]) : (a && typeof a === 'object' && typeof a.path === 'string') || (typeof a === 'string' && isNaN(Number(a)));
const origConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) { if (!isIpc(args[0])) block('connect ' + JSON.stringify(args[0])); return origConnect.apply(this, args); };
for (const m of [http, https]) for (const f of ['request', 'get']) { const orig = m[f]; m[f] = function (...a) { block((m === http ? 'http.' : 'https.') + f + ' ' + String(a[0]?.href ?? a[0]?.host ?? a[0])); return orig.apply(this, a); }; }
for (const f of ['lookup', 'resolve', 'resolve4', 'resolve6', 'resolveAny']) { dns[f] = (...a) => block('dns.' + f + ' ' + String(a[0])); dns.promises[f] = async (...a) => block('dns.promises.' + f + ' ' + String(a[0])); }
globalThis.fetch = async (u) => block('fetch ' + String(u));
const OrigWorker = wt.Worker;
wt.Worker = class extends OrigWorker {
  constructor(file, opts = {}) {
    if (!opts.eval) {
      const target = file instanceof URL ? file.href : pathToFileURL(String(file)).href;
      file = new URL('data:text/javascript,' + encodeURIComponent('import ' + JSON.stringify(import.meta.url) + '; await import(' + JSON.stringify(target) + ');'));
    }
    super(file, opts);
  }
};
syncBuiltinESMExports();
`;

/** The same guard in this process; `restore` puts everything back and returns what was attempted. */
function guardThisProcess(workerGuard?: string): { restore: () => string[]; workers: () => number } {
  const seen: string[] = [];
  let workers = 0;
  const block = (what: string): never => {
    seen.push(what);
    throw new Error(`offline guard: ${what}`);
  };
  type Fn = (...a: unknown[]) => unknown;
  const saved: [object, string, unknown][] = [];
  const swap = (obj: object, key: string, fn: Fn): void => {
    saved.push([obj, key, (obj as Record<string, unknown>)[key]]);
    (obj as Record<string, unknown>)[key] = fn;
  };
  const origConnect = net.Socket.prototype.connect as unknown as Fn;
  swap(net.Socket.prototype, 'connect', function (this: net.Socket, ...args: unknown[]) {
    const first = Array.isArray(args[0]) ? args[0][0] : args[0];
    const ipc = (typeof first === 'string' && Number.isNaN(Number(first))) || (typeof first === 'object' && first !== null && 'path' in first);
    if (!ipc) block(`connect ${JSON.stringify(args[0])}`);
    return origConnect.apply(this, args);
  });
  for (const [name, m] of [['http', http], ['https', https]] as const) for (const f of ['request', 'get']) swap(m, f, (...a) => block(`${name}.${f} ${String(a[0])}`));
  for (const f of ['lookup', 'resolve', 'resolve4', 'resolve6', 'resolveAny']) {
    swap(dns, f, (...a) => block(`dns.${f} ${String(a[0])}`));
    swap(dns.promises, f, async (...a) => block(`dns.promises.${f} ${String(a[0])}`));
  }
  swap(globalThis, 'fetch', async (u: unknown) => block(`fetch ${String(u)}`));
  if (workerGuard) {
    // Workers (ONNX Runtime's, the mask workers) load the guard module first; a blocked call there throws, which
    // fails the scoring the test checks.
    const Orig = wt.Worker;
    const guardUrl = pathToFileURL(workerGuard).href;
    swap(wt, 'Worker', class extends Orig {
      constructor(file: string | URL, opts: WorkerOptions = {}) {
        workers++;
        const target = file instanceof URL ? file.href : pathToFileURL(String(file)).href;
        super(opts.eval ? file : new URL(`data:text/javascript,${encodeURIComponent(`import ${JSON.stringify(guardUrl)}; await import(${JSON.stringify(target)});`)}`), opts);
      }
    } as unknown as Fn);
  }
  syncBuiltinESMExports();
  return {
    restore: () => {
      for (const [obj, key, value] of saved.reverse()) (obj as Record<string, unknown>)[key] = value;
      syncBuiltinESMExports();
      return seen;
    },
    workers: () => workers,
  };
}

describe('offline', () => {
  it('the guard catches every way out it claims to (so a silent pass means something)', async () => {
    const g = guardThisProcess();
    const attempts: Promise<unknown>[] = [
      new Promise((r) => r(net.connect(9, '127.0.0.1'))).catch(() => 'blocked'),
      new Promise((r) => r(http.get('http://example.com/'))).catch(() => 'blocked'),
      new Promise((r) => r(https.request('https://example.com/'))).catch(() => 'blocked'),
      fetch('https://example.com/').catch(() => 'blocked'),
      dns.promises.lookup('example.com').catch(() => 'blocked'),
      new Promise((r) => r(dns.lookup('example.com', () => undefined))).catch(() => 'blocked'),
    ];
    expect(await Promise.all(attempts)).toEqual(Array(attempts.length).fill('blocked'));
    expect(g.restore()).toHaveLength(attempts.length);
  });

  it('scanning, scoring and the engine (open, score, load, save) in this process make no network call', async () => {
    const dataset = join(await mkdtemp(join(tmpdir(), 'sentinel-offline-')), 'sample');
    dirs.push(join(dataset, '..'));
    await cp(SAMPLE, dataset, { recursive: true });
    const guardFile = join(dataset, '..', 'guard.mjs');
    await writeFile(guardFile, GUARD);
    const g = guardThisProcess(guardFile);
    try {
      const scorer = await openScorer({ modelPath: MODEL, executionProviders: ['cpu'] });
      let n = 0;
      try {
        await scoreDataset(await scanDataset(dataset), scorer, () => n++);
      } finally {
        await scorer.close();
      }
      expect(n).toBe(81);
      // The inference and mask workers started under the guard.
      expect(g.workers()).toBeGreaterThanOrEqual(2);
      // The engine behind the app: the editing loop too.
      const engine = new Engine({ modelPath: TINY, executionProviders: ['cpu'], threads: 1, workspacesDir: join(dataset, '..', 'ws') });
      try {
        const events: EngineEvent[] = [];
        engine.subscribe((e) => events.push(e));
        const snap = await engine.openProject(dataset);
        const l = snap.labels.find((x) => x.status === 'ok')!;
        const ref = { root: dataset, caseId: l.caseId, labelPath: l.labelPath };
        const vol = await engine.loadLabel(ref);
        const mask = vol.mask.slice();
        mask[mask.indexOf(1)] = 0;
        await engine.saveMask({ ...ref, mask, annotator: 'offline', baseVersion: vol.version });
        await engine.listHistory(ref);
        await engine.score({ root: dataset, labelPaths: [l.labelPath] });
        const until = Date.now() + 30_000;
        while (!events.some((e) => e.type === 'score') && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
        expect(events.some((e) => e.type === 'score')).toBe(true);
      } finally {
        await engine.close();
      }
    } finally {
      expect(g.restore()).toEqual([]);
    }
  });

  it('the CLI (score, eval, export, report, plan), workers included, makes no network call', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sentinel-offline-'));
    dirs.push(dir);
    const guard = join(dir, 'guard.mjs');
    await writeFile(guard, GUARD);
    // One child runs the commands one after the other (one start of tsx instead of five).
    const driver = join(dir, 'driver.mjs');
    await writeFile(
      driver,
      `import { register } from ${JSON.stringify(join(REPO, 'node_modules', 'tsx', 'dist', 'esm', 'api', 'index.mjs'))};
register();
const { runCli } = await import(${JSON.stringify(join(REPO, 'src', 'cli', 'run.ts'))});
for (const argv of JSON.parse(process.argv[2])) {
  const code = await runCli(argv);
  if (code !== 0) { process.stderr.write('FAILED: sentinel ' + argv.join(' ') + '\\n'); process.exit(code); }
}
process.exit(0);
`,
    );
    const scores = join(dir, 'scores.csv');
    const commands = [
      ['score', SAMPLE, '--out', scores, '-q'],
      ['eval', SAMPLE, '--variants', '1', '--organs', 'liver,spleen', '--out', join(dir, 'eval.json'), '--model', TINY, '--quiet'],
      ['export', SAMPLE, '--to', join(dir, 'export'), '--what', 'scores-csv', '--scores', scores, '-q'],
      ['report', scores, '--out', join(dir, 'report.html')],
      ['plan', scores, '--budget-labels', '5', '--out', join(dir, 'plan.json')],
    ];
    const r = spawnSync(process.execPath, ['--import', guard, driver, JSON.stringify(commands)], {
      encoding: 'utf8',
      cwd: dir,
      env: { ...process.env, NODE_OPTIONS: `--import ${guard}` },
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('NETWORK:');
    expect((await readdir(dir)).sort()).toEqual(expect.arrayContaining(['eval.json', 'export', 'plan.json', 'report.html', 'scores.csv']));
    // The child's guard works: a process that does connect is caught (a closed loopback port: nothing leaves).
    const probe = spawnSync(process.execPath, ['--import', guard, '-e', "try { require('node:net').connect(9, '127.0.0.1').on('error', () => {}) } catch {}"], { encoding: 'utf8' });
    expect(probe.stderr).toContain('NETWORK: connect');
    // ... and so is a worker thread's.
    const workerFile = join(dir, 'connects.mjs');
    await writeFile(workerFile, "import net from 'node:net'; try { net.connect(9, '127.0.0.1').on('error', () => {}); } catch {}\n");
    const probeWorker = spawnSync(process.execPath, ['--import', guard, '--input-type=module', '-e', `import { Worker } from 'node:worker_threads'; new Worker(${JSON.stringify(workerFile)});`], { encoding: 'utf8' });
    expect(probeWorker.stderr).toContain('NETWORK: connect');
  }, 240_000);
});
