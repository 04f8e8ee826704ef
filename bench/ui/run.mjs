#!/usr/bin/env node
// `npm run bench:ui`: how the workstation's UI behaves under load, measured in the page with the browser's
// performance API, in Debian's Chromium against the browser host on a writable copy of the bundled sample.
//  - responsiveness while every label is scored in the background: long tasks (PerformanceObserver 'longtask')
//    and requestAnimationFrame gaps over 50 ms;
//  - save -> new score latency in the editor: from the save until the new score and its change are on screen.
// Prints the numbers; asserts nothing (timings depend on the machine). Needs `npx electron-vite build` first.
import { spawn } from 'node:child_process';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from '@playwright/test';

const PORT = Number(process.env.BENCH_UI_PORT ?? 47619);
const TOKEN = 'bench-ui-token';
const BASE = `http://127.0.0.1:${PORT}`;
const SAVES = Number(process.env.BENCH_UI_SAVES ?? 3);

const work = await mkdtemp(join(tmpdir(), 'sentinel-bench-ui-'));
const dataset = join(work, 'sample');
await cp(resolve('resources/sample'), dataset, { recursive: true });
const host = spawn(process.execPath, ['bin/serve.mjs', dataset, '--port', String(PORT), '--token', TOKEN], { stdio: ['ignore', 'pipe', 'inherit'] });
let browser;
try {
  await waitForHost();
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.addInitScript(installProbes);
  await page.goto(`${BASE}/#token=${TOKEN}`);
  await page.getByTestId('root-input').fill(dataset);
  await page.getByTestId('open-button').click();
  await page.getByTestId('project-summary').waitFor();
  const labels = await page.locator('[data-testid=label-table] tbody tr').count();

  // ---- background scoring ----
  await page.evaluate(() => window.__bench.start());
  const t0 = Date.now();
  await page.getByTestId('score-button').click();
  await page.locator('[data-testid=progress][data-state=idle]', { hasText: `${labels} done` }).waitFor({ timeout: 300_000 });
  const scoringSeconds = (Date.now() - t0) / 1000;
  const scoring = await page.evaluate(() => window.__bench.stop());

  // ---- save -> new score ----
  await page.locator('[data-testid=label-table] tbody tr').first().click();
  await page.keyboard.press('Enter');
  await page.getByTestId('editor-view').waitFor({ timeout: 30_000 });
  await page.getByTestId('tool-brush').click();
  const latencies = [];
  for (let n = 0; n < SAVES; n++) {
    const box = await page.locator('[data-testid=view-axial] .canvas-host').boundingBox();
    const y = box.y + box.height * (0.35 + 0.1 * n);
    await page.mouse.move(box.x + box.width * 0.3, y);
    await page.mouse.down();
    for (let f = 0.3; f <= 0.7; f += 0.05) await page.mouse.move(box.x + box.width * f, y);
    await page.mouse.up();
    await page.locator('[data-testid=undo-depth]').waitFor();
    latencies.push(await page.evaluate(() => window.__bench.saveLatency()));
  }

  const fmt = (v) => (typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(1) : String(v));
  const rows = [
    ['labels scored', labels],
    ['scoring wall time (s)', scoringSeconds],
    ['frames observed while scoring', scoring.frames],
    ['rAF gaps > 50 ms', scoring.gaps],
    ['longest rAF gap (ms)', scoring.maxGap],
    ['long tasks (> 50 ms)', scoring.longTasks],
    ['long task time, total (ms)', scoring.longTaskMs],
    ['longest long task (ms)', scoring.maxLongTask],
    ...latencies.map((l, i) => [`save -> new score #${i + 1} (ms): save reply / score shown`, `${fmt(l.saved)} / ${fmt(l.scored)}  ${l.change}`]),
  ];
  console.log('\nUI benchmark (Chromium, browser host, bundled sample, the bundled default model when present)');
  for (const [k, v] of rows) console.log(`  ${String(k).padEnd(58)} ${fmt(v)}`);
} finally {
  await browser?.close();
  host.kill('SIGTERM');
  await rm(work, { recursive: true, force: true });
}

async function waitForHost() {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(`${BASE}/`)).ok) return;
    } catch {
      // not listening yet
    }
    if (host.exitCode !== null || Date.now() > deadline) throw new Error('the browser host did not start');
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Runs in the page before the app: frame and long-task probes, and the save latency measurement. */
function installProbes() {
  let longTasks = [];
  let recording = false;
  new PerformanceObserver((list) => {
    if (recording) for (const e of list.getEntries()) longTasks.push(e.duration);
  }).observe({ type: 'longtask', buffered: false });
  let frames = 0;
  let gaps = 0;
  let maxGap = 0;
  let last = 0;
  const tick = (t) => {
    if (!recording) return;
    if (last > 0) {
      const gap = t - last;
      if (gap > 50) gaps++;
      if (gap > maxGap) maxGap = gap;
    }
    last = t;
    frames++;
    requestAnimationFrame(tick);
  };
  window.__bench = {
    start() {
      longTasks = [];
      frames = gaps = maxGap = last = 0;
      recording = true;
      requestAnimationFrame(tick);
    },
    stop() {
      recording = false;
      return {
        frames,
        gaps,
        maxGap,
        longTasks: longTasks.length,
        longTaskMs: longTasks.reduce((a, b) => a + b, 0),
        maxLongTask: longTasks.length ? Math.max(...longTasks) : 0,
      };
    },
    /** Clicks Save and times the reply (status line) and the new score (its change shown). */
    saveLatency() {
      return new Promise((done) => {
        const status = document.querySelector('[data-testid=editor-status]');
        const t0 = performance.now();
        let saved = null;
        const check = () => {
          if (saved === null && status?.textContent?.includes('saved to')) saved = performance.now() - t0;
          const change = document.querySelector('[data-testid=score-change]');
          if (change && !document.querySelector('[data-testid=rescoring]')) {
            observer.disconnect();
            done({ saved: saved ?? performance.now() - t0, scored: performance.now() - t0, change: change.textContent });
          }
        };
        const observer = new MutationObserver(check);
        observer.observe(document.body, { subtree: true, childList: true, characterData: true });
        document.querySelector('[data-testid=save]').click();
      });
    },
  };
}
