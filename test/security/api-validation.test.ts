/**
 * Every API method's request validation, for whatever API_METHODS holds (methods added later are covered without
 * editing this file): each schema follows the policy (strict objects, bounded strings and arrays, no free-form
 * values), a valid request passes, and malformed variants (wrong types, extra keys, prototype-pollution keys,
 * missing fields, NUL bytes in paths, 1 MiB strings, arrays one over their bound, wrong byte arrays) are refused
 * naming the method, by the schema, by the Electron IPC guard and by the web host, without the engine being called.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Engine } from '../../src/core/engine/engine';
import { guardedApiCall } from '../../src/main/ipc';
import { API_METHODS, type ApiMethod } from '../../src/shared/api';
import { apiRequestSchemas, validateApiRequest } from '../../src/shared/api-schema';
import { decodeEnvelope, encodeEnvelope } from '../../src/shared/binary-envelope';
import { startWebHost, type WebHost } from '../../src/web/server';
import { exampleOf, isNone, mutations, policyViolations } from './api-schema-walk';

const RENDERER = resolve(__dirname, '../../out/renderer');
const APP_FRAME = pathToFileURL(join(RENDERER, 'index.html')).href;
const SOURCE = { rendererDir: RENDERER, devUrl: null };

/** An engine that records every method called on it and answers each with a marker. */
function recordingEngine(): { engine: Engine; calls: string[] } {
  const calls: string[] = [];
  const engine = new Proxy(
    {},
    {
      get: (_t, name) => (name === 'then' ? undefined : (...args: unknown[]) => {
        calls.push(String(name));
        return name === 'subscribe' ? () => undefined : Promise.resolve({ called: String(name), args: args.length });
      }),
    },
  ) as Engine;
  return { engine, calls };
}

const schemaOf = (m: ApiMethod): unknown => (apiRequestSchemas as Record<string, unknown>)[m];

describe('API request schemas', () => {
  it('exist for every method of the contract, and nothing else', () => {
    expect(Object.keys(apiRequestSchemas).sort()).toEqual([...API_METHODS].sort());
  });

  it.each([...API_METHODS])('%s: strict objects, bounded strings and arrays, no free-form values', (method) => {
    expect(policyViolations(schemaOf(method), method)).toEqual([]);
  });

  it.each([...API_METHODS])('%s: a request made from its schema passes', (method) => {
    const example = exampleOf(schemaOf(method));
    expect(isNone(example), `no valid example could be built for ${method}: extend STRINGS/exampleOf in api-schema-walk.ts`).toBe(false);
    expect(() => validateApiRequest(method, example)).not.toThrow();
  });

  it.each([...API_METHODS])('%s: every malformed variant is refused, naming the method and the field', (method) => {
    const schema = schemaOf(method);
    const cases = mutations(schema, exampleOf(schema));
    expect(cases.length).toBeGreaterThan(3);
    for (const c of cases) {
      let err: unknown;
      try {
        validateApiRequest(method, c.request);
      } catch (e) {
        err = e;
      }
      expect(err, `${method} ${c.path || '(argument)'}: ${c.what} was accepted`).toBeInstanceOf(Error);
      const msg = (err as Error).message;
      expect(msg).toContain(`invalid request to ${method}`);
      // The field is named (an unknown key is named by the key itself).
      const top = c.path.split(/[.[]/)[0];
      if (top) expect(msg, `${c.what}: ${msg}`).toContain(top);
      else if (/key/.test(c.what)) expect(msg).toMatch(/bogusField|__proto__|constructor|key/);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses a method that is not in the contract', () => {
    expect(() => validateApiRequest('deleteEverything' as ApiMethod, {})).toThrow(/unknown API method/);
  });
});

describe('Electron IPC guard', () => {
  it.each([...API_METHODS])('%s: answered only for the app\'s own frame, only with a valid request', async (method) => {
    const { engine, calls } = recordingEngine();
    const schema = schemaOf(method);
    const good = exampleOf(schema);
    for (const frame of [undefined, '', 'https://evil.example/', 'file:///tmp/evil.html', 'data:text/html,x', 'about:blank']) {
      await expect(guardedApiCall(engine, SOURCE, method, frame, good), String(frame)).rejects.toThrow(/unexpected frame/);
    }
    for (const c of mutations(schema, good)) {
      await expect(guardedApiCall(engine, SOURCE, method, APP_FRAME, c.request), c.what).rejects.toThrow(`invalid request to ${method}`);
    }
    expect(calls).toEqual([]);
    await expect(guardedApiCall(engine, SOURCE, method, APP_FRAME, good)).resolves.toMatchObject({ called: method });
    expect(calls).toEqual([method]);
  });
});

describe('web host validation', () => {
  let host: WebHost;
  let dir: string;
  const rec = recordingEngine();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sentinel-api-'));
    await writeFile(join(dir, 'index.html'), '<!doctype html>');
    host = await startWebHost({ engine: rec.engine, staticDir: dir, port: 0, allowedRoots: [] });
  });
  afterAll(async () => {
    await host?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const post = (method: string, arg: unknown): Promise<{ ok: boolean; error?: string }> =>
    new Promise((done, fail) => {
      const body = encodeEnvelope({ arg });
      const req = request(
        {
          host: '127.0.0.1',
          port: host.port,
          method: 'POST',
          path: `/api/${method}`,
          headers: { 'content-type': 'application/octet-stream', 'content-length': body.length, 'x-sentinel-token': host.token },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const buf = Buffer.concat(chunks);
            const type = String(res.headers['content-type']);
            done((type.startsWith('application/json') ? JSON.parse(buf.toString('utf8')) : decodeEnvelope(new Uint8Array(buf))) as { ok: boolean; error?: string });
          });
        },
      );
      req.on('error', fail);
      req.end(body);
    });

  it.each([...API_METHODS])('%s: malformed requests over HTTP are refused before the engine sees them', async (method) => {
    rec.calls.length = 0;
    const schema = schemaOf(method);
    // Over HTTP: the variants a client can send (no ArrayBuffer / array-like objects, which JSON turns into {}).
    for (const c of mutations(schema, exampleOf(schema)).filter((m) => !/ArrayBuffer|array-like|NaN|Infinity/.test(m.what))) {
      const r = await post(method, c.request);
      expect(r.ok, `${method} ${c.path}: ${c.what}`).toBe(false);
      expect(r.error).toContain(`invalid request to ${method}`);
    }
    expect(rec.calls).toEqual([]);
  });
});
