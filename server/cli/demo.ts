/** `singgah demo-init`: the demo data set (keys, bundle, venues, certificates), idempotently. */
import { resolve } from 'node:path';
import { DEFAULT_ORIGIN } from '../authority';
import { claimDemoDir, demoInit } from '../demo';
import { setKeyWarning, trustFilePath } from '../keys';
import { type Command, checkOrigin, iso, ORIGIN_OPTION, optionalStr, withDb } from './kit';

export const DEMO_INIT: Command = {
  name: 'demo-init',
  summary: 'set up (idempotently) demo keys, bundle, venues and certificates',
  usage: 'singgah demo-init [--origin URL]',
  details: `Runs only in a demo data directory: one that does not exist or is empty (it then writes
demo-marker.json there first), or one it marked before whose keys/ holds only files it made.
Anywhere else it refuses (exit 1) and writes nothing: it never signs with an authority's keys.
First run: creates keys, signs server/demo/policy.json and registers demo venues. Every run:
re-signs the bundle when it expires within 7 days or the policy or keys changed, and re-issues
the demo certificates with times relative to now. Run by \`npm start\`.

Options:
  --origin URL   origin used in the printed links; default ${DEFAULT_ORIGIN}`,
  options: { ...ORIGIN_OPTION },
  positionals: [],
  async run(values, _p, ctx) {
    const origin = checkOrigin(optionalStr(values, 'origin') ?? DEFAULT_ORIGIN);
    // Before the database is opened: opening it writes into the directory.
    claimDemoDir(ctx.dataDir, ctx.now);
    setKeyWarning(undefined); // the demo's key files are plain on purpose: no warning per file
    const result = await withDb(ctx.dataDir, (db) => demoInit(ctx.dataDir, db, ctx.now, origin));
    if (result.createdKeys.length > 0) ctx.out(`Created keys: ${result.createdKeys.join(', ')}`);
    const b = result.bundle;
    ctx.out(
      b.action === 'signed'
        ? `Signed bundle version ${b.version} (${b.reason}), expires ${iso(b.expiresAt)}`
        : `Bundle version ${b.version} kept, expires ${iso(b.expiresAt)}`,
    );
    for (const v of result.venues) ctx.out(`Venue ${v.id} ${v.action}: ${v.name}`);
    ctx.out(`Issued ${result.certificates.length} demo certificates`);
    ctx.out(`Trust anchor: ${resolve(trustFilePath(ctx.dataDir))}`);
  },
};
