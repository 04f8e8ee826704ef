/**
 * Messages between the InferenceClient and the inference worker. Float32Arrays travel with their buffers
 * transferred, never copied; errors travel as plain SentinelError-shaped values and become SentinelErrors again.
 */
import { SentinelError, type ErrorCode } from '../errors';
import type { ExecutionProvider } from './providers';
import type { SessionInfo } from './session';

export interface StartOptions {
  modelPath: string;
  executionProviders: readonly ExecutionProvider[];
  threads?: number;
  batchSize?: number;
}

export type WorkerRequest =
  | { type: 'start'; id: number; options: StartOptions }
  | { type: 'infer'; id: number; images: Float32Array; embeddings: Float32Array; n: number }
  | { type: 'close'; id: number };

export interface WireError {
  code: ErrorCode;
  /** The reason, without the file prefix that SentinelError.message carries. */
  message: string;
  file?: string;
}

export type WorkerResponse =
  | { type: 'started'; id: number; info: SessionInfo }
  | { type: 'result'; id: number; dsc: Float32Array }
  | { type: 'closed'; id: number }
  | { type: 'error'; id: number; error: WireError };

export function toWireError(err: SentinelError): WireError {
  const prefix = err.file ? `${err.file}: ` : '';
  const message = prefix && err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message;
  return err.file === undefined ? { code: err.code, message } : { code: err.code, message, file: err.file };
}

export function fromWireError(e: WireError): SentinelError {
  return new SentinelError(e.code, e.message, e.file);
}

/** Buffers to transfer with a message (a buffer listed twice would make postMessage throw). */
export function transferablesOf(...arrays: Float32Array[]): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  for (const a of arrays) {
    const b = a.buffer;
    if (b instanceof ArrayBuffer && !out.includes(b)) out.push(b);
  }
  return out;
}
