/** CT window/level presets with the values radiologists and Slicer users expect (width / level in HU). */
export interface WindowPreset {
  id: 'soft-tissue' | 'liver' | 'lung' | 'bone';
  name: string;
  width: number;
  level: number;
}

export const WINDOW_PRESETS: readonly WindowPreset[] = [
  { id: 'soft-tissue', name: 'Soft tissue', width: 400, level: 40 },
  { id: 'liver', name: 'Liver', width: 150, level: 90 },
  { id: 'lung', name: 'Lung', width: 1500, level: -600 },
  { id: 'bone', name: 'Bone', width: 2500, level: 480 },
];

/** The HU range [lo, hi] a window shows (also a sensible default range for the threshold brush). */
export function windowRange(p: Pick<WindowPreset, 'width' | 'level'>): [number, number] {
  return [p.level - p.width / 2, p.level + p.width / 2];
}

/** The preset after `id` in the table, wrapping around (one key cycles through them). */
export function nextWindowPreset(id: WindowPreset['id'] | null): WindowPreset {
  const at = WINDOW_PRESETS.findIndex((p) => p.id === id);
  return WINDOW_PRESETS[(at + 1) % WINDOW_PRESETS.length];
}
