#!/usr/bin/env node
// The `visor-server` command. A plain, executable file kept in git, so the bin link npm makes at
// install time works before TypeScript has built dist/ and keeps working after every rebuild.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/src/bin/visor.js', import.meta.url);
if (!existsSync(entry)) {
  console.error('visor: @visor/core is not built yet (no dist/src/bin/visor.js): run `npm run build` in the repository root');
  process.exit(1);
}
await import(entry.href);
