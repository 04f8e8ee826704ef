/**
 * The budget planner in Debian's Chromium against the browser host on the bundled sample (read-only: planning
 * writes nothing into a dataset). Score in the app, export the project, turn its scores into a scores CSV and run
 * `sentinel plan` on it; plan the same budget in the app, assign it, export the assignment and find the CLI's
 * choice, in order; then import CLI plan files (CSV) and see the queue filtered to them.
 */
import { expect, test, type Page } from '@playwright/test';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { E2E_TOKEN } from '../playwright.config';
import { parseAssignmentFile, type Assignment } from '../src/shared/plan';
import { SCORE_HEADER, scoreToCsvRow } from '../src/shared/scores-csv';
import type { LabelScore } from '../src/shared/scores';

const ANNOTATOR = 'plan e2e';
let dir = '';

test.beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sentinel-plan-e2e-'));
});
test.afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

function sentinel(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, ['bin/sentinel.mjs', ...args], { maxBuffer: 16 << 20 }, (err, stdout, stderr) =>
      done({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
    );
  });
}

async function download(page: Page, testId: string, name: string): Promise<string> {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).first().click()]);
  const file = join(dir, name);
  await dl.saveAs(file);
  return file;
}

const queueLabels = (page: Page): Promise<string[]> =>
  page.locator('[data-testid=label-table] tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-label') ?? ''));

const sorted = (xs: string[]): string[] => [...xs].sort();

test('plans a budget like `sentinel plan`, assigns it, exports it and imports CLI plans into the queue', async ({ page }, info) => {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.goto(`/#token=${E2E_TOKEN}`);
  await expect(page.getByTestId('engine-info')).toContainText('model');
  await page.getByTestId('annotator-input').fill(ANNOTATOR);
  await page.getByTestId('annotator-input').press('Tab');
  await page.getByTestId('root-input').fill(resolve('resources/sample'));
  await page.getByTestId('open-button').click();
  await expect(page.getByTestId('project-summary')).toContainText('2 cases · 81 labels');
  await page.getByTestId('score-button').click();
  await expect(page.locator('[data-testid=label-table] tbody tr[data-status=ok]')).toHaveCount(81, { timeout: 90_000 });

  const scoresCsv = join(dir, 'app-scores.csv');
  // Weight 0 for the organ of the worst label, so the weights surely change the plan (whatever the model says).
  let worstOrgan = '';
  await test.step('the app’s scores, as a scores CSV (from the project export)', async () => {
    await page.getByTestId('nav-projects').click();
    const exported = JSON.parse(await readFile(await download(page, 'export-json', 'project.json'), 'utf8')) as { scores: (LabelScore & { time: string })[] };
    // History is oldest first: the last score of a label is its newest.
    const latest = new Map<string, LabelScore>();
    for (const s of exported.scores) latest.set(s.labelPath, s);
    expect(latest.size).toBe(81);
    worstOrgan = [...latest.values()].reduce((a, b) => ((b.predictedDsc ?? 2) < (a.predictedDsc ?? 2) ? b : a)).organ;
    await writeFile(scoresCsv, [SCORE_HEADER, ...[...latest.values()].map(scoreToCsvRow)].join('\n') + '\n');
  });

  const cli = join(dir, 'cli-plan.json');
  const r = await sentinel(['plan', scoresCsv, '--budget-labels', '12', '--organ-weights', `liver=3,${worstOrgan}=0`, '--assignee', ANNOTATOR, '--out', cli]);
  expect(r.code, r.stderr).toBe(0);
  const fromCli = parseAssignmentFile(await readFile(cli, 'utf8'), cli);
  expect(fromCli.items).toHaveLength(12);
  expect(fromCli.items.some((i) => i.organ === worstOrgan)).toBe(false);

  await test.step('plan the same budget in the app and assign it: the queue shows those labels', async () => {
    await page.getByTestId('nav-plan').click();
    await page.getByTestId('plan-mode-labels').check();
    await page.getByTestId('plan-budget-labels').fill('12');
    await page.getByTestId('plan-weights').locator('summary').click();
    await page.getByTestId('weight-liver').fill('3');
    await page.getByTestId(`weight-${worstOrgan}`).fill('0');
    await page.getByTestId('plan-assignee').fill(ANNOTATOR);
    const estimate = page.getByTestId('plan-estimate');
    await expect(estimate).toHaveAttribute('data-chosen', '12');
    expect(Number(await estimate.getAttribute('data-gain'))).toBeGreaterThan(Number(await estimate.getAttribute('data-random-gain')));
    const shown = await page.locator('[data-testid=plan-items] tbody tr').evaluateAll((rows) => rows.map((x) => x.getAttribute('data-label') ?? ''));
    expect(shown).toEqual(fromCli.items.map((i) => i.labelPath));
    await page.screenshot({ path: info.outputPath('planner.png'), fullPage: true });
    await page.getByTestId('plan-assign').click();
    await expect(page.getByTestId('queue-view')).toBeVisible();
    await expect(page.locator('[data-testid=label-table] tbody tr')).toHaveCount(12);
    expect(sorted(await queueLabels(page))).toEqual(sorted(fromCli.items.map((i) => i.labelPath)));
    await expect(page.getByTestId('filter-assignment').locator('option:checked')).toContainText('12 labels');
  });

  await test.step('the exported assignment is the CLI’s, in order; JSON and CSV say the same', async () => {
    await page.getByTestId('nav-plan').click();
    const json = parseAssignmentFile(await readFile(await download(page, 'assignment-export-json', 'app-plan.json'), 'utf8'), 'app-plan.json');
    const csv = parseAssignmentFile(await readFile(await download(page, 'assignment-export-csv', 'app-plan.csv'), 'utf8'), 'app-plan.csv');
    expect(csv).toEqual(json);
    const key = (a: Assignment) => a.items.map((i) => [i.rank, i.caseId, i.labelPath, i.organ, i.worstSlice]);
    expect(key(json)).toEqual(key(fromCli));
    // The CLI read values written with 6 decimals; the app planned from the values themselves.
    json.items.forEach((item, k) => expect(Math.abs(item.predictedDsc - fromCli.items[k].predictedDsc)).toBeLessThanOrEqual(5e-7));
    expect({ budget: json.budget, weights: json.weights, assignee: json.assignee, model: json.model, createdBy: json.createdBy }).toEqual({
      budget: fromCli.budget,
      weights: fromCli.weights,
      assignee: fromCli.assignee,
      model: fromCli.model,
      createdBy: ANNOTATOR,
    });
    for (const k of ['meanDscBefore', 'meanDscAfter', 'gain', 'randomGain'] as const) {
      expect(Math.abs((json.estimate[k] as number) - (fromCli.estimate[k] as number)), k).toBeLessThanOrEqual(1e-6);
    }
    expect({ ...json.estimate, meanDscBefore: 0, meanDscAfter: 0, gain: 0, randomGain: 0 }).toEqual({ ...fromCli.estimate, meanDscBefore: 0, meanDscAfter: 0, gain: 0, randomGain: 0 });
  });

  const cliCsv = join(dir, 'cli-minutes.csv');
  const minutes = await sentinel(['plan', scoresCsv, '--budget-minutes', '45', '--minutes-per-label', '3', '--assignee', ANNOTATOR, '--out', cliCsv]);
  expect(minutes.code, minutes.stderr).toBe(0);
  const fromCliCsv = parseAssignmentFile(await readFile(cliCsv, 'utf8'), cliCsv);
  expect(fromCliCsv.items).toHaveLength(15);

  await test.step('import a CLI plan (CSV): the queue is filtered to it; "assigned to me" shows both', async () => {
    await page.getByTestId('import-assignment').setInputFiles(cliCsv);
    await expect(page.getByTestId('queue-view')).toBeVisible();
    await expect(page.getByTestId('notice')).toContainText('cli-minutes.csv: 15 labels for plan e2e imported');
    await expect(page.locator('[data-testid=label-table] tbody tr')).toHaveCount(15);
    expect(sorted(await queueLabels(page))).toEqual(sorted(fromCliCsv.items.map((i) => i.labelPath)));
    await expect(page.getByTestId('filter-assignment').locator('option:checked')).toHaveText('cli-minutes.csv · 15 labels');

    await page.getByTestId('filter-assignment').selectOption('mine');
    const union = new Set([...fromCli.items, ...fromCliCsv.items].map((i) => i.labelPath));
    await expect(page.locator('[data-testid=label-table] tbody tr')).toHaveCount(union.size);
    expect(sorted(await queueLabels(page))).toEqual(sorted([...union]));
    await page.getByTestId('filter-assignment').selectOption('');
    await expect(page.locator('[data-testid=label-table] tbody tr')).toHaveCount(81);
  });

  await test.step('the imported assignment exports back as the same document', async () => {
    await page.getByTestId('nav-plan').click();
    const row = page.locator('[data-testid=assignments] tbody tr[data-name="cli-minutes.csv"]');
    const [dl] = await Promise.all([page.waitForEvent('download'), row.getByTestId('assignment-export-csv').click()]);
    const back = join(dir, 'back.csv');
    await dl.saveAs(back);
    expect(parseAssignmentFile(await readFile(back, 'utf8'), back)).toEqual(fromCliCsv);
  });

  await test.step('a malformed file is refused naming the file and line', async () => {
    const bad = join(dir, 'broken-plan.csv');
    const lines = (await readFile(cliCsv, 'utf8')).split('\n');
    const at = lines.findIndex((l) => l.startsWith('rank,')) + 2;
    lines[at] = lines[at].replace(/,[^,]*,([^,]*)$/, ',not-a-number,$1');
    await writeFile(bad, lines.join('\n'));
    await page.getByTestId('import-assignment').setInputFiles(bad);
    await expect(page.getByTestId('error')).toHaveText(new RegExp(`broken-plan\\.csv: line ${at + 1}: predicted_dsc "not-a-number" is not a number`));
    await expect(page.locator('[data-testid=assignments] tbody tr')).toHaveCount(2);
  });

  await test.step('assignments persist in the project database', async () => {
    await page.reload();
    await page.getByTestId('root-input').fill(resolve('resources/sample'));
    await page.getByTestId('open-button').click();
    await expect(page.getByTestId('project-summary')).toContainText('81 labels');
    await page.getByTestId('nav-plan').click();
    await expect(page.locator('[data-testid=assignments] tbody tr')).toHaveCount(2);
  });

  expect(problems).toEqual([]);
});
