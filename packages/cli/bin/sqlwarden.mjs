#!/usr/bin/env node
// The `sqlwarden` bin is this tracked file rather than the bundle itself: npm links bins at install
// time, before the `prepare` script has built dist/, and skips a bin whose file does not exist yet.
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/sqlwarden.mjs', import.meta.url);
if (!existsSync(bundle)) {
  process.stderr.write('sqlwarden: the CLI is not built yet; run `npm run build` in the repository\n');
  process.exit(2);
}
await import(bundle.href);
