#!/usr/bin/env node
// The flopmeter command: runs the compiled entry point (npm run build makes it).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/src/cli/main.js', import.meta.url);
// The entry point and the parser bundle it loads (scripts/build-cli-bundle.ts), the build's last step.
const bundle = new URL('../dist/src/cli/program.bundle.js', import.meta.url);
if (!existsSync(fileURLToPath(entry)) || !existsSync(fileURLToPath(bundle))) {
  process.stderr.write('flopmeter is not built yet: run "npm run build" (or ./setup.sh) in its directory first\n');
  process.exit(2);
}
await import(entry.href);
