/** Paths the organ tests read: the repository's resources and, when present, the shared data beside the repo. */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
export const RESOURCES = path.join(REPO, 'resources');
export const SHARED = path.resolve(REPO, '../shared/data');
export const QS_DIR = path.join(SHARED, 'quality-sentinel');
export const TS_CLASSES = path.join(SHARED, 'ct/totalsegmentator/total_classes.json');
export const HAVE_SHARED = existsSync(path.join(QS_DIR, 'DAP_Atlas_label_name.csv')) && existsSync(TS_CLASSES);
if (!HAVE_SHARED) console.warn(`organ tests: ${SHARED} is absent; checks against the upstream files are skipped`);

/** DAP names by id, parsed from the upstream CSV (CRLF, header "Label, Name", names with stray spaces). */
export function readDapCsv(): string[] {
  const lines = readFileSync(path.join(QS_DIR, 'DAP_Atlas_label_name.csv'), 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
  const names: string[] = [];
  for (const line of lines.slice(1)) {
    const comma = line.indexOf(',');
    names[Number(line.slice(0, comma))] = line.slice(comma + 1).trim();
  }
  return names;
}

/** TotalSegmentator v2 `total` class names, in label order. */
export function readTotalSegmentatorNames(): string[] {
  const json = JSON.parse(readFileSync(TS_CLASSES, 'utf8')) as { labels: Record<string, string> };
  return Object.entries(json.labels)
    .sort((a, b) => Number(a[0]) - Number(b[0]))
    .map(([, name]) => name);
}
