import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FolderAllowList } from '../../src/core/engine/folder-allow-list';

// The list both shells use to confine openProject: Electron's picked folders (remembered across runs) and the web
// host's command-line folders.
describe('FolderAllowList', () => {
  let base: string;
  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'sentinel-allow-'));
    for (const d of ['picked/case1', 'other', 'outside']) await mkdir(join(base, d), { recursive: true });
    await symlink(join(base, 'outside'), join(base, 'picked', 'escape'));
  });
  afterAll(() => rm(base, { recursive: true, force: true }));

  it('opens an allowed folder and its subfolders, refuses others and symlinks leading out', async () => {
    const list = await FolderAllowList.create([join(base, 'picked')], { howToAllow: 'pick it' });
    await expect(list.confine(join(base, 'picked'))).resolves.toBe(join(base, 'picked'));
    await expect(list.confine(join(base, 'picked', 'case1'))).resolves.toBe(join(base, 'picked', 'case1'));
    await expect(list.confine(join(base, 'picked', '..', 'other'))).rejects.toThrow(/outside the folders this app may open \(pick it\)/);
    await expect(list.confine(join(base, 'picked', 'escape'))).rejects.toThrow(/outside/);
    await expect(list.confine(join(base, 'pickedX'))).rejects.toThrow(/no such folder/);
    await expect(list.confine('/')).rejects.toThrow(/outside/);
  });

  it('remembers picked folders across runs; a damaged file is an empty list, not a crash', async () => {
    const file = join(base, 'state', 'allowed-folders.json');
    await mkdir(join(base, 'state'));
    const first = await FolderAllowList.create([], { persistFile: file, howToAllow: 'pick it' });
    await expect(first.confine(join(base, 'other'))).rejects.toThrow(/outside/);
    await first.allow(join(base, 'other'));
    await expect(first.confine(join(base, 'other'))).resolves.toBe(join(base, 'other'));
    expect(JSON.parse(await readFile(file, 'utf8')).folders).toEqual([join(base, 'other')]);

    const second = await FolderAllowList.create([], { persistFile: file, howToAllow: 'pick it' });
    await expect(second.confine(join(base, 'other'))).resolves.toBe(join(base, 'other'));

    await writeFile(file, '{"format":"something else","folders":["/"]}');
    const third = await FolderAllowList.create([], { persistFile: file, howToAllow: 'pick it' });
    expect(third.list()).toEqual([]);
    await expect(third.confine(join(base, 'other'))).rejects.toThrow(/outside/);
  });
});
