/**
 * The Reports view against `sentinel report`, in Debian's Chromium against the browser host, on a writable copy of
 * the bundled sample grown to six cases (copies of its two cases with six organs each) and a meta.csv with
 * SYNTHETIC sex and age written here (the sample's own has none): score in the app, read the figures the view
 * shows (full-precision data attributes), save the scores CSV the app holds, run the CLI on it with the same
 * settings and compare with its JSON. Both HTML reports (the CLI's and the app's) must hold no external URL and
 * draw their charts from file:// with no request leaving the file. A worst label opens in the editor.
 * With UPDATE_SCREENSHOTS=1 the view's screenshot is written to docs/images/reports-view.png.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Report } from '../src/shared/report';
import { externalReferences } from '../test/shared/report/offline-html';
import { browserHost, copyDataset, removeScratch, SAMPLE } from './support/browser-host';

// Beside the config's own host (E2E_PORT), so that runs with different E2E_PORTs do not collide.
const host = browserHost({ port: Number(process.env.E2E_PORT ?? 47616) + 10, token: 'e2e-reports-token' });
const COPIED_ORGANS = ['aorta', 'kidney_left', 'kidney_right', 'liver', 'pancreas', 'spleen'];
const MIN_GROUP = 3;
/** SYNTHETIC metadata: three women and three men, ages 38 to 80, two institutes. */
const META = [
  'image_id;age;gender;institute;study_type;split',
  's0001;45;f;A;ct;test',
  's0001_fast;62;m;B;ct;test',
  's0002;38;f;A;ct;test',
  's0002_fast;71;m;B;ct;test',
  's0003;55;f;B;ct;test',
  's0003_fast;80;m;A;ct;test',
].join('\n');
const LABELS = 81 + 4 * COPIED_ORGANS.length;

let work = '';
let dataset = '';

test.beforeAll(async () => {
  ({ scratch: work, dataset } = await copyDataset('sentinel-e2e-reports-', { name: 'sample-grown' }));
  for (const [from, to] of [
    ['s0001', 's0002'],
    ['s0001', 's0003'],
    ['s0001_fast', 's0002_fast'],
    ['s0001_fast', 's0003_fast'],
  ]) {
    await mkdir(join(dataset, to, 'segmentations'), { recursive: true });
    await cp(join(SAMPLE, from, 'ct.nii.gz'), join(dataset, to, 'ct.nii.gz'));
    for (const organ of COPIED_ORGANS) await cp(join(SAMPLE, from, 'segmentations', `${organ}.nii.gz`), join(dataset, to, 'segmentations', `${organ}.nii.gz`));
  }
  await writeFile(join(dataset, 'meta.csv'), META + '\n');
  await host.start([dataset]);
});

test.afterAll(async () => {
  await host.stop();
  await removeScratch(work);
});

/** Reads data-* attributes of every row matched. */
async function rows(loc: Locator, names: string[]): Promise<Record<string, string>[]> {
  const out: Record<string, string>[] = [];
  for (const row of await loc.all()) {
    const r: Record<string, string> = {};
    for (const n of names) r[n] = (await row.getAttribute(`data-${n}`)) ?? '';
    out.push(r);
  }
  return out;
}

/** A shown number (data attribute, '' for none) against the CLI's (from a CSV with 6 decimals). */
function same(shown: string, cli: number | null, digits = 5): void {
  if (cli === null) return void expect(shown).toBe('');
  expect(Number(shown)).toBeCloseTo(cli, digits);
}

/**
 * Opens an HTML report from file:// and waits for its charts (those of the first screen at once, the others as the
 * page gets to them); every request must stay inside the file.
 */
async function openOffline(page: Page, file: string): Promise<number> {
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(pathToFileURL(file).href);
  await expect(page.locator('body')).toHaveAttribute('data-charts-first', /^[1-9]\d*$/, { timeout: 30_000 });
  await expect(page.locator('body')).toHaveAttribute('data-charts-rendered', /^[1-9]\d*$/, { timeout: 30_000 });
  const drawn = Number(await page.locator('body').getAttribute('data-charts-rendered'));
  expect(Number(await page.locator('body').getAttribute('data-charts-first'))).toBeLessThanOrEqual(drawn);
  expect(await page.locator('.chart').count()).toBe(drawn);
  expect(await page.locator('.chart[data-drawn=true]').count()).toBe(drawn);
  expect(await page.locator('.chart canvas').count()).toBeGreaterThanOrEqual(drawn);
  expect(errors).toEqual([]);
  expect(requests.filter((u) => !u.startsWith('file:') && !u.startsWith('data:') && !u.startsWith('blob:'))).toEqual([]);
  return drawn;
}

test('the Reports view and sentinel report give the same figures on the same scores', async ({ page, browser }, info) => {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.setViewportSize({ width: 1400, height: 1000 });
  await page.goto(host.appUrl);

  await test.step('open and score the project', async () => {
    await page.getByTestId('root-input').fill(dataset);
    await page.getByTestId('open-button').click();
    await expect(page.getByTestId('project-summary')).toContainText(`6 cases · ${LABELS} labels`);
    await page.getByTestId('score-button').click();
    await expect(page.locator('[data-testid=label-table] tbody tr[data-status=ok]')).toHaveCount(LABELS, { timeout: 120_000 });
  });

  await test.step('the Reports view computes the report', async () => {
    await page.getByTestId('nav-reports').click();
    await expect(page.getByTestId('reports-view')).toBeVisible();
    await page.getByTestId('min-group').fill(String(MIN_GROUP));
    await page.getByTestId('group-by-institute').check();
    await expect(page.getByTestId('coverage-row')).toHaveAttribute('data-scored', String(LABELS), { timeout: 30_000 });
    await expect(page.locator('[data-testid=group-row-institute]')).toHaveCount(2);
    await expect(page.getByTestId('bias-sex-overall')).toHaveAttribute('data-statistic', /\d/);
    await expect(page.getByTestId('reports-view')).toHaveAttribute('data-ready', 'true');
    await expect(page.locator('[data-testid=chart-chart-organs][data-drawn=true]')).toHaveCount(1);
  });

  const shown = {
    organs: await rows(page.getByTestId('organ-row'), ['name', 'n', 'mean', 'median']),
    institutes: await rows(page.getByTestId('group-row-institute'), ['name', 'n', 'mean', 'median']),
    sexOverall: (await rows(page.getByTestId('bias-sex-overall'), ['n', 'statistic', 'p']))[0],
    sexOrgans: await rows(page.getByTestId('bias-sex-organ'), ['organ', 'n', 'statistic', 'p', 'q']),
    ageOverall: (await rows(page.getByTestId('bias-age-overall'), ['n', 'statistic', 'p']))[0],
    ageOrgans: await rows(page.getByTestId('bias-age-organ'), ['organ', 'n', 'statistic', 'p', 'q']),
    worst: await rows(page.getByTestId('worst-row'), ['label', 'dsc']),
    coverage: (await rows(page.getByTestId('coverage-row'), ['cases', 'labels', 'scored', 'pending', 'unmapped', 'error']))[0],
  };

  await page.screenshot({ path: info.outputPath('reports-view.png') });
  if (process.env.UPDATE_SCREENSHOTS === '1') await page.screenshot({ path: resolve('docs/images/reports-view.png') });

  const csv = join(work, 'app-scores.csv');
  const appHtml = join(work, 'app-report.html');
  await test.step('save the scores CSV and the HTML report from the view', async () => {
    const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('save-scores-csv').click()]);
    await csvDownload.saveAs(csv);
    const [htmlDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('save-html-report').click()]);
    await htmlDownload.saveAs(appHtml);
  });

  const cliJson = join(work, 'cli-report.json');
  const cliHtml = join(work, 'cli-report.html');
  await test.step('sentinel report on the same scores', async () => {
    const args = ['bin/sentinel.mjs', 'report', csv, '--meta', join(dataset, 'meta.csv'), '--group-by', 'institute', '--min-group', String(MIN_GROUP), '--out', cliHtml, '--json', cliJson];
    const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
  });
  const cli = JSON.parse(await readFile(cliJson, 'utf8')) as Report;

  await test.step('same figures: coverage, per organ, per institute, bias, worst labels', async () => {
    expect(shown.coverage).toEqual({ cases: '6', labels: String(LABELS), scored: String(LABELS), pending: '0', unmapped: '0', error: '0' });
    expect(cli.coverage.labels).toBe(LABELS);
    expect(cli.coverage.scored).toBe(LABELS);

    expect(shown.organs.map((o) => o.name).sort()).toEqual(cli.organs.map((o) => o.organ).sort());
    for (const o of shown.organs) {
      const c = cli.organs.find((x) => x.organ === o.name)!;
      expect(Number(o.n)).toBe(c.n);
      same(o.mean, c.mean);
      same(o.median, c.median);
    }
    expect(shown.institutes.map((g) => g.name)).toEqual(cli.groups[0].groups.map((g) => g.value));
    shown.institutes.forEach((g, i) => {
      expect(Number(g.n)).toBe(cli.groups[0].groups[i].n);
      same(g.mean, cli.groups[0].groups[i].mean);
    });

    const sex = cli.bias.sex;
    expect(sex.overall.n).toBe(6);
    expect(Number(shown.sexOverall.n)).toBe(sex.overall.n);
    same(shown.sexOverall.statistic, sex.overall.statistic);
    same(shown.sexOverall.p, sex.overall.p_value);
    expect(shown.sexOrgans.map((t) => t.organ)).toEqual(sex.per_organ.map((t) => t.organ));
    shown.sexOrgans.forEach((t, i) => {
      const c = sex.per_organ[i];
      expect(Number(t.n)).toBe(c.n);
      same(t.statistic, c.statistic);
      same(t.p, c.p_value);
      same(t.q, c.q_value);
    });
    // The six copied organs are in every case: they get a test; the others (two cases) have not enough data.
    expect(sex.per_organ.filter((t) => t.p_value !== null).map((t) => t.organ)).toEqual(COPIED_ORGANS);

    const age = cli.bias.age;
    expect(Number(shown.ageOverall.n)).toBe(age.overall.n);
    same(shown.ageOverall.statistic, age.overall.statistic);
    same(shown.ageOverall.p, age.overall.p_value);
    shown.ageOrgans.forEach((t, i) => {
      const c = age.per_organ[i];
      expect(t.organ).toBe(c.organ);
      expect(Number(t.n)).toBe(c.n);
      same(t.statistic, c.statistic);
      same(t.p, c.p_value);
      same(t.q, c.q_value);
    });

    expect(shown.worst.map((w) => w.label)).toEqual(cli.worst.map((w) => w.label_path));
    shown.worst.forEach((w, i) => same(w.dsc, cli.worst[i].predicted_dsc));
  });

  await test.step('both HTML reports are offline and draw their charts', async () => {
    for (const file of [cliHtml, appHtml]) {
      expect(externalReferences(await readFile(file, 'utf8'))).toEqual([]);
      const offline = await browser.newPage();
      try {
        const drawn = await openOffline(offline, file);
        // labels, cases, organs, institute, sex, age scatter, age bands
        expect(drawn).toBe(7);
        await offline.screenshot({ path: info.outputPath(`${file === cliHtml ? 'cli' : 'app'}-report.png`), fullPage: false });
      } finally {
        await offline.close();
      }
    }
  });

  await test.step('a worst label opens in the editor', async () => {
    const first = shown.worst[0].label;
    await page.locator(`[data-testid=worst-row][data-label="${first}"] [data-testid=worst-open]`).click();
    await expect(page.getByTestId('editor-view')).toBeVisible({ timeout: 20_000 });
    await expect(page.getByTestId('current-score')).toHaveText(Number(shown.worst[0].dsc).toFixed(3));
  });

  expect(problems).toEqual([]);
});
