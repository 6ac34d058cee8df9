#!/usr/bin/env node
// The `airlock` bin. Committed (not built) so that `npm ci` links node_modules/.bin/airlock before `tsc -b`
// has made dist/: npm links a workspace's bin only when its target exists at install time.
import { existsSync } from 'node:fs';

const main = new URL('../dist/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('airlock: the CLI is not built yet: run `npm run build` (or `npm run setup`) in the Airlock checkout\n');
  process.exit(3);
}
await import(main.href);
