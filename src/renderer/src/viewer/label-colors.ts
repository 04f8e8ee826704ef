/** Colours of the editor: the edited mask, the context organs, and each slice view (crosshair lines, borders). */
import type { SliceAxis } from '../tools';

export type Rgb = [number, number, number];

/** The edited mask: a saturated azure that reads on grey CT and differs from every crosshair colour. */
export const MASK_RGB: Rgb = [0.1, 0.75, 1.0];

/** Slicer's habit: axial red, coronal green, sagittal yellow. */
export const VIEW_RGB: Readonly<Record<SliceAxis, Rgb>> = {
  axial: [0.93, 0.33, 0.33],
  coronal: [0.35, 0.8, 0.35],
  sagittal: [0.93, 0.85, 0.3],
};

/** Opacity of the context organs: enough to see where neighbours are, not enough to hide the CT. */
export const CONTEXT_OPACITY = 0.3;

export function cssColor(rgb: Rgb): string {
  return `rgb(${rgb.map((c) => Math.round(c * 255)).join(' ')})`;
}

/** Colour of context label `value` (1-based): golden-angle hues, so neighbours in the table differ. */
export function contextColor(value: number): Rgb {
  const hue = ((value * 137.508) % 360) / 360;
  return hslToRgb(hue, 0.65, 0.55);
}

function hslToRgb(h: number, s: number, l: number): Rgb {
  const q = l < 0.5 ? l * (1 + s) : l + s - l * s;
  const p = 2 * l - q;
  const channel = (t: number): number => {
    const x = t < 0 ? t + 1 : t > 1 ? t - 1 : t;
    if (x < 1 / 6) return p + (q - p) * 6 * x;
    if (x < 1 / 2) return q;
    if (x < 2 / 3) return p + (q - p) * (2 / 3 - x) * 6;
    return p;
  };
  return [channel(h + 1 / 3), channel(h), channel(h - 1 / 3)];
}
