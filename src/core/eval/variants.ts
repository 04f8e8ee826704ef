/**
 * The degraded versions of one reference label. Variant 0 is the label unchanged (so near-perfect labels are in
 * the evaluation); each further variant applies one degradation, its kind taken in turn from a seeded shuffle of
 * all kinds and its severity searched so that its Dice against the reference lands near a seeded target. Half the
 * targets are drawn from [0.8, 0.99) (subtle errors) and half from [0.2, 0.8) (gross ones), which spreads the true
 * DSC over 0.2..1. A kind that cannot apply (no neighbour to leak into, an organ too small to erode) falls back to
 * dilation. Everything depends only on the seed passed in.
 */
import { dice } from '../sentinel/preprocess/dice';
import type { Vec3 } from '../volume';
import { boundaryNoise } from './degrade/boundary-noise';
import { dropSlices } from './degrade/drop-slices';
import { punchHoles } from './degrade/holes';
import { leakInto } from './degrade/leak';
import { countInside, onBoundary6, type BinaryMask } from './degrade/mask';
import { dilate, erode, type Connectivity } from './degrade/morphology';
import { planeCut } from './degrade/plane-cut';
import { shiftMask } from './degrade/shift';
import { swapWith } from './degrade/swap';
import { reframe, unionBox, type BoxedMask } from './box';
import { createRng, voxelUniform, type Rng } from './rng';

export type DegradationKind =
  | 'erode'
  | 'dilate'
  | 'shift'
  | 'plane_cut'
  | 'holes'
  | 'drop_slices'
  | 'leak'
  | 'swap'
  | 'boundary_noise';

export type VariantKind = 'unchanged' | DegradationKind;

export const DEGRADATION_KINDS: readonly DegradationKind[] = [
  'erode',
  'dilate',
  'shift',
  'plane_cut',
  'holes',
  'drop_slices',
  'leak',
  'swap',
  'boundary_noise',
];

/** The furthest a degradation reaches beyond the label, in voxels (dilation radius, shift, leak steps). */
export const MAX_REACH = 8;
/** Margin of a label's box: MAX_REACH plus room for the neighbour-contact test. */
export const BOX_MARGIN = MAX_REACH + 2;

export type VariantParams = Record<string, number | string | number[]>;

export interface Variant {
  /** 0 is the unchanged label. */
  index: number;
  kind: VariantKind;
  params: VariantParams;
  /** The Dice the severity search aimed at (null for the unchanged label and a swap). */
  target: number | null;
  mask: BoxedMask;
}

export interface VariantSource {
  reference: BoxedMask;
  /** The label of the case it touches most, for leaks and swaps. */
  neighbour: { name: string; mask: BoxedMask } | null;
}

interface Made {
  mask: BinaryMask | BoxedMask;
  params: VariantParams;
}

/** `count` degradations of the reference plus the unchanged label: count + 1 variants. */
export function makeVariants(src: VariantSource, count: number, seed: number): Variant[] {
  const rng = createRng(seed);
  const ref = src.reference;
  const out: Variant[] = [{ index: 0, kind: 'unchanged', params: {}, target: null, mask: ref }];
  let schedule: DegradationKind[] = [];
  for (let v = 1; v <= count; v++) {
    if (schedule.length === 0) schedule = rng.shuffle(DEGRADATION_KINDS);
    const wanted = schedule.shift() as DegradationKind;
    const target = rng.next() < 0.5 ? rng.uniform(0.8, 0.99) : rng.uniform(0.2, 0.8);
    // Each kind draws from its own generator, so a fallback does not shift the draws of later variants.
    const kindRng = createRng(rng.seed());
    let kind: VariantKind = wanted;
    let made = changed(ref.mask, degrade(wanted, src, target, kindRng));
    if (!made && wanted !== 'dilate') {
      kind = 'dilate';
      made = changed(ref.mask, degrade('dilate', src, target, kindRng));
    }
    if (!made) {
      kind = 'unchanged';
      made = { mask: ref.mask, params: { note: 'no degradation applied' } };
    }
    const mask = 'box' in made.mask ? made.mask : { box: ref.box, mask: made.mask };
    out.push({ index: v, kind, params: made.params, target: kind === 'swap' || kind === 'unchanged' ? null : round6(target), mask });
  }
  return out;
}

/** A degradation that left the mask as it was (a cut too small for a tiny organ) counts as not applicable. */
function changed(ref: BinaryMask, made: Made | null): Made | null {
  if (!made || 'box' in made.mask) return made;
  return dice(made.mask.data, ref.data) < 1 ? made : null;
}

function degrade(kind: DegradationKind, src: VariantSource, target: number, rng: Rng): Made | null {
  const ref = src.reference.mask;
  switch (kind) {
    case 'erode':
    case 'dilate':
      return morphological(kind, ref, target, rng.pick<Connectivity>([6, 26]));
    case 'shift':
      return shifted(ref, target, rng);
    case 'plane_cut':
      return cut(ref, target, rng);
    case 'holes':
      return holes(ref, target, rng);
    case 'drop_slices':
      return droppedSlices(src.reference, target, rng);
    case 'leak':
      return src.neighbour ? leaked(src.reference, src.neighbour, target) : null;
    case 'swap':
      return src.neighbour ? swapped(src.reference, src.neighbour) : null;
    case 'boundary_noise':
      return noisy(ref, target, rng.seed());
  }
}

interface Candidate {
  mask: BinaryMask;
  dsc: number;
  params: VariantParams;
}

/** The candidate whose Dice is nearest the target (the first on a tie: the milder one). */
function nearest(candidates: Candidate[], target: number): Made | null {
  let best: Candidate | null = null;
  for (const c of candidates) if (!best || Math.abs(c.dsc - target) < Math.abs(best.dsc - target)) best = c;
  return best ? { mask: best.mask, params: { ...best.params, achieved_dsc: round6(best.dsc) } } : null;
}

/** Radius 1, 2, ... (one more step each time) until the Dice passes the target or the mask would vanish. */
function morphological(kind: 'erode' | 'dilate', ref: BinaryMask, target: number, connectivity: Connectivity): Made | null {
  const step = kind === 'erode' ? erode : dilate;
  const candidates: Candidate[] = [];
  let current = ref;
  let currentCount = countInside(ref);
  for (let r = 1; r <= MAX_REACH; r++) {
    const next = step(current, 1, connectivity);
    const n = countInside(next);
    if (n === 0 || n === currentCount) break;
    const dsc = dice(next.data, ref.data);
    candidates.push({ mask: next, dsc, params: { radius: r, connectivity } });
    if (dsc <= target) break;
    current = next;
    currentCount = n;
  }
  return nearest(candidates, target);
}

function randomDirection(rng: Rng): Vec3 {
  const z = rng.uniform(-1, 1);
  const phi = rng.uniform(0, 2 * Math.PI);
  const s = Math.sqrt(1 - z * z);
  return [s * Math.cos(phi), s * Math.sin(phi), z];
}

function shifted(ref: BinaryMask, target: number, rng: Rng): Made | null {
  const dir = randomDirection(rng);
  const candidates: Candidate[] = [];
  let last = '';
  for (let m = 1; m <= MAX_REACH; m++) {
    const offset = dir.map((d) => Math.round(d * m)) as Vec3;
    const key = offset.join(',');
    if (key === '0,0,0' || key === last) continue;
    last = key;
    const moved = shiftMask(ref, offset);
    if (countInside(moved) === 0) break;
    const dsc = dice(moved.data, ref.data);
    candidates.push({ mask: moved, dsc, params: { offset } });
    if (dsc <= target) break;
  }
  return nearest(candidates, target);
}

/** The fraction f to remove from a mask for Dice t: t = 2(1 - f) / (2 - f). */
function removalFraction(target: number): number {
  return (2 - 2 * target) / (2 - target);
}

function cut(ref: BinaryMask, target: number, rng: Rng): Made | null {
  let normal: Vec3;
  if (rng.next() < 0.5) {
    normal = [0, 0, 0];
    normal[rng.int(0, 2)] = rng.next() < 0.5 ? -1 : 1;
  } else {
    normal = randomDirection(rng);
  }
  const fraction = removalFraction(target);
  const mask = planeCut(ref, normal, fraction);
  if (countInside(mask) === 0) return null;
  return { mask, params: { normal: normal.map(round6), fraction: round6(fraction), achieved_dsc: round6(dice(mask.data, ref.data)) } };
}

function insideIndices(mask: BinaryMask): number[] {
  const out: number[] = [];
  for (let p = 0; p < mask.data.length; p++) if (mask.data[p] !== 0) out.push(p);
  return out;
}

function ballVoxels(r: number): number {
  let n = 0;
  for (let z = -r; z <= r; z++) for (let y = -r; y <= r; y++) for (let x = -r; x <= r; x++) if (x * x + y * y + z * z <= r * r) n++;
  return n;
}

/**
 * Balls cleared at random inside voxels: sized from the voxels to remove, then topped up (a few rounds) because
 * holes overlap each other and the organ's edge.
 */
function holes(ref: BinaryMask, target: number, rng: Rng): Made | null {
  const total = countInside(ref);
  const toRemove = total * removalFraction(target);
  let radius = rng.int(1, 3);
  while (radius > 1 && ballVoxels(radius) > toRemove) radius--;
  const ball = ballVoxels(radius);
  const [nx, ny] = ref.dims;
  const centres: Vec3[] = [];
  let mask = ref;
  for (let round = 0; round < 4; round++) {
    const missing = countInside(mask) - (total - toRemove);
    if (round > 0 && missing < ball / 2) break;
    const inside = insideIndices(mask);
    const add = Math.min(200, Math.max(1, Math.round(missing / ball)));
    for (let h = 0; h < add; h++) {
      const p = inside[rng.int(0, inside.length - 1)];
      centres.push([p % nx, Math.floor(p / nx) % ny, Math.floor(p / (nx * ny))]);
    }
    const next = punchHoles(ref, centres, radius);
    if (countInside(next) === 0) break;
    mask = next;
  }
  if (mask === ref) return null;
  return { mask, params: { radius, holes: centres.length, achieved_dsc: round6(dice(mask.data, ref.data)) } };
}

function droppedSlices(reference: BoxedMask, target: number, rng: Rng): Made | null {
  const ref = reference.mask;
  const [nx, ny, nz] = ref.dims;
  const perSlice = new Array<number>(nz).fill(0);
  for (let p = 0; p < ref.data.length; p++) if (ref.data[p] !== 0) perSlice[Math.floor(p / (nx * ny))]++;
  const occupied = rng.shuffle(perSlice.map((n, k) => (n > 0 ? k : -1)).filter((k) => k >= 0));
  if (occupied.length < 2) return null;
  const total = perSlice.reduce((a, b) => a + b, 0);
  const toRemove = total * removalFraction(target);
  // Slices in shuffled order until the removed voxels reach the target; the last one only if that is nearer.
  const chosen: number[] = [];
  let removed = 0;
  for (const k of occupied.slice(0, occupied.length - 1)) {
    if (removed >= toRemove) break;
    const withIt = removed + perSlice[k];
    if (chosen.length > 0 && Math.abs(withIt - toRemove) > Math.abs(removed - toRemove)) break;
    chosen.push(k);
    removed = withIt;
  }
  chosen.sort((a, b) => a - b);
  const mask = dropSlices(ref, chosen, 2);
  // Reported as slice indices k of the canonical grid, not of the box.
  const slices = chosen.map((k) => k + reference.box.origin[2]);
  return { mask, params: { slices, achieved_dsc: round6(dice(mask.data, ref.data)) } };
}

function leaked(reference: BoxedMask, neighbour: { name: string; mask: BoxedMask }, target: number): Made | null {
  const ref = reference.mask;
  const region = reframe(neighbour.mask, reference.box);
  const candidates: Candidate[] = [];
  let previous = countInside(ref);
  for (let s = 1; s <= MAX_REACH; s++) {
    const grown = leakInto(ref, region, s);
    const n = countInside(grown);
    if (n === previous) break;
    previous = n;
    const dsc = dice(grown.data, ref.data);
    candidates.push({ mask: grown, dsc, params: { steps: s, into: neighbour.name } });
    if (dsc <= target) break;
  }
  return nearest(candidates, target);
}

function swapped(reference: BoxedMask, neighbour: { name: string; mask: BoxedMask }): Made {
  const box = unionBox(reference.box, neighbour.mask.box);
  const mask = swapWith(reframe(reference, box), reframe(neighbour.mask, box));
  return { mask: { box, mask }, params: { with: neighbour.name } };
}

/** The flip probability p whose exact Dice (counted from the per-voxel draws) meets the target (bisection on p). */
function noisy(ref: BinaryMask, target: number, seed: number): Made | null {
  const [nx, ny, nz] = ref.dims;
  const inner: number[] = [];
  const outer: number[] = [];
  for (let k = 0, q = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++, q++) {
        if (!onBoundary6(ref.data, ref.dims, i, j, k, q)) continue;
        (ref.data[q] !== 0 ? inner : outer).push(voxelUniform(seed, q));
      }
    }
  }
  const total = countInside(ref);
  const below = (list: number[], p: number): number => list.reduce((n, u) => (u < p ? n + 1 : n), 0);
  // Dice after flipping: removed inner voxels a, added outer voxels b.
  const diceAt = (p: number): number => {
    const a = below(inner, p);
    const b = below(outer, p);
    return (2 * (total - a)) / (2 * total - a + b);
  };
  let p = 1;
  if (diceAt(1) < target) {
    let lo = 0;
    let hi = 1;
    for (let it = 0; it < 30; it++) {
      const mid = (lo + hi) / 2;
      if (diceAt(mid) > target) lo = mid;
      else hi = mid;
    }
    p = hi;
  }
  const mask = boundaryNoise(ref, p, seed);
  if (countInside(mask) === 0) return null;
  return { mask, params: { p, seed, achieved_dsc: round6(dice(mask.data, ref.data)) } };
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
