/**
 * A browser host (bin/serve.mjs) of a spec's own, beside the one playwright.config.ts starts: that one serves the
 * bundled sample read-only, so specs that save, export or need other flags run their own on their own port, on a
 * scratch copy of the data.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const SAMPLE = resolve('resources/sample');

/** How long a host may take to answer its first request (opening the model is most of it). */
const START_MS = 60_000;
/** How long a stopped host may take to close its sockets and engine before it is killed outright. */
const STOP_MS = 10_000;

export interface BrowserHost {
  readonly port: number;
  readonly token: string;
  /** `http://127.0.0.1:<port>`, without a trailing slash. */
  readonly base: string;
  /** The app's page with the token in the hash, where the renderer reads it from. */
  readonly appUrl: string;
  /** Starts the host on these dataset folders with extra command-line flags; resolves once it answers. */
  start(datasets: string[], extraArgs?: string[]): Promise<void>;
  /** What the running (or last) host printed: for the message when something goes wrong. */
  log(): string;
  /** Stops the host and waits for it to exit, so that the port is free for the next start. */
  stop(): Promise<void>;
}

const exited = (p: ChildProcess): boolean => p.exitCode !== null || p.signalCode !== null;

/** A host handle: its address is known before it starts, so a spec can name it at module level. */
export function browserHost(opts: { port: number; token: string }): BrowserHost {
  const base = `http://127.0.0.1:${opts.port}`;
  let child: ChildProcess | null = null;
  let output = '';

  async function start(datasets: string[], extraArgs: string[] = []): Promise<void> {
    if (child) throw new Error(`a browser host is already running on port ${opts.port}`);
    output = '';
    const host = spawn(process.execPath, ['bin/serve.mjs', ...datasets, '--port', String(opts.port), '--token', opts.token, ...extraArgs], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = host;
    host.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    host.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    const deadline = Date.now() + START_MS;
    for (;;) {
      try {
        if ((await fetch(`${base}/`)).ok) return;
      } catch {
        // not listening yet
      }
      if (exited(host) || Date.now() > deadline) throw new Error(`the browser host did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  async function stop(): Promise<void> {
    const host = child;
    child = null;
    if (!host || exited(host)) return;
    const gone = new Promise((r) => host.once('exit', r));
    host.kill('SIGTERM');
    // A host stuck closing must not hang the suite's teardown.
    const timer = setTimeout(() => host.kill('SIGKILL'), STOP_MS);
    await gone;
    clearTimeout(timer);
  }

  return { port: opts.port, token: opts.token, base, appUrl: `${base}/#token=${opts.token}`, start, log: () => output, stop };
}

export interface ScratchCopy {
  /** The fresh temporary folder: remove it with removeScratch when done. */
  scratch: string;
  /** The copy, inside `scratch`. */
  dataset: string;
}

/**
 * A writable copy of a dataset (the bundled sample unless `src` is given) as `<tmp>/<prefix>XXXXXX/<name>`: the
 * specs paint, save and export, and nothing may ever be written into the repository's own sample.
 */
export async function copyDataset(prefix: string, opts: { src?: string; name?: string } = {}): Promise<ScratchCopy> {
  const scratch = await mkdtemp(join(tmpdir(), prefix));
  const dataset = join(scratch, opts.name ?? 'sample-copy');
  await cp(opts.src ?? SAMPLE, dataset, { recursive: true });
  return { scratch, dataset };
}

/** Removes a scratch folder; nothing to do when beforeAll failed before making it. */
export async function removeScratch(scratch: string): Promise<void> {
  if (scratch) await rm(scratch, { recursive: true, force: true });
}
