/**
 * SentinelApi over the web host: requests are POST /api/<method> with the per-run token, bodies (both ways) are
 * binary envelopes so voxels travel as raw bytes, events arrive on a WebSocket. The token reaches the page in the URL fragment (never sent to a server, never in logs) and is kept
 * in sessionStorage so a reload keeps working.
 */
import { API_METHODS, type ApiMethod, type EngineEvent, type SentinelApi } from '../../../shared/api';
import { decodeEnvelope, encodeEnvelope, ENVELOPE_CONTENT_TYPE } from '../../../shared/binary-envelope';
import type { AppApi } from './connect';

function readToken(): string {
  const fromHash = new URLSearchParams(window.location.hash.slice(1)).get('token');
  if (fromHash) {
    sessionStorage.setItem('sentinel-token', fromHash);
    history.replaceState(null, '', window.location.pathname + window.location.search);
    return fromHash;
  }
  return sessionStorage.getItem('sentinel-token') ?? '';
}

export function createHttpApi(origin: string): AppApi {
  const token = readToken();
  const listeners = new Set<(e: EngineEvent) => void>();
  let socket: WebSocket | null = null;

  const call = async (method: ApiMethod, arg: unknown): Promise<unknown> => {
    const res = await fetch(`${origin}/api/${method}`, {
      method: 'POST',
      headers: { 'content-type': ENVELOPE_CONTENT_TYPE, 'x-sentinel-token': token },
      body: encodeEnvelope({ arg: arg ?? null }),
    });
    // Refusals before the body is read (token, origin, size) come as JSON; everything else as an envelope.
    const binary = (res.headers.get('content-type') ?? '').startsWith(ENVELOPE_CONTENT_TYPE);
    const body = (binary ? decodeEnvelope(new Uint8Array(await res.arrayBuffer())) : await res.json()) as {
      ok: boolean;
      value?: unknown;
      error?: string;
    };
    if (!body.ok) throw new Error(body.error ?? `request failed (${res.status})`);
    return body.value;
  };

  const ensureSocket = (): void => {
    if (socket) return;
    const url = origin.replace(/^http/, 'ws') + `/events?token=${encodeURIComponent(token)}`;
    socket = new WebSocket(url);
    socket.onmessage = (m) => {
      const ev = JSON.parse(String(m.data)) as EngineEvent;
      for (const l of listeners) l(ev);
    };
    socket.onclose = () => {
      socket = null;
      if (listeners.size > 0) setTimeout(ensureSocket, 1000);
    };
  };

  const api = {
    subscribe(listener: (e: EngineEvent) => void) {
      listeners.add(listener);
      ensureSocket();
      return () => listeners.delete(listener);
    },
  } as Partial<SentinelApi>;
  for (const m of API_METHODS) {
    (api as Record<string, unknown>)[m] = (arg?: unknown) => call(m, arg);
  }
  return api as AppApi;
}
