/**
 * The report benchmark (`npm run bench`, or alone: `npm run bench -- --report`): a report over 10 000 labels
 * (100 synthetic cases x 100 organs, seeded, with sex, age and institute) should render in under 2 s. Measured:
 * building the report (the same code as the app and the CLI), writing the HTML, and, where Chromium is installed,
 * opening the file until the charts of the first screen are drawn (what the goal counts: the page is then shown)
 * and until every chart is drawn (the page draws the others as they come near the viewport or when it is idle).
 * Prints the numbers; asserts nothing (timings depend on the machine).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { echartsSource } from '../src/core/report';
import { buildReport, reportHtml, type ReportLabel } from '../src/shared/report';

const CASES = 100;
const ORGANS = 100;

/** Park-Miller: the same labels on every run. */
function rng(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 48271) % 2147483647) / 2147483647;
}

export function syntheticReportInput(): { labels: ReportLabel[]; meta: Map<string, Record<string, string>> } {
  const rand = rng(20240601);
  const labels: ReportLabel[] = [];
  const meta = new Map<string, Record<string, string>>();
  for (let c = 0; c < CASES; c++) {
    const caseId = `s${String(c).padStart(4, '0')}`;
    meta.set(caseId, { age: String(20 + Math.floor(rand() * 70)), gender: rand() < 0.5 ? 'f' : 'm', institute: `site ${1 + Math.floor(rand() * 5)}` });
    for (let o = 0; o < ORGANS; o++) {
      const organ = `organ_${String(o).padStart(3, '0')}`;
      const dsc = Math.min(1, Math.max(0, 0.85 + (rand() - 0.5) * 0.3 - (rand() < 0.05 ? 0.5 : 0)));
      labels.push({ caseId, organ, labelPath: `${caseId}/segmentations/${organ}.nii.gz`, status: 'ok', predictedDsc: Math.round(dsc * 1e6) / 1e6, worstSlice: 3, worstSliceDsc: dsc / 2, model: 'bench@1' });
    }
  }
  return { labels, meta };
}

const ms = (t0: number): number => performance.now() - t0;

export async function benchReport(log: (s: string) => void): Promise<void> {
  const { labels, meta } = syntheticReportInput();
  const echarts = await echartsSource();
  const work = await mkdtemp(join(tmpdir(), 'sentinel-bench-report-'));
  try {
    let t = performance.now();
    const report = buildReport(labels, meta, { groupBy: ['institute'], source: 'bench' });
    const build = ms(t);
    t = performance.now();
    const html = reportHtml(report, { echartsSource: echarts, generatedAt: new Date().toISOString() });
    const file = join(work, 'report.html');
    await writeFile(file, html);
    const write = ms(t);
    const browser = await timeInChromium(file, report.organs.length > 0);
    const total = build + write + (browser?.first ?? 0);
    log(
      `report: ${labels.length} labels, ${report.organs.length} organs, ${CASES} cases: build ${build.toFixed(0)} ms, html ${(html.length / 1e6).toFixed(1)} MB written in ${write.toFixed(0)} ms, ` +
        (browser === null
          ? 'no Chromium to time the charts'
          : `opened with the first screen's ${browser.firstCharts} charts drawn in ${browser.first.toFixed(0)} ms (drawing ${browser.firstDraw} ms), ` +
            `all ${browser.allCharts} in ${browser.all.toFixed(0)} ms`) +
        `; total to the first screen ${total.toFixed(0)} ms (goal < 2000 ms)`,
    );
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

interface BrowserTimes {
  /** Milliseconds from navigation to the first screen's charts drawn, and of that the drawing (measured by the page). */
  first: number;
  firstDraw: number;
  firstCharts: number;
  /** Milliseconds from navigation to every chart drawn. */
  all: number;
  allCharts: number;
}

/** Times the report in headless Chromium (a fresh browser, as a user opening the file); null when there is none. */
async function timeInChromium(file: string, hasCharts: boolean): Promise<BrowserTimes | null> {
  const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  if (!hasCharts || !existsSync(executablePath)) return null;
  const { chromium } = await import('@playwright/test');
  const browser = await chromium.launch({ executablePath, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const t = performance.now();
    await page.goto(pathToFileURL(file).href);
    await page.waitForSelector('body[data-charts-first]', { timeout: 60_000 });
    const first = ms(t);
    await page.waitForSelector('body[data-charts-rendered]', { timeout: 60_000 });
    const all = ms(t);
    const attr = async (name: string): Promise<number> => Number(await page.locator('body').getAttribute(name));
    return { first, firstDraw: await attr('data-first-render-ms'), firstCharts: await attr('data-charts-first'), all, allCharts: await attr('data-charts-rendered') };
  } finally {
    await browser.close();
  }
}
