/**
 * The offline guarantee, Node side: scanning, scoring (ONNX Runtime in its worker, mask workers) and the CLI open no
 * network connection and resolve no host name. Every socket connect and DNS lookup of this process is recorded.
 * (Worker threads share the process's net module only through their own copies, so the workers are covered by
 * running the CLI in a child process under the same guard, loaded with --import.)
 */
import { spawnSync } from 'node:child_process';
import dns from 'node:dns';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { scanDataset } from '../../src/core/dataset';
import { openScorer } from '../../src/core/scoring/scorer';
import { scoreDataset } from '../../src/core/scoring/score-dataset';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const SAMPLE = join(REPO, 'resources', 'sample');
const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

/** Source of a guard module: records connects and lookups, then lets them fail. */
const GUARD = `
import net from 'node:net';
import dns from 'node:dns';
const seen = [];
const origConnect = net.Socket.prototype.connect;
// A connect to a filesystem path is local IPC (tsx's own pipe, say), not the network.
const isIpc = (a) => Array.isArray(a) ? isIpc(a[0]) : (a && typeof a === 'object' && typeof a.path === 'string') || typeof a === 'string';
net.Socket.prototype.connect = function (...args) { if (!isIpc(args[0])) seen.push('connect ' + JSON.stringify(args[0])); return origConnect.apply(this, args); };
const origLookup = dns.lookup;
dns.lookup = function (...args) { seen.push('lookup ' + String(args[0])); return origLookup.apply(this, args); };
process.on('exit', () => { if (seen.length) process.stderr.write('NETWORK: ' + seen.join('; ') + '\\n'); });
`;

describe('offline', () => {
  it('scoring in this process makes no network call', async () => {
    const seen: string[] = [];
    const origConnect = net.Socket.prototype.connect;
    const origLookup = dns.lookup;
    net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
      const first = Array.isArray(args[0]) ? args[0][0] : args[0];
      const ipc = typeof first === 'string' || (typeof first === 'object' && first !== null && 'path' in first);
      if (!ipc) seen.push(`connect ${JSON.stringify(args[0])}`);
      return (origConnect as (...a: unknown[]) => net.Socket).apply(this, args);
    } as typeof net.Socket.prototype.connect;
    dns.lookup = ((...args: unknown[]) => {
      seen.push(`lookup ${String(args[0])}`);
      return (origLookup as (...a: unknown[]) => void)(...args);
    }) as typeof dns.lookup;
    try {
      const scorer = await openScorer({ modelPath: join(REPO, 'resources', 'models', 'default.onnx'), executionProviders: ['cpu'] });
      let n = 0;
      try {
        await scoreDataset(await scanDataset(SAMPLE), scorer, () => n++);
      } finally {
        await scorer.close();
      }
      expect(n).toBe(81);
    } finally {
      net.Socket.prototype.connect = origConnect;
      dns.lookup = origLookup;
    }
    expect(seen).toEqual([]);
  });

  it('the CLI, workers included, makes no network call', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sentinel-offline-'));
    dirs.push(dir);
    const guard = join(dir, 'guard.mjs');
    await writeFile(guard, GUARD);
    const r = spawnSync(process.execPath, ['--import', guard, join(REPO, 'bin', 'sentinel.mjs'), 'score', SAMPLE, '--out', join(dir, 's.csv'), '-q'], {
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: `--import ${guard}` },
    });
    expect(r.status).toBe(0);
    expect(r.stderr).not.toContain('NETWORK:');
    // The guard itself works: a process that does connect is caught (to a closed loopback port: nothing leaves).
    const probe = spawnSync(process.execPath, ['--import', guard, '-e', "require('node:net').connect(9, '127.0.0.1').on('error', () => {})"], { encoding: 'utf8' });
    expect(probe.stderr).toContain('NETWORK: connect');
  });
});
