#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx: no build step between `npm ci` and `npm start`.
import { register } from 'tsx/esm/api';

register();
const { main, reportFatal } = await import('../src/cli/main.ts');
let code;
try {
  code = await main(process.argv.slice(2));
} catch (err) {
  code = reportFatal(err);
}
process.exitCode = code;
