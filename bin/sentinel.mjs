#!/usr/bin/env node
// The `sentinel` command. Runs the TypeScript CLI from source through tsx, so `npx sentinel` needs no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
