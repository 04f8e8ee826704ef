#!/usr/bin/env node
// `npm run serve -- <dataset>`: builds the renderer when needed, then starts the browser host (src/web).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { register } from 'tsx/esm/api';

if (!existsSync('out/renderer/index.html') || process.argv.includes('--rebuild')) {
  const r = spawnSync('npx', ['electron-vite', 'build'], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
process.argv = process.argv.filter((a) => a !== '--rebuild');
register();
await import('../src/web/main.ts');
