/**
 * The card's optional calibration: an isotonic map from the model's raw prediction to a calibrated DSC, stored as
 * knots (x increasing, y non-decreasing) and applied by linear interpolation between them. Outside the knots the
 * end values hold, so the map never leaves the range of y.
 */
import type { CalibrationTable } from './model-card';

/** Calibrates one value. */
export function calibrateValue(v: number, table: CalibrationTable): number {
  const { x, y } = table;
  const last = x.length - 1;
  if (Number.isNaN(v)) return v;
  if (v <= x[0]) return y[0];
  if (v >= x[last]) return y[last];
  // The last knot with x[lo] <= v: binary search, since tables may hold hundreds of knots.
  let lo = 0;
  let hi = last;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (x[mid] <= v) lo = mid;
    else hi = mid;
  }
  const t = (v - x[lo]) / (x[hi] - x[lo]);
  return y[lo] + t * (y[hi] - y[lo]);
}

/** Calibrates every value in place and returns the same array. */
export function calibrateInPlace(values: Float32Array, table: CalibrationTable): Float32Array {
  for (let i = 0; i < values.length; i++) values[i] = calibrateValue(values[i], table);
  return values;
}
