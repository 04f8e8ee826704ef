/**
 * The browser host on a free port with a real Engine (the random-weight test model): its guards (token, origin, host,
 * allowed folders, request validation) and a good flow with events over the WebSocket.
 */
import { request } from 'node:http';
import { cp, mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Engine } from '../../src/core/engine/engine';
import type { EngineEvent } from '../../src/shared/api';
import { startWebHost, type WebHost } from '../../src/web/server';
import { copySample, listMasks, SAMPLE, scratchDir, TINY, waitFor, type Scratch } from '../core/engine/fixtures';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTP request with exactly the headers given (fetch would not let a test set Host or Origin freely). */
function http(host: WebHost, method: string, path: string, headers: Record<string, string>, body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: host.port, method, path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

type ApiReply = { ok: true; value: unknown } | { ok: false; error: string };

describe('web host', () => {
  let tmp: Scratch;
  let engine: Engine;
  let host: WebHost;
  let allowed: string;
  let dataset: string;
  let outside: string;

  const api = async (method: string, arg: unknown, headers: Record<string, string> = {}): Promise<{ status: number; reply: ApiReply }> => {
    const r = await http(host, 'POST', `/api/${method}`, { 'content-type': 'application/json', 'x-sentinel-token': host.token, ...headers }, JSON.stringify({ arg }));
    return { status: r.status, reply: JSON.parse(r.body) as ApiReply };
  };

  /** Opens the event socket; resolves when open, rejects with the refusal. */
  const connect = (token: string, origin?: string): Promise<WebSocket> =>
    new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${host.port}/events?token=${encodeURIComponent(token)}`, origin ? { origin } : {});
      ws.once('open', () => resolve(ws));
      ws.once('error', reject);
    });

  beforeAll(async () => {
    tmp = await scratchDir('web');
    allowed = join(tmp.dir, 'allowed');
    dataset = await copySample(join(allowed, 'sample'));
    // A real dataset outside the allowed folder, so a refusal is about the place, not the contents.
    outside = join(tmp.dir, 'outside');
    await cp(join(SAMPLE, 's0001'), join(outside, 's0001'), { recursive: true });
    await symlink(outside, join(allowed, 'link-out'), 'dir');
    await symlink(dataset, join(allowed, 'link-in'), 'dir');
    const staticDir = join(tmp.dir, 'renderer');
    await mkdir(staticDir);
    await writeFile(join(staticDir, 'index.html'), '<!doctype html><title>sentinel test page</title>');

    engine = new Engine({ modelPath: TINY, executionProviders: ['cpu'], threads: 1 });
    host = await startWebHost({ engine, staticDir, port: 0, allowedRoots: [allowed] });
  });

  afterAll(async () => {
    await host?.close();
    await engine?.close();
    await tmp?.cleanup();
  });

  it('listens on 127.0.0.1 with a per-run token and serves the page with its CSP', async () => {
    expect(host.url).toBe(`http://127.0.0.1:${host.port}`);
    expect(host.port).toBeGreaterThan(0);
    expect(host.token.length).toBeGreaterThanOrEqual(32);
    const page = await http(host, 'GET', '/', {});
    expect(page.status).toBe(200);
    expect(page.body).toContain('sentinel test page');
    expect(String(page.headers['content-security-policy'])).toContain("default-src 'self'");
  });

  it('refuses an API call without the token, or with a wrong one (401)', async () => {
    const none = await http(host, 'POST', '/api/engineInfo', { 'content-type': 'application/json' }, '{}');
    expect(none.status).toBe(401);
    const wrong = await api('engineInfo', null, { 'x-sentinel-token': 'x'.repeat(host.token.length) });
    expect(wrong.status).toBe(401);
    expect(wrong.reply.ok).toBe(false);
  });

  it('refuses another Origin or Host (403), even with the token', async () => {
    const evil = await api('engineInfo', null, { origin: 'http://evil.example' });
    expect(evil.status).toBe(403);
    expect(evil.reply).toEqual({ ok: false, error: 'origin not allowed' });
    const rebinding = await api('engineInfo', null, { host: `attacker.example:${host.port}` });
    expect(rebinding.status).toBe(403);
    // The page's own origin is fine.
    const own = await api('engineInfo', null, { origin: host.url });
    expect(own.status).toBe(200);
    expect(own.reply).toMatchObject({ ok: true, value: { model: 'tiny-random@0.1.0' } });
  });

  it('answers an unknown method with 404 and a GET on the API with 405', async () => {
    expect((await api('deleteEverything', null)).status).toBe(404);
    expect((await http(host, 'GET', '/api/engineInfo', { 'x-sentinel-token': host.token })).status).toBe(405);
  });

  it('opens only folders under the allowed roots, symlinks resolved first', async () => {
    const out = await api('openProject', outside);
    expect(out.reply.ok).toBe(false);
    expect(out.reply.ok === false && out.reply.error).toMatch(/outside the folders this app may open/);
    const dotdot = await api('openProject', join(allowed, '..', 'outside'));
    expect(dotdot.reply.ok === false && dotdot.reply.error).toMatch(/outside the folders/);
    const viaLink = await api('openProject', join(allowed, 'link-out'));
    expect(viaLink.reply.ok === false && viaLink.reply.error).toMatch(/outside the folders/);
    const missing = await api('openProject', join(allowed, 'nope'));
    expect(missing.reply.ok === false && missing.reply.error).toMatch(/no such folder/);
    // A link that stays inside is opened at its real place.
    const inside = await api('openProject', join(allowed, 'link-in'));
    expect(inside.reply).toMatchObject({ ok: true, value: { root: dataset } });
  });

  it('validates arguments and names the offending field', async () => {
    const extra = await api('score', { root: dataset, bogusField: 1 });
    expect(extra.reply.ok).toBe(false);
    expect(extra.reply.ok === false && extra.reply.error).toMatch(/bogusField/);
    const badPriority = await api('score', { root: dataset, priority: 'urgent' });
    expect(badPriority.reply.ok === false && badPriority.reply.error).toMatch(/priority/);
    const badAction = await api('controlScoring', { root: dataset, action: 'explode' });
    expect(badAction.reply.ok === false && badAction.reply.error).toMatch(/action/);
    const notJson = await http(host, 'POST', '/api/score', { 'x-sentinel-token': host.token }, '{not json');
    expect(notJson.status).toBe(400);
  });

  it('refuses the event socket with a wrong token or another origin', async () => {
    await expect(connect('wrong-token')).rejects.toThrow(/403/);
    await expect(connect('')).rejects.toThrow(/403/);
    await expect(connect(host.token, 'http://evil.example')).rejects.toThrow(/403/);
  });

  it('a good flow: open, score, and the events arrive over the WebSocket', async () => {
    const ws = await connect(host.token, host.url);
    const events: EngineEvent[] = [];
    ws.on('message', (data) => events.push(JSON.parse(String(data)) as EngineEvent));
    try {
      const open = await api('openProject', dataset);
      expect(open.reply.ok).toBe(true);
      const masks = await listMasks(dataset);
      const picked = [masks[0], masks[40], masks[80]].map((m) => m.labelPath);
      const scored = await api('score', { root: dataset, labelPaths: picked, priority: 'open_case' });
      expect(scored.reply).toEqual({ ok: true, value: { queued: 3 } });
      const scores = (): Extract<EngineEvent, { type: 'score' }>[] => events.filter((e): e is Extract<EngineEvent, { type: 'score' }> => e.type === 'score');
      await waitFor(() => scores().length === 3, 'three score events over the socket');
      expect(scores().map((e) => e.score.labelPath).sort()).toEqual([...picked].sort());
      for (const e of scores()) {
        expect(e.root).toBe(dataset);
        expect(e.score.status).toBe('ok');
        expect(e.score.predictedDsc).toBeGreaterThanOrEqual(0);
        expect(e.score.predictedDsc).toBeLessThanOrEqual(1);
      }
      expect(events.some((e) => e.type === 'scan')).toBe(true);
      await waitFor(() => events.some((e) => e.type === 'progress' && e.progress.state === 'idle' && e.progress.done === 3), 'idle progress');
      const control = await api('controlScoring', { root: dataset, action: 'pause' });
      expect(control.reply).toMatchObject({ ok: true, value: { root: dataset, state: 'paused', done: 3 } });
    } finally {
      ws.close();
    }
  });
});
