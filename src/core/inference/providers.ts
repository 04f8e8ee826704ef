/**
 * Execution providers and the fallback between them: the user's order is tried first to last, then the CPU, and
 * every failure's message is kept so the app can say why the GPU was not used.
 */
export const EXECUTION_PROVIDERS = ['cuda', 'dml', 'coreml', 'cpu'] as const;
export type ExecutionProvider = (typeof EXECUTION_PROVIDERS)[number];

export interface ProviderAttempt {
  provider: ExecutionProvider;
  ok: boolean;
  /** Why the provider could not be used (absent when ok). */
  error?: string;
}

export function isExecutionProvider(v: unknown): v is ExecutionProvider {
  return typeof v === 'string' && (EXECUTION_PROVIDERS as readonly string[]).includes(v);
}

/** The order to try: the user's, without repeats, ending at the CPU (which is always available). */
export function providerOrder(requested: readonly ExecutionProvider[]): ExecutionProvider[] {
  const order: ExecutionProvider[] = [];
  for (const p of requested) {
    if (!order.includes(p)) order.push(p);
    if (p === 'cpu') break; // nothing after the CPU would ever be tried
  }
  if (!order.includes('cpu')) order.push('cpu');
  return order;
}

export interface FallbackResult<T> {
  value: T;
  provider: ExecutionProvider;
  attempts: ProviderAttempt[];
}

/** Thrown when no provider, the CPU included, could open the model; `attempts` says why each failed. */
export class AllProvidersFailed extends Error {
  constructor(readonly attempts: ProviderAttempt[]) {
    super(attempts.map((a) => `${a.provider}: ${a.error ?? 'failed'}`).join('; '));
    this.name = 'AllProvidersFailed';
  }
}

/** Tries `open` with each provider in `order` until one succeeds. */
export async function openWithFallback<T>(
  order: readonly ExecutionProvider[],
  open: (provider: ExecutionProvider) => Promise<T>,
): Promise<FallbackResult<T>> {
  const attempts: ProviderAttempt[] = [];
  for (const provider of order) {
    try {
      const value = await open(provider);
      attempts.push({ provider, ok: true });
      return { value, provider, attempts };
    } catch (err) {
      attempts.push({ provider, ok: false, error: firstLine(err) });
    }
  }
  throw new AllProvidersFailed(attempts);
}

/** ORT's messages can carry long native traces; the first line says what went wrong. */
function firstLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  const line = msg.split('\n').find((l) => l.trim() !== '') ?? msg;
  return line.trim().slice(0, 500);
}

/** One line for logs and the UI: which provider runs the model and why the ones before it were skipped. */
export function describeProviderChoice(provider: ExecutionProvider, attempts: readonly ProviderAttempt[]): string {
  const failed = attempts.filter((a) => !a.ok);
  if (failed.length === 0) return `running on ${provider}`;
  return `running on ${provider}; ${failed.map((a) => `${a.provider} unavailable (${a.error})`).join('; ')}`;
}
