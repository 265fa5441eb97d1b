#!/usr/bin/env node
// The authority CLI. The server code is TypeScript: tsx compiles it on the fly (no build step).
import { register } from 'tsx/esm/api';

// `singgah … | head -1` closes the pipe early: that is not an error.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});
register();
const { runCli } = await import('../server/cli/index.ts');
process.exitCode = await runCli(process.argv.slice(2));
