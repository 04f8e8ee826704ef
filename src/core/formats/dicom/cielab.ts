/**
 * DICOM's Recommended Display CIELab Value ↔ sRGB. DICOM scales L* 0–100 and a*, b* −128–127 to 0–65535
 * (PS3.3 C.10.7.1.1); the white point is D65, as for sRGB.
 */
const WHITE = [0.95047, 1.0, 1.08883];

function srgbToLinear(c: number): number {
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}
function linearToSrgb(c: number): number {
  return c <= 0.0031308 ? 12.92 * c : 1.055 * c ** (1 / 2.4) - 0.055;
}
function f(t: number): number {
  return t > (6 / 29) ** 3 ? Math.cbrt(t) : t / (3 * (6 / 29) ** 2) + 4 / 29;
}
function fInv(t: number): number {
  return t > 6 / 29 ? t ** 3 : 3 * (6 / 29) ** 2 * (t - 4 / 29);
}

export function cielabToRgb(dicomLab: readonly number[]): [number, number, number] {
  const L = (dicomLab[0] / 65535) * 100;
  const a = (dicomLab[1] / 65535) * 255 - 128;
  const b = (dicomLab[2] / 65535) * 255 - 128;
  const fy = (L + 16) / 116;
  const X = WHITE[0] * fInv(fy + a / 500);
  const Y = WHITE[1] * fInv(fy);
  const Z = WHITE[2] * fInv(fy - b / 200);
  const lin = [
    3.2404542 * X - 1.5371385 * Y - 0.4985314 * Z,
    -0.969266 * X + 1.8760108 * Y + 0.041556 * Z,
    0.0556434 * X - 0.2040259 * Y + 1.0572252 * Z,
  ];
  const rgb = lin.map((c) => Math.round(Math.min(1, Math.max(0, linearToSrgb(Math.max(0, c)))) * 255));
  return [rgb[0], rgb[1], rgb[2]];
}

export function rgbToCielab(rgb: readonly number[]): [number, number, number] {
  const [r, g, b] = rgb.map((c) => srgbToLinear(Math.min(255, Math.max(0, c)) / 255));
  const X = 0.4124564 * r + 0.3575761 * g + 0.1804375 * b;
  const Y = 0.2126729 * r + 0.7151522 * g + 0.072175 * b;
  const Z = 0.0193339 * r + 0.119192 * g + 0.9503041 * b;
  const fx = f(X / WHITE[0]);
  const fy = f(Y / WHITE[1]);
  const fz = f(Z / WHITE[2]);
  const L = 116 * fy - 16;
  const A = 500 * (fx - fy);
  const B = 200 * (fy - fz);
  const clamp = (x: number): number => Math.min(65535, Math.max(0, Math.round(x)));
  return [clamp((L / 100) * 65535), clamp(((A + 128) / 255) * 65535), clamp(((B + 128) / 255) * 65535)];
}
