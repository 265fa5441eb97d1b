/**
 * `singgah case create`: a one-time code for a positive person's upload of their visits; `singgah case review`:
 * open the sealed uploads offline, check them and publish their notices.
 */
import { createCaseCode, DEFAULT_CASE_CODE_TTL_HOURS, MAX_CASE_CODE_TTL_HOURS } from '../case-codes';
import { MAX_CASE_VISITS } from '../case-limits';
import { type OpenedUpload, openPendingUploads, publishUpload, rejectUpload } from '../case-review';
import { AuthorityError } from '../errors';
import { type CommandGroup, type Context, iso, type Values, wholeNumber, withDb } from './kit';

/** `--approve` / `--reject` values: upload numbers as listed. */
function uploadIds(values: Values, name: 'approve' | 'reject'): number[] {
  const raw = values[name];
  const list = Array.isArray(raw) ? raw : typeof raw === 'string' ? [raw] : [];
  return list.map((x) => {
    const n = /^#?\d{1,15}$/.test(x) ? Number(x.replace('#', '')) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < 1)
      throw new AuthorityError('INPUT_INVALID', `--${name} takes a report number, got "${x}"`);
    return n;
  });
}

function showUpload(ctx: Context, u: OpenedUpload): void {
  const n = u.visits.length;
  ctx.out(
    `#${u.id}  received ${iso(u.receivedAt)} (to the hour)  code ${u.code ?? '(not opened)'}  ${n} visit${n === 1 ? '' : 's'}`,
  );
  for (const v of u.visits) {
    ctx.out(
      `    ${iso(v.from)} – ${iso(v.to)}  ${v.venueId}  ${v.venueName ?? '(unknown venue)'}${v.problem ? `  ✗ ${v.problem}` : ''}`,
    );
  }
  if (u.problem) ctx.out(`    cannot be published: ${u.problem}`);
}

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
    {
      name: 'case review',
      summary: 'open the sealed case uploads, check them and publish their notices',
      usage: 'singgah case review [--approve N]... [--reject N]... [--approve-all]',
      details: `A phone seals a positive person's visits to the health office's encryption key (the cases key,
listed in the bundle as caseKey); the server stores only the ciphertext. This command, run by the health
officer where the cases key and the notices key are (never on the server), opens every pending upload and
checks it: the code inside is the code it was sent with, at most ${MAX_CASE_VISITS} visits, each at a registered
venue, no longer than the signed rules let a stay last there, begun within the retention period before the
upload. Without options it lists them and changes nothing.

Options:
  --approve N     publish report N (as listed): one signed notice per visit; repeatable
  --reject N      drop report N unpublished; repeatable
  --approve-all   publish every report that passes the checks; the others stay pending

A published or rejected report's ciphertext is deleted (its digest is kept so the same report is never taken
twice). Uses DATABASE_URL when set, else the PGlite database in the data directory (stop a PGlite server
first). Encrypted key files need --passphrase-file.`,
      options: {
        approve: { type: 'string', multiple: true },
        reject: { type: 'string', multiple: true },
        'approve-all': { type: 'boolean' },
      },
      positionals: [],
      async run(values, _p, ctx) {
        const approve = uploadIds(values, 'approve');
        const reject = uploadIds(values, 'reject');
        const all = values['approve-all'] === true;
        await withDb(ctx.dataDir, async (db) => {
          const opened = await openPendingUploads(db, ctx.dataDir);
          const byId = new Map(opened.map((u) => [u.id, u]));
          for (const id of [...approve, ...reject]) {
            if (!byId.has(id)) throw new AuthorityError('NOT_FOUND', `no pending report #${id}`);
          }
          const both = approve.find((id) => reject.includes(id));
          if (both !== undefined) throw new AuthorityError('INPUT_INVALID', `#${both} is both approved and rejected`);
          const refused = approve.map((id) => byId.get(id)).find((u) => u?.problem);
          if (refused)
            throw new AuthorityError('INPUT_INVALID', `#${refused.id} cannot be published: ${refused.problem}`);
          ctx.out(`${opened.length} sealed report${opened.length === 1 ? '' : 's'} pending review`);
          for (const u of opened) showUpload(ctx, u);
          let notices = 0;
          let reports = 0;
          for (const u of opened) {
            if (reject.includes(u.id)) {
              await rejectUpload(db, u.id);
              ctx.out(`#${u.id}: rejected, nothing published`);
            } else if (approve.includes(u.id) || (all && !u.problem)) {
              const seqs = await publishUpload(db, ctx.dataDir, u, ctx.now);
              notices += seqs.length;
              reports += 1;
              ctx.out(
                `#${u.id}: published ${seqs.length} notice${seqs.length === 1 ? '' : 's'}${seqs.length > 0 ? ` (seq ${seqs[0]}–${seqs.at(-1)})` : ''}`,
              );
            }
          }
          if (approve.length === 0 && reject.length === 0 && !all) {
            if (opened.length > 0)
              ctx.out('Nothing published: --approve N or --approve-all publishes, --reject N drops.');
          } else {
            ctx.out(
              `Done: published ${notices} notice${notices === 1 ? '' : 's'} from ${reports} report${reports === 1 ? '' : 's'}.`,
            );
          }
        });
      },
    },
  ],
};
