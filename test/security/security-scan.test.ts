/**
 * The security scan gate (bin/security-scan.mjs, Electronegativity): it fails on a deliberately insecure Electron
 * shell, naming the findings, and passes on this app's shell sources. (The built bundles are scanned by the
 * `security scan` step of npm test, after the build.)
 */
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const REPO = resolve(__dirname, '../..');
const scan = (...args: string[]) => spawnSync(process.execPath, [join(REPO, 'bin', 'security-scan.mjs'), ...args], { cwd: REPO, encoding: 'utf8' });

describe('security scan', () => {
  it('fails on an insecure shell and names its HIGH findings', () => {
    const r = scan('--input', join(REPO, 'test/security/fixtures/insecure-shell'));
    expect(r.status, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toMatch(/HIGH\s+\S+\s+CONTEXT_ISOLATION_JS_CHECK main\.js:8/);
    expect(r.stdout).toMatch(/HIGH\s+\S+\s+LIMIT_NAVIGATION_GLOBAL_CHECK/);
    expect(r.stdout).toMatch(/; 2 blocking/);
  });

  it('passes on the app\'s shell: no HIGH finding, every file parsed, offline', () => {
    const r = scan('--sources-only');
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/security scan: 0 high, .*; 0 blocking$/m);
    expect(r.stdout).not.toMatch(/ERROR:/);
    expect(r.stdout + r.stderr).not.toMatch(/network access attempted|Could not retrieve updated translations/);
    // The files that matter were scanned: the window options were seen (the preload finding points at them).
    expect(r.stdout).toMatch(/PRELOAD_JS_CHECK src\/main\/hardening\.ts:\d+/);
  });
});
