/**
 * `sentinel merge a.csv b.csv ... --out all.csv`: joins score shards. A label scored in several inputs keeps the
 * row from the later file (a re-run supersedes), and the output is sorted by case and label path.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { SCORE_HEADER, parseScoresCsv, scoreToCsvRow } from '../../shared/scores-csv';
import { labelKey, type LabelScore } from '../../shared/scores';
import { parse, UsageError } from '../args';

export const MERGE_USAGE = 'usage: sentinel merge a.csv b.csv [...] --out all.csv';

export async function mergeCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { out: { type: 'string', short: 'o' } }, MERGE_USAGE);
  if (positionals.length < 1 || !values.out) throw new UsageError(MERGE_USAGE);
  const byKey = new Map<string, LabelScore>();
  for (const file of positionals) {
    for (const s of parseScoresCsv(await readFile(resolve(file), 'utf8'), file)) byKey.set(labelKey(s), s);
  }
  const rows = [...byKey.values()].sort((a, b) => cmp(a.caseId, b.caseId) || cmp(a.labelPath, b.labelPath));
  await writeFile(resolve(values.out), [SCORE_HEADER, ...rows.map(scoreToCsvRow)].join('\n') + '\n');
  process.stderr.write(`${rows.length} labels from ${positionals.length} files -> ${values.out}\n`);
  return 0;
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
