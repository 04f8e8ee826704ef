import { readFileSync } from 'node:fs';
import { SentinelError, asSentinelError } from '../errors';

/** Reads and parses a JSON file synchronously (the organ resources are small and read once). */
export function readJsonFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw asSentinelError(err, file);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new SentinelError('corrupt', `not valid JSON: ${(err as Error).message}`, file, { cause: err });
  }
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
