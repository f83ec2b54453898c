#!/usr/bin/env node
// The `lathe` command. The CLI is TypeScript run from source through tsx
// (a dependency), so `npx lathe` works straight after `npm install` with no
// build step; the engine's worker threads load the same way.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src-main/cli/main.ts');
const code = await main(process.argv.slice(2));
process.exit(code);
