/**
 * Exports that are a few text files (scores, the worst list, the audit log): written into the staging folder,
 * then renamed into the chosen folder one after the other. A cancel before the renames leaves nothing.
 */
import { checkpoint, type ExportControl } from './control';
import type { ExportFolder } from './output-folder';

export interface TextFile {
  name: string;
  text: string;
}

/** Writes the files; returns their absolute paths. */
export async function writeTextFiles(folder: ExportFolder, files: readonly TextFile[], opts: { force?: boolean }, control: ExportControl = {}): Promise<string[]> {
  const names = files.map((f) => f.name);
  await folder.checkFree(names, opts.force ?? false);
  const staging = await folder.stage();
  try {
    for (let i = 0; i < files.length; i++) {
      checkpoint(control.signal);
      control.onProgress?.(i, files.length, 'writing');
      await staging.writeFile(files[i].name, files[i].text);
    }
    checkpoint(control.signal);
    control.onProgress?.(files.length, files.length, 'finishing');
    return await staging.commit(names, opts.force ?? false);
  } catch (err) {
    await staging.discard();
    throw err;
  }
}
