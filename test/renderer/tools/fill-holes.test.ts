import { describe, expect, it } from 'vitest';
import { EditRecorder, fillHolesInSlice, lockedLabels, sliceFrame } from '../../../src/renderer/src/tools';
import { count, emptyMask, grid, pixel, slicePixels } from './helpers';

/** Draws rows of '#' (mask) and '.' (background) onto a slice. */
function draw(mask: Uint8Array, g: ReturnType<typeof grid>, axis: 'axial' | 'coronal' | 'sagittal', s: number, rows: string[]): void {
  const f = sliceFrame(g, axis, s);
  rows.forEach((row, v) => [...row].forEach((c, u) => (mask[f.origin + u * f.strideU + v * f.strideV] = c === '#' ? 1 : 0)));
}

function read(mask: Uint8Array, g: ReturnType<typeof grid>, axis: 'axial' | 'coronal' | 'sagittal', s: number): string[] {
  const f = sliceFrame(g, axis, s);
  const rows: string[] = [];
  for (let v = 0; v < f.height; v++) {
    let r = '';
    for (let u = 0; u < f.width; u++) r += pixel(mask, f, u, v) ? '#' : '.';
    rows.push(r);
  }
  return rows;
}

describe('fill holes in a slice', () => {
  it('fills enclosed background, keeps background that reaches the border', () => {
    const g = grid(8, 7, 3);
    const mask = emptyMask(g);
    const before = [
      '........',
      '.#####..',
      '.#..##..',
      '.#.#.#..',
      '.#####..',
      '...#.#..',
      '...#.#..',
    ];
    draw(mask, g, 'axial', 1, before);
    const rec = new EditRecorder(mask, g);
    expect(fillHolesInSlice(sliceFrame(g, 'axial', 1), rec)).toBe(4);
    expect(read(mask, g, 'axial', 1)).toEqual([
      '........',
      '.#####..',
      '.#####..',
      '.#####..',
      '.#####..',
      '...#.#..', // open to the bottom border: not a hole
      '...#.#..',
    ]);
    expect(rec.finish()?.size).toBe(4);
  });

  it('uses 4-connectivity: a diagonal gap does not connect a hole to the outside', () => {
    const g = grid(6, 6, 1);
    const mask = emptyMask(g);
    draw(mask, g, 'axial', 0, [
      '......',
      '.###..',
      '.#..#.',
      '.#..#.',
      '..##..',
      '......',
    ]);
    fillHolesInSlice(sliceFrame(g, 'axial', 0), new EditRecorder(mask, g));
    expect(read(mask, g, 'axial', 0)).toEqual(['......', '.###..', '.####.', '.####.', '..##..', '......']);
  });

  it('works on coronal and sagittal slices and leaves other slices alone', () => {
    for (const axis of ['coronal', 'sagittal'] as const) {
      const g = grid(6, 6, 6);
      const mask = emptyMask(g);
      const ring = ['......', '.####.', '.#..#.', '.#..#.', '.####.', '......'];
      draw(mask, g, axis, 2, ring);
      draw(mask, g, axis, 3, ring);
      fillHolesInSlice(sliceFrame(g, axis, 2), new EditRecorder(mask, g));
      expect(slicePixels(mask, g, axis, 2).size).toBe(16);
      expect(slicePixels(mask, g, axis, 3).size).toBe(12);
      expect(count(mask)).toBe(28);
    }
  });

  it('leaves locked voxels unfilled and a slice without holes untouched', () => {
    const g = grid(5, 5, 1);
    const mask = emptyMask(g);
    draw(mask, g, 'axial', 0, ['#####', '#...#', '#...#', '#...#', '#####']);
    const context = new Uint8Array(25);
    context[12] = 4;
    const rec = new EditRecorder(mask, g, { protect: lockedLabels(context, [4]) });
    expect(fillHolesInSlice(sliceFrame(g, 'axial', 0), rec)).toBe(8);
    expect(mask[12]).toBe(0);
    const empty = emptyMask(g);
    expect(fillHolesInSlice(sliceFrame(g, 'axial', 0), new EditRecorder(empty, g))).toBe(0);
  });
});
