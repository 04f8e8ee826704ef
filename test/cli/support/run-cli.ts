/**
 * Running `sentinel` from the CLI tests: as a real process (`node bin/sentinel.mjs`, the entry users run) or in
 * this process (the same runCli minus the start-up, fast enough for the usage and fault cases), with the same
 * result either way, plus the model flags and the CSV reading the scoring tests share.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { vi } from 'vitest';
import { runCli } from '../../../src/cli/run';
import { RESOURCES_ENV } from '../../../src/core/organs/resources-dir';
import { parseCsv } from '../../../src/shared/csv-text';
import { REPO } from '../../core/engine/fixtures';

export const BIN = join(REPO, 'bin', 'sentinel.mjs');

/** Whether the repository bundles a default model (else scoring falls back to the random-weight test model). */
export const HAS_DEFAULT_MODEL = existsSync(join(REPO, 'resources/models/default.onnx'));
/** `--model` flags for `sentinel score`: none with a bundled default model, else the test model (a pipeline check). */
export const MODEL_ARGS: string[] = HAS_DEFAULT_MODEL ? [] : ['--model', 'test/fixtures/models/tiny-random.onnx'];

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in a child process from the repository root; never rejects (the exit code is the result). */
export function runCliProcess(args: string[]): Promise<CliRun> {
  // No resources override from the caller's environment: the default-model lookup must see the repository's.
  const env = { ...process.env };
  delete env[RESOURCES_ENV];
  return new Promise((done) => {
    execFile(process.execPath, [BIN, ...args], { cwd: REPO, env, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      done({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

/**
 * Runs the CLI in this process, capturing what it writes. The resources folder is `resourcesDir` for the call
 * (e.g. one without a model) and the repository's otherwise, as in runCliProcess; the caller's is restored after.
 */
export async function runCliInProcess(args: string[], opts: { resourcesDir?: string } = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const capture = (sink: (s: string) => void) => (chunk: string | Uint8Array): boolean => {
    sink(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  };
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(capture((s) => (stdout += s)));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(capture((s) => (stderr += s)));
  const before = process.env[RESOURCES_ENV];
  if (opts.resourcesDir) process.env[RESOURCES_ENV] = opts.resourcesDir;
  else delete process.env[RESOURCES_ENV];
  try {
    return { code: await runCli(args), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
    if (before === undefined) delete process.env[RESOURCES_ENV];
    else process.env[RESOURCES_ENV] = before;
  }
}

/** A CSV file's records as header → value maps (blank lines skipped): read independently of the code under test. */
export async function readCsvRows(file: string): Promise<Record<string, string>[]> {
  const [header, ...records] = parseCsv(await readFile(file, 'utf8'));
  return records.filter((r) => r.length > 1).map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
}
