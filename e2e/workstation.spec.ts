/**
 * The whole review loop in Debian's Chromium against the browser host, on a WRITABLE copy of the bundled sample
 * (the config's web server serves the sample itself read-only): open the project, score it, open the worst label
 * from the queue, paint, undo and redo, save, see the new score with its change, accept it, reload and find
 * everything in IndexedDB (Dexie on Chromium's own IndexedDB), then revert through the history and check the file's
 * bytes are the original's again.
 */
import { expect, test, type Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { browserHost, copyDataset, removeScratch, SAMPLE } from './support/browser-host';

const host = browserHost({ port: 47618, token: 'e2e-workstation-token' });

let scratch = '';
let dataset = '';

test.beforeAll(async () => {
  ({ scratch, dataset } = await copyDataset('sentinel-e2e-'));
  await host.start([dataset]);
});

test.afterAll(async () => {
  await host.stop();
  await removeScratch(scratch);
});

/** The part of the browser's IndexedDB API the count below uses (the e2e code is type-checked without the DOM lib). */
interface Req<T> {
  result: T;
  error: unknown;
  onsuccess: (() => void) | null;
  onerror: (() => void) | null;
}
interface Idb {
  open(name: string): Req<{
    transaction(names: string[], mode: 'readonly'): {
      objectStore(name: string): { count(): Req<number> };
      oncomplete: (() => void) | null;
      onerror: (() => void) | null;
      error: unknown;
    };
    close(): void;
  }>;
}

/** Row counts of the app's IndexedDB database, read with the browser's own IndexedDB API (not through the app). */
async function dbCounts(page: Page): Promise<Record<string, number>> {
  return page.evaluate(
    () =>
      new Promise<Record<string, number>>((done, fail) => {
        const req = (globalThis as unknown as { indexedDB: Idb }).indexedDB.open('sentinel-workstation');
        req.onerror = () => fail(req.error);
        req.onsuccess = () => {
          const db = req.result;
          const names = ['projects', 'labels', 'scores', 'reviews', 'edits'];
          const tx = db.transaction(names, 'readonly');
          const out: Record<string, number> = {};
          for (const n of names) {
            const c = tx.objectStore(n).count();
            c.onsuccess = () => (out[n] = c.result);
          }
          tx.oncomplete = () => {
            db.close();
            done(out);
          };
          tx.onerror = () => fail(tx.error);
        };
      }),
  );
}

const CHANGE = /^(\d\.\d{3}) -> (\d\.\d{3}) \(([+-]\d\.\d{3})\)$/;

test('open, score, review the worst label, edit, save, rescore, decide, persist, revert', async ({ page }, info) => {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.goto(host.appUrl);
  await expect(page.getByTestId('engine-info')).toContainText('model');

  await test.step('open the project with an annotator', async () => {
    await page.getByTestId('annotator-input').fill('e2e annotator');
    await page.getByTestId('annotator-input').press('Tab');
    await page.getByTestId('root-input').fill(dataset);
    await page.getByTestId('open-button').click();
    await expect(page.getByTestId('project-summary')).toContainText('2 cases · 81 labels');
    await expect(page.locator('[data-testid=label-table] tbody tr[data-status=pending]')).toHaveCount(81);
  });

  await test.step('score in the background; the queue fills lowest first', async () => {
    await page.getByTestId('score-button').click();
    await expect(page.locator('[data-testid=label-table] tbody tr[data-status=ok]')).toHaveCount(81, { timeout: 60_000 });
    await expect(page.getByTestId('progress')).toContainText('81 done');
    const cells = await page.locator('[data-testid=label-table] tbody tr td:nth-child(4)').allTextContents();
    const values = cells.map((c) => Number(c.trim()));
    for (let i = 1; i < values.length; i++) expect(values[i]).toBeGreaterThanOrEqual(values[i - 1]);
  });

  const first = page.locator('[data-testid=label-table] tbody tr').first();
  const labelPath = (await first.getAttribute('data-label'))!;
  const scoreBefore = (await first.locator('td:nth-child(4)').textContent())!.trim();
  const file = join(dataset, labelPath);
  const original = await readFile(join(SAMPLE, labelPath));

  await test.step('open the worst label with Enter', async () => {
    await expect(first).toHaveClass(/selected/);
    await page.getByTestId('queue-view').focus();
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('editor-view')).toBeVisible({ timeout: 20_000 });
    await expect(page.getByTestId('current-score')).toHaveText(scoreBefore);
    await expect(page.getByTestId('history')).toBeVisible();
  });

  await test.step('paint a stroke, undo and redo it', async () => {
    await page.getByTestId('tool-brush').click();
    await page.keyboard.press(']');
    await page.keyboard.press(']');
    const box = (await page.locator('[data-testid=view-axial] .canvas-host').boundingBox())!;
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    await page.mouse.move(cx - 40, cy);
    await page.mouse.down();
    for (let x = -40; x <= 40; x += 8) await page.mouse.move(cx + x, cy + x / 4);
    await page.mouse.up();
    const depth = page.getByTestId('undo-depth');
    await expect(depth).toHaveAttribute('data-undo', '1');
    await expect(page.getByTestId('unsaved')).toBeVisible();
    await page.keyboard.press('Control+z');
    await expect(depth).toHaveAttribute('data-undo', '0');
    await expect(depth).toHaveAttribute('data-redo', '1');
    await page.getByTestId('redo').click();
    await expect(depth).toHaveAttribute('data-undo', '1');
    await expect(depth).toHaveAttribute('data-redo', '0');
    await page.waitForTimeout(300);
    await page.screenshot({ path: info.outputPath('editor-painted.png') });
  });

  await test.step('save: the file changes and the new score arrives with its change', async () => {
    await page.keyboard.press('s');
    await expect(page.getByTestId('editor-status')).toContainText('saved to');
    const change = page.getByTestId('score-change');
    await expect(change).toHaveText(CHANGE, { timeout: 30_000 });
    const m = CHANGE.exec((await change.textContent())!)!;
    expect(m[1]).toBe(scoreBefore);
    expect(Number(m[3])).toBeCloseTo(Number(m[2]) - Number(m[1]), 3);
    expect(Buffer.compare(await readFile(file), original)).not.toBe(0);
    await page.screenshot({ path: info.outputPath('editor-saved.png') });
  });

  await test.step('accept it', async () => {
    await page.keyboard.press('a');
    await expect(page.getByTestId('decide-accept')).toHaveClass(/on/);
  });

  await test.step('reload: project, scores, decision and edit are in IndexedDB', async () => {
    await page.reload();
    await expect(page.getByTestId('recent-projects')).toContainText('sample-copy');
    const counts = await dbCounts(page);
    expect(counts.projects).toBe(1);
    expect(counts.labels).toBe(81);
    expect(counts.scores).toBeGreaterThanOrEqual(82);
    expect(counts.reviews).toBe(1);
    expect(counts.edits).toBe(1);
    await page.locator(`[data-testid=recent-projects] button[data-root="${dataset}"]`).click();
    await expect(page.locator('[data-testid=label-table] tbody tr[data-status=ok]')).toHaveCount(81);
    const row = page.locator(`[data-testid=label-table] tbody tr[data-label="${labelPath}"]`);
    await expect(row).toHaveAttribute('data-decision', 'accept');
    await expect(page.locator('.annot')).toContainText('e2e annotator');
  });

  await test.step('revert to the original through the history', async () => {
    await page.locator(`[data-testid=label-table] tbody tr[data-label="${labelPath}"]`).dblclick();
    await expect(page.getByTestId('editor-view')).toBeVisible({ timeout: 20_000 });
    const revert = page.getByTestId('revert-original');
    await expect(revert).toBeVisible();
    await revert.click();
    await expect(page.getByTestId('editor-status')).toContainText('reverted');
    expect(Buffer.compare(await readFile(file), original)).toBe(0);
    await expect(page.getByTestId('score-change')).toHaveText(CHANGE, { timeout: 30_000 });
    await page.screenshot({ path: info.outputPath('editor-reverted.png') });
    expect((await dbCounts(page)).edits).toBe(2);
  });

  expect(problems).toEqual([]);
});
