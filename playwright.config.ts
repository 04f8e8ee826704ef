import { defineConfig } from '@playwright/test';

/** The browser host runs on its own port for the tests, with a fixed token. */
// Overridable so that two runs on one machine do not collide (E2E_PORT=47700 npx playwright test ...).
export const E2E_PORT = Number(process.env.E2E_PORT ?? 47616);
export const E2E_TOKEN = 'e2e-test-token';

const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export default defineConfig({
  testDir: 'e2e',
  timeout: 120_000,
  workers: 1,
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    baseURL: `http://127.0.0.1:${E2E_PORT}`,
    screenshot: 'only-on-failure',
    launchOptions: { executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', args: chromiumArgs },
  },
  webServer: {
    // The model is the test model unless a default model is bundled: the e2e tests check the loop, not quality.
    command: `node bin/serve.mjs resources/sample --port ${E2E_PORT} --token ${E2E_TOKEN}`,
    url: `http://127.0.0.1:${E2E_PORT}/`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: 'pipe',
  },
});
