/**
 * The browser host under attack (test/web/server.test.ts has the basic guards and the good flow): it listens on
 * 127.0.0.1 only (nothing answers on the machine's other addresses), takes its token only from its header, refuses
 * foreign and odd origins and hosts (DNS rebinding, sandboxed frames, look-alike names) on HTTP and WebSocket,
 * never sends CORS headers, serves no file outside its static folder whatever the path encoding, refuses
 * oversized bodies before reading them, and opens only folders below its allowed roots.
 */
import { connect as netConnect } from 'node:net';
import { request } from 'node:http';
import { networkInterfaces } from 'node:os';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Engine } from '../../src/core/engine/engine';
import { startWebHost, type WebHost } from '../../src/web/server';
import { scratchDir, type Scratch } from '../core/engine/fixtures';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** An engine that only records calls: the guards must refuse before any reaches it. */
const calls: string[] = [];
const engine = new Proxy(
  {},
  {
    get: (_t, name) => (name === 'then' ? undefined : (...args: unknown[]) => {
      calls.push(String(name));
      if (name === 'subscribe') return () => undefined;
      if (name === 'openProject') return Promise.resolve({ root: args[0] });
      return Promise.resolve({});
    }),
  },
) as Engine;

describe('web host under attack', () => {
  let tmp: Scratch;
  let host: WebHost;
  let allowed: string;

  const http = (method: string, path: string, headers: Record<string, string>, body?: string): Promise<Reply> =>
    new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: host.port, method, path, headers, setHost: !('host' in headers) }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      });
      req.on('error', reject);
      req.end(body);
    });
  const api = (method: string, arg: unknown, headers: Record<string, string> = {}): Promise<Reply> =>
    http('POST', `/api/${method}`, { 'content-type': 'application/json', 'x-sentinel-token': host.token, ...headers }, JSON.stringify({ arg }));

  /** Resolves 'open' or the refusal's message. */
  const ws = (path: string, headers: Record<string, string> = {}): Promise<string> =>
    new Promise((resolve) => {
      const s = new WebSocket(`ws://127.0.0.1:${host.port}${path}`, { headers });
      s.once('open', () => {
        s.close();
        resolve('open');
      });
      s.once('error', (e) => resolve(e.message));
    });

  beforeAll(async () => {
    tmp = await scratchDir('web-attacks');
    allowed = join(tmp.dir, 'allowed');
    await mkdir(join(allowed, 'ds'), { recursive: true });
    await mkdir(join(tmp.dir, 'outside'), { recursive: true });
    await symlink(join(tmp.dir, 'outside'), join(allowed, 'ds', 'escape'), 'dir');
    const staticDir = join(tmp.dir, 'renderer');
    await mkdir(staticDir);
    await writeFile(join(staticDir, 'index.html'), '<!doctype html><title>app</title>');
    await writeFile(join(tmp.dir, 'secret.txt'), 'TOP-SECRET');
    // A folder whose name starts like the static folder's: a prefix check alone would let it through.
    await mkdir(join(tmp.dir, 'renderer-private'));
    await writeFile(join(tmp.dir, 'renderer-private', 'key.txt'), 'TOP-SECRET');
    host = await startWebHost({ engine, staticDir, port: 0, allowedRoots: [allowed] });
  });

  afterAll(async () => {
    await host?.close();
    await tmp?.cleanup();
  });

  it('listens on 127.0.0.1 only: the machine\'s other addresses and ::1 refuse the connection', async () => {
    expect(host.address).toBe('127.0.0.1');
    const others = Object.values(networkInterfaces())
      .flat()
      .filter((a) => a && !(a.family === 'IPv4' && a.address.startsWith('127.')))
      .map((a) => (a!.family === 'IPv6' && a!.scopeid ? `${a!.address}%${a!.scopeid}` : a!.address));
    expect(others).toContain('::1');
    for (const address of others) {
      const outcome = await new Promise<string>((resolve) => {
        const s = netConnect({ host: address, port: host.port, timeout: 2000 });
        s.once('connect', () => {
          s.destroy();
          resolve('connected');
        });
        s.once('timeout', () => {
          s.destroy();
          resolve('timeout');
        });
        s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
      });
      expect(outcome, address).not.toBe('connected');
    }
  });

  it('takes the token from its header only: not from the query, a cookie or an Authorization header', async () => {
    const t = host.token;
    for (const [what, path, headers] of [
      ['no token', '/api/engineInfo', {}],
      ['a wrong token', '/api/engineInfo', { 'x-sentinel-token': `${t.slice(0, -1)}0` }],
      ['a prefix of the token', '/api/engineInfo', { 'x-sentinel-token': t.slice(0, 8) }],
      ['the token in the query', `/api/engineInfo?token=${t}`, {}],
      ['the token in a cookie', '/api/engineInfo', { cookie: `token=${t}; x-sentinel-token=${t}` }],
      ['the token as a bearer', '/api/engineInfo', { authorization: `Bearer ${t}` }],
    ] as [string, string, Record<string, string>][]) {
      const r = await http('POST', path, { 'content-type': 'application/json', ...headers }, '{}');
      expect(r.status, what).toBe(401);
    }
    expect(calls).toEqual([]);
  });

  it('refuses foreign, opaque and look-alike origins and hosts, even with the token', async () => {
    const own = `127.0.0.1:${host.port}`;
    for (const origin of ['http://evil.example', 'null', `http://localhost:${host.port}`, `http://127.0.0.1.evil.example:${host.port}`, `https://127.0.0.1:${host.port}`, `http://127.0.0.1:${host.port + 1}`]) {
      expect((await api('engineInfo', null, { origin })).status, origin).toBe(403);
    }
    for (const h of [`localhost:${host.port}`, `evil.example:${host.port}`, '127.0.0.1', `127.0.0.1:${host.port + 1}`, `[::1]:${host.port}`]) {
      expect((await api('engineInfo', null, { host: h })).status, h).toBe(403);
    }
    expect(calls).toEqual([]);
    expect((await api('engineInfo', null, { host: own, origin: `http://${own}` })).status).toBe(200);
    expect(calls).toEqual(['engineInfo']);
    calls.length = 0;
  });

  it('never answers with CORS headers, and a preflight gets no permission', async () => {
    const pre = await http('OPTIONS', '/api/engineInfo', { origin: 'http://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-sentinel-token' });
    expect(pre.status).toBe(403);
    for (const r of [pre, await api('engineInfo', null), await http('GET', '/', {})]) {
      expect(Object.keys(r.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
    }
    calls.length = 0;
  });

  it('refuses the event socket without the token, with a foreign origin or host, or on another path', async () => {
    const t = encodeURIComponent(host.token);
    expect(await ws('/events')).toMatch(/403/);
    expect(await ws('/events?token=')).toMatch(/403/);
    expect(await ws(`/events?token=${t}x`)).toMatch(/403/);
    expect(await ws(`/events?token=${t}`, { origin: 'http://evil.example' })).toMatch(/403/);
    expect(await ws(`/events?token=${t}`, { origin: 'null' })).toMatch(/403/);
    expect(await ws(`/events?token=${t}`, { host: `evil.example:${host.port}` })).toMatch(/403/);
    expect(await ws(`/api/engineInfo?token=${t}`)).toMatch(/403/);
    expect(calls).toEqual([]);
    expect(await ws(`/events?token=${t}`, { origin: host.url })).toBe('open');
    expect(calls).toEqual(['subscribe']);
    calls.length = 0;
  });

  it('serves no file outside its static folder, however the path is written', async () => {
    for (const path of [
      '/../secret.txt',
      '/../../../../etc/passwd',
      '/%2e%2e/secret.txt',
      '/%2e%2e%2fsecret.txt',
      '/..%2f..%2f..%2fetc%2fpasswd',
      '/%252e%252e/secret.txt',
      '/..\\secret.txt',
      '/../renderer-private/key.txt',
      '/%2e%2e/renderer-private/key.txt',
      '/index.html%00/../../secret.txt',
      '//etc/passwd',
    ]) {
      const r = await http('GET', path, {});
      expect(r.body, path).not.toContain('TOP-SECRET');
      expect(r.body, path).not.toMatch(/root:.*:0:0:/);
    }
    expect((await http('GET', '/%E0%A4%A', {})).status).toBe(400);
  });

  it('refuses a body over the limit from its declared length, before reading it', async () => {
    const r = await new Promise<Reply>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: host.port, method: 'POST', path: '/api/score', headers: { 'content-type': 'application/json', 'x-sentinel-token': host.token, 'content-length': String(64 << 20) } },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
        },
      );
      req.on('error', reject);
      req.write('{"arg":');
    });
    expect(r.status).toBe(413);
    expect(calls).toEqual([]);
  });

  it('opens no folder outside its allowed roots, by .., an absolute path or a link inside an allowed folder', async () => {
    for (const path of [join(allowed, '..'), join(allowed, '..', 'outside'), '/', '/etc', join(allowed, 'ds', 'escape'), `${allowed}-other`]) {
      const r = await api('openProject', path);
      expect(JSON.parse(r.body), path).toMatchObject({ ok: false });
    }
    expect(calls).toEqual([]);
    expect(JSON.parse((await api('openProject', join(allowed, 'ds'))).body)).toMatchObject({ ok: true });
    expect(calls).toEqual(['openProject']);
    calls.length = 0;
  });
});
