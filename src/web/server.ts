/**
 * The web host: serves the built renderer and the SentinelApi over HTTP + WebSocket on 127.0.0.1, so the same UI
 * runs in a browser (tests, remote-less browser use). A per-run token guards every API call and the event socket;
 * requests from any other origin are refused; only folders under the allowed roots can be opened.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import { API_METHODS, type ApiMethod } from '../shared/api';
import { FolderAllowList } from '../core/engine/folder-allow-list';
import { validateApiRequest } from '../shared/api-schema';
import { decodeEnvelope, encodeEnvelope, ENVELOPE_CONTENT_TYPE } from '../shared/binary-envelope';
import { CONTENT_SECURITY_POLICY } from '../shared/csp';
import type { Engine } from '../core/engine/engine';
import { dispatchApiCall } from '../core/engine/dispatch';

/** A fixed default port: IndexedDB belongs to the page's origin, so a project must come back on the same one. */
export const DEFAULT_PORT = 47615;

export interface WebHostOptions {
  engine: Engine;
  /** The built renderer (out/renderer). */
  staticDir: string;
  port?: number;
  token?: string;
  /** Folders (and everything below them) that openProject may open. Empty: none. */
  allowedRoots: string[];
}

export interface WebHost {
  url: string;
  /** The address the server listens on, as the socket reports it (always 127.0.0.1). */
  address: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wasm': 'application/wasm',
};

/** JSON bodies are small requests; binary envelopes carry masks (512×512×300 bytes is 78 MB). */
const MAX_JSON_BODY = 16 << 20;
const MAX_BINARY_BODY = 256 << 20;

export async function startWebHost(opts: WebHostOptions): Promise<WebHost> {
  const token = opts.token ?? randomBytes(24).toString('hex');
  const port = opts.port ?? DEFAULT_PORT;
  const staticDir = resolve(opts.staticDir);
  const allowList = await FolderAllowList.create(opts.allowedRoots, {
    howToAllow: 'start the host with that folder: npm run serve -- <folder>',
  });
  const confine = (path: string): Promise<string> => allowList.confine(path);
  let origin = '';

  const tokenOk = (given: string | null | undefined): boolean => {
    if (!given) return false;
    const a = Buffer.from(given);
    const b = Buffer.from(token);
    return a.length === b.length && timingSafeEqual(a, b);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err) => send(res, 500, { ok: false, error: err instanceof Error ? err.message : String(err) }));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', origin);
    // A page of another origin may not drive the engine (CSRF from a browser tab, DNS rebinding).
    if (req.headers.origin && req.headers.origin !== origin) return send(res, 403, { ok: false, error: 'origin not allowed' });
    if (req.headers.host && req.headers.host !== new URL(origin).host) return send(res, 403, { ok: false, error: 'host not allowed' });
    if (url.pathname.startsWith('/api/')) {
      if (req.method !== 'POST') return send(res, 405, { ok: false, error: 'POST only' });
      if (!tokenOk(req.headers['x-sentinel-token'] as string | undefined)) return send(res, 401, { ok: false, error: 'missing or wrong token' });
      const method = url.pathname.slice(5) as ApiMethod;
      if (!API_METHODS.includes(method)) return send(res, 404, { ok: false, error: `no API method "${method}"` });
      // The reply comes in the request's format: a binary envelope (voxels as raw bytes) or JSON.
      const binary = (req.headers['content-type'] ?? '').startsWith(ENVELOPE_CONTENT_TYPE);
      const reply = binary ? sendEnvelope : send;
      let body: Uint8Array;
      try {
        body = await readBody(req, binary ? MAX_BINARY_BODY : MAX_JSON_BODY);
      } catch (err) {
        return send(res, 413, { ok: false, error: err instanceof Error ? err.message : String(err) });
      }
      let arg: unknown;
      try {
        const parsed = binary ? decodeEnvelope(body) : JSON.parse(new TextDecoder().decode(body) || '{}');
        arg = (parsed as { arg?: unknown } | null)?.arg;
      } catch (err) {
        return reply(res, 400, { ok: false, error: binary ? (err as Error).message : 'the body is not JSON' });
      }
      try {
        const request = validateApiRequest(method, arg);
        const value = await dispatchApiCall(opts.engine, method, request, { openRoot: confine });
        return reply(res, 200, { ok: true, value });
      } catch (err) {
        return reply(res, 200, { ok: false, error: err instanceof Error ? err.message : String(err) });
      }
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, { ok: false, error: 'GET only' });
    return serveStatic(url.pathname, res);
  }

  async function serveStatic(pathname: string, res: ServerResponse): Promise<void> {
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      return send(res, 400, { ok: false, error: 'malformed path' });
    }
    // Normalised as an absolute path first, so no number of '..' climbs above the static folder.
    const rel = normalize(decoded).replace(/^([/\\])+/, '');
    let file = join(staticDir, rel || 'index.html');
    if (!file.startsWith(staticDir)) return send(res, 404, { ok: false, error: 'not found' });
    const st = await stat(file).catch(() => null);
    if (!st || st.isDirectory()) file = join(staticDir, 'index.html');
    const bytes = await readFile(file).catch(() => null);
    if (!bytes) return send(res, 404, { ok: false, error: 'not found (build the renderer: npx electron-vite build)' });
    res.writeHead(200, {
      'content-type': MIME[extname(file)] ?? 'application/octet-stream',
      'content-security-policy': CONTENT_SECURITY_POLICY,
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-cache',
    });
    res.end(bytes);
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: 1 << 16 });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', origin);
    const fromOrigin = req.headers.origin;
    const foreignHost = !!req.headers.host && req.headers.host !== new URL(origin).host;
    if (url.pathname !== '/events' || !tokenOk(url.searchParams.get('token')) || (fromOrigin && fromOrigin !== origin) || foreignHost) {
      socket.write('HTTP/1.1 403 Forbidden\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      const unsubscribe = opts.engine.subscribe((ev) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(ev));
      });
      ws.on('close', unsubscribe);
      ws.on('error', unsubscribe);
    });
  });

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolveListen());
  });
  const bound = server.address() as { address: string; port: number };
  const actualPort = bound.port;
  origin = `http://127.0.0.1:${actualPort}`;
  return {
    url: origin,
    address: bound.address,
    port: actualPort,
    token,
    close: () =>
      new Promise<void>((r) => {
        for (const c of wss.clients) c.terminate();
        wss.close();
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return void res.end();
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

function sendEnvelope(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return void res.end();
  const bytes = encodeEnvelope(body);
  res.writeHead(status, { 'content-type': ENVELOPE_CONTENT_TYPE, 'content-length': bytes.length, 'cache-control': 'no-store' });
  res.end(bytes);
}

/** The body in a buffer of its own (offset 0), so an envelope's arrays can be viewed in place. */
function readBody(req: IncomingMessage, limit: number): Promise<Uint8Array> {
  return new Promise((resolveBody, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) {
      reject(new Error(`request body too large (${declared} bytes; the limit is ${limit})`));
      req.resume();
      return;
    }
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new Error(`request body too large (the limit is ${limit} bytes)`));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => {
      const out = new Uint8Array(size);
      let at = 0;
      for (const c of chunks) {
        out.set(c, at);
        at += c.length;
      }
      resolveBody(out);
    });
    req.on('error', reject);
  });
}
