/** `singgah case create`: a one-time code for a positive person's upload of their visits. */
import { createCaseCode, DEFAULT_CASE_CODE_TTL_HOURS, MAX_CASE_CODE_TTL_HOURS } from '../case-codes';
import { AuthorityError } from '../errors';
import { type CommandGroup, iso, wholeNumber, withDb } from './kit';

export const CASE: CommandGroup = {
  name: 'case',
  summary: "case codes for uploading a positive person's visits",
  commands: [
    {
      name: 'case create',
      summary: 'create a one-time case code for a person who tested positive',
      usage: 'singgah case create [--ttl-hours N]',
      details: `Prints a fresh code (12 characters, XXXX-XXXX-XXXX) to read to the person. With it, their
phone uploads their recent check-ins once (POST /v1/cases); the server turns them into signed exposure
notices. The code works once and expires; only its SHA-256 hash is stored, so it cannot be shown again.
Uses DATABASE_URL when set (the server's PostgreSQL), else the PGlite database in the data directory
(stop a PGlite server first).

Options:
  --ttl-hours N   hours until the code expires, 1–${MAX_CASE_CODE_TTL_HOURS}; default ${DEFAULT_CASE_CODE_TTL_HOURS}`,
      options: { 'ttl-hours': { type: 'string' } },
      positionals: [],
      async run(values, _p, ctx) {
        const ttl =
          values['ttl-hours'] === undefined
            ? DEFAULT_CASE_CODE_TTL_HOURS
            : wholeNumber(values, 'ttl-hours', 'case create');
        if (ttl < 1 || ttl > MAX_CASE_CODE_TTL_HOURS) {
          throw new AuthorityError('INPUT_INVALID', `--ttl-hours must be 1–${MAX_CASE_CODE_TTL_HOURS}, got ${ttl}`);
        }
        const created = await withDb(ctx.dataDir, (db) => createCaseCode(db, ctx.now, ttl));
        ctx.out(created.code);
        ctx.out(`Valid once, until ${iso(created.expiresAt)}. Not stored: write it down now.`);
      },
    },
  ],
};
