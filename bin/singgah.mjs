#!/usr/bin/env node
// The authority CLI. The server code is TypeScript: tsx compiles it on the fly (no build step).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

// Node 20 is past end of life. The project installs a supported Node (the npm `node` package), which npm scripts
// and `npx singgah` put first on PATH; a shell whose own `node` is older is handed over to it here.
const bundledNode = fileURLToPath(new URL('../node_modules/node/bin/node', import.meta.url));
if (Number(process.versions.node.split('.')[0]) < 22 && existsSync(bundledNode)) {
  const run = spawnSync(bundledNode, process.argv.slice(1), { stdio: 'inherit' });
  process.exit(run.status ?? 1);
}

// `singgah … | head -1` closes the pipe early: that is not an error.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});
register();
const { runCli } = await import('../server/cli/index.ts');
process.exitCode = await runCli(process.argv.slice(2));
