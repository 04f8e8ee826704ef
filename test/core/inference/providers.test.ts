import { describe, expect, it } from 'vitest';
import { AllProvidersFailed, describeProviderChoice, openWithFallback, providerOrder } from '../../../src/core/inference/providers';

describe('provider order', () => {
  it('keeps the user order, drops repeats and ends at cpu', () => {
    expect(providerOrder([])).toEqual(['cpu']);
    expect(providerOrder(['cuda'])).toEqual(['cuda', 'cpu']);
    expect(providerOrder(['dml', 'cuda', 'dml'])).toEqual(['dml', 'cuda', 'cpu']);
    expect(providerOrder(['cpu', 'cuda'])).toEqual(['cpu']);
  });

  it('keeps every failure message, in order, and stops at the first success', async () => {
    const r = await openWithFallback(['cuda', 'coreml', 'cpu'], async (p) => {
      if (p === 'cuda') throw new Error('no libcudart\n  at native frames...');
      return `session on ${p}`;
    });
    expect(r.value).toBe('session on coreml');
    expect(r.provider).toBe('coreml');
    expect(r.attempts).toEqual([
      { provider: 'cuda', ok: false, error: 'no libcudart' },
      { provider: 'coreml', ok: true },
    ]);
    expect(describeProviderChoice(r.provider, r.attempts)).toBe('running on coreml; cuda unavailable (no libcudart)');
  });

  it('throws with all reasons when nothing opens', async () => {
    const err = await openWithFallback(['cuda', 'cpu'], async (p) => {
      throw new Error(`${p} broke`);
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AllProvidersFailed);
    expect((err as Error).message).toBe('cuda: cuda broke; cpu: cpu broke');
  });
});
