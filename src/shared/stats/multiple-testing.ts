/**
 * Benjamini-Hochberg adjusted p-values (q-values) controlling the false discovery rate over a family of tests:
 * q_(i) = min over j >= i of (m / j) * p_(j), capped at 1, with p sorted ascending and m the number of tests.
 * A null p-value (no test: not enough data) is not part of the family and gets a null q-value.
 */
export function benjaminiHochberg(pValues: readonly (number | null)[]): (number | null)[] {
  const tested = pValues.flatMap((p, i) => (p === null ? [] : [{ p, i }]));
  for (const { p, i } of tested) {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`benjaminiHochberg: p-value ${i} is not in [0, 1] (${p})`);
  }
  tested.sort((a, b) => a.p - b.p || a.i - b.i);
  const m = tested.length;
  const out: (number | null)[] = pValues.map(() => null);
  let running = 1;
  for (let k = m - 1; k >= 0; k--) {
    running = Math.min(running, (m / (k + 1)) * tested[k].p);
    out[tested[k].i] = running;
  }
  return out;
}
