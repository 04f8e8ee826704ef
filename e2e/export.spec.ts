/**
 * Exports from the app, in Debian's Chromium against the browser host started with --export-dir: on a writable
 * copy of the sample, score in the app (the bundled model), download the worst list, export an nnU-Net dataset
 * into the allowed folder and check it on disk; on a larger dataset (thirty hard-linked copies of one sample case,
 * with SYNTHETIC scores imported as CSV so that every case passes), watch the progress bar and cancel: nothing may
 * be left in the folder. A folder outside --export-dir is refused.
 */
import { expect, test } from '@playwright/test';
import { link, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { browserHost, copyDataset, removeScratch, SAMPLE } from './support/browser-host';

// Beside the config's own host (E2E_PORT), so that runs with different E2E_PORTs do not collide.
const host = browserHost({ port: Number(process.env.E2E_PORT ?? 47616) + 20, token: 'e2e-export-token' });
const BIG_CASES = 30;

let work = '';
let small = '';
let big = '';
let exportsDir = '';
let bigCsv = '';

test.beforeAll(async () => {
  ({ scratch: work, dataset: small } = await copyDataset('sentinel-e2e-export-'));
  big = join(work, 'big');
  const organs = (await readdir(join(SAMPLE, 's0001', 'segmentations'))).filter((f) => f.endsWith('.nii.gz'));
  const rows = ['case,organ,label_path,organ_id,predicted_dsc,slices,worst_slice,worst_slice_dsc,status,message,seconds'];
  for (let i = 0; i < BIG_CASES; i++) {
    const c = `case${String(i).padStart(2, '0')}`;
    await mkdir(join(big, c, 'segmentations'), { recursive: true });
    await link(join(SAMPLE, 's0001', 'ct.nii.gz'), join(big, c, 'ct.nii.gz'));
    for (const f of organs) {
      await link(join(SAMPLE, 's0001', 'segmentations', f), join(big, c, 'segmentations', f));
      rows.push(`${c},${f.slice(0, -7)},${c}/segmentations/${f},,0.950000,1,5,0.900000,ok,,0.000`);
    }
  }
  bigCsv = join(work, 'big-scores.csv');
  await writeFile(bigCsv, rows.join('\n') + '\n');
  exportsDir = join(work, 'exports');
  await mkdir(exportsDir);
  await host.start([small, big], ['--export-dir', exportsDir]);
});

test.afterAll(async () => {
  await host.stop();
  await removeScratch(work);
});

test('export the worst list and an nnU-Net dataset, watch progress, cancel', async ({ page }, info) => {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.goto(host.appUrl);
  await expect(page.getByTestId('engine-info')).toContainText('model');

  await test.step('open the sample copy and score it in the app', async () => {
    await page.getByTestId('root-input').fill(small);
    await page.getByTestId('open-button').click();
    await expect(page.getByTestId('project-summary')).toContainText('2 cases · 81 labels');
    await page.getByTestId('score-button').click();
    await expect(page.locator('[data-testid=label-table] tbody tr[data-status=ok]')).toHaveCount(81, { timeout: 90_000 });
  });

  await test.step('download the five worst labels', async () => {
    await page.getByTestId('nav-export').click();
    await page.getByTestId('worst-count').fill('5');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-worst').click()]);
    const lines = (await readFile(await download.path(), 'utf8')).trim().split('\n');
    expect(lines[0]).toBe('rank,case,label_path,organ,predicted_dsc,worst_slice,worst_slice_dsc,model');
    expect(lines).toHaveLength(6);
    const dsc = lines.slice(1).map((l) => Number(l.split(',')[4]));
    expect([...dsc].sort((a, b) => a - b)).toEqual(dsc);
  });

  await test.step('a folder outside --export-dir is refused', async () => {
    await page.getByTestId('export-folder').fill(work);
    await page.getByTestId('export-nnunet').click();
    await expect(page.getByTestId('error')).toContainText('outside the folders exports may be written to');
    expect(await readdir(work)).not.toContain('Dataset501_PseudoLabels');
  });

  await test.step('export an nnU-Net dataset of three organs into the allowed folder', async () => {
    await page.getByTestId('export-folder').fill(exportsDir);
    await page.getByTestId('nnunet-threshold').fill('0');
    await page.getByTestId('nnunet-organs').fill('liver,spleen,stomach');
    await page.getByTestId('nnunet-name').fill('Small');
    await page.getByTestId('export-nnunet').click();
    await expect(page.getByTestId('export-result')).toContainText('nnU-Net dataset: 2 cases, 3 organs, 0 left out', { timeout: 60_000 });
    const folder = join(exportsDir, 'Dataset501_Small');
    const ds = JSON.parse(await readFile(join(folder, 'dataset.json'), 'utf8')) as { labels: Record<string, number>; numTraining: number };
    expect(ds.labels).toEqual({ background: 0, liver: 1, spleen: 2, stomach: 3 });
    expect(ds.numTraining).toBe(2);
    expect((await readdir(join(folder, 'imagesTr'))).sort()).toEqual(['s0001_0000.nii.gz', 's0001_fast_0000.nii.gz']);
    expect((await readdir(join(folder, 'labelsTr'))).sort()).toEqual(['s0001.nii.gz', 's0001_fast.nii.gz']);
  });

  await test.step('open the large dataset with its scores', async () => {
    await page.getByTestId('nav-projects').click();
    await page.getByTestId('root-input').fill(big);
    await page.getByTestId('open-button').click();
    await expect(page.getByTestId('project-summary')).toContainText(`${BIG_CASES} cases`);
    await page.getByTestId('nav-projects').click();
    await page.getByTestId('import-csv').setInputFiles(bigCsv);
    await expect(page.getByTestId('notice')).toContainText(`${BIG_CASES * 41} rows`);
  });

  await test.step('progress is shown and Cancel leaves nothing behind', async () => {
    await page.getByTestId('nav-export').click();
    await page.getByTestId('export-folder').fill(exportsDir);
    await page.getByTestId('nnunet-threshold').fill('0.9');
    await page.getByTestId('nnunet-name').fill('Big');
    await page.getByTestId('export-nnunet').click();
    const progress = page.getByTestId('export-progress');
    await expect(progress).toContainText(new RegExp(`writing [1-9]\\d* / ${BIG_CASES}`), { timeout: 30_000 });
    await expect(page.getByTestId('export-progress-bar')).toBeVisible();
    await page.screenshot({ path: info.outputPath('export-progress.png') });
    await page.getByTestId('export-cancel').click();
    await expect(page.getByTestId('export-result')).toHaveText('Export cancelled: nothing was written.', { timeout: 30_000 });
    await expect(page.getByTestId('export-running')).toHaveCount(0);
    expect(await readdir(exportsDir)).toEqual(['Dataset501_Small']);
  });

  expect(problems).toEqual([]);
});
