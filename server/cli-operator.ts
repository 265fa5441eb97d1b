/**
 * The operator commands added for running Singgah at national scale (server/cli.ts lists them with the
 * base commands): signing-key rotation and revocation, venue import and posters, certificate import and
 * revocation, manual exposure notices, and reports.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { KEY_ROLES, type KeyRole } from '../src/core/bundle';
import { MAX_NOTICE_WINDOW_SECONDS } from '../src/core/notice';
import { decodeVenue } from '../src/core/venue';
import {
  DEFAULT_ORIGIN,
  MAX_POSTER_QR_VERSION,
  type RegisteredVenue,
  registeredVenue,
  requirePublishedBundle,
  revokeCertificate,
  revokeKey,
  rotateSigningKey,
  suspendCertificates,
} from './authority';
import {
  type Command,
  type Context,
  checkOrigin,
  iso,
  ORIGIN_OPTION,
  optionalStr,
  parseTime,
  str,
  UsageError,
  type Values,
  wholeNumber,
  withDb,
} from './cli-kit';
import { csvLine, parseCsv } from './csv';
import { importCertificates, importVenues, VENUE_COLUMNS, VENUE_KEY_SQL, venueKey } from './csv-import';
import type { Queryable } from './db';
import { AuthorityError } from './errors';
import { publishManualNotice } from './notices';
import { certificatePage, venuePosterPage } from './poster';
import { pageSvg, pagesPdf } from './poster-pdf';
import { findRegion } from './regions';
import { listActiveNotices, reportHourly, reportOccupancy } from './reports';

export const OPERATOR_GROUPS: Record<string, string> = {
  notice: 'publish and list exposure notices',
  report: 'occupancy and check-in reports',
};

function readInputFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new AuthorityError('INPUT_INVALID', `cannot read ${path}`);
  }
}

const FORMATS = ['pdf', 'svg'] as const;

function posterFormats(values: Values): readonly (typeof FORMATS)[number][] {
  const raw = optionalStr(values, 'format') ?? 'pdf,svg';
  const list = raw.split(',').map((f) => f.trim());
  const bad = list.find((f) => !(FORMATS as readonly string[]).includes(f));
  if (bad !== undefined || list.length === 0) {
    throw new AuthorityError('INPUT_INVALID', `--format must be pdf, svg or pdf,svg; got "${raw}"`);
  }
  return list as (typeof FORMATS)[number][];
}

/** Write DIR/<id>.pdf and/or .svg for each venue; returns how many files were written. */
async function writePosters(
  dir: string,
  venues: readonly RegisteredVenue[],
  formats: readonly string[],
): Promise<number> {
  mkdirSync(dir, { recursive: true });
  let files = 0;
  for (const v of venues) {
    const page = venuePosterPage(v);
    if (formats.includes('pdf')) writeFileSync(join(dir, `${v.venue.id}.pdf`), await pagesPdf([page]));
    if (formats.includes('svg')) writeFileSync(join(dir, `${v.venue.id}.svg`), pageSvg(page));
    files += formats.length;
  }
  return files;
}

function warnLargeQr(ctx: Context, venues: readonly RegisteredVenue[]): void {
  const large = venues.filter((v) => v.qrVersion > MAX_POSTER_QR_VERSION);
  if (large.length > 0) {
    ctx.warn(
      `warning: ${large.length} QR code(s) need a version above ${MAX_POSTER_QR_VERSION} (e.g. ${large[0].venue.id}); ` +
        'shorten names/addresses or the origin so printed posters stay easy to scan',
    );
  }
}

/** Registered venues from the database: all, or those whose ids are listed. */
async function storedVenues(db: Queryable, origin: string, ids?: readonly string[]): Promise<RegisteredVenue[]> {
  const rows = await db.query<{ id: string; code: string }>(
    ids ? 'select id, code from venues where id = any($1::text[])' : 'select id, code from venues order by id',
    ids ? [ids] : [],
  );
  if (ids) {
    const found = new Set(rows.map((r) => r.id));
    const missing = ids.filter((id) => !found.has(id));
    if (missing.length > 0) {
      throw new AuthorityError(
        'NOT_FOUND',
        `no venue ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}`,
      );
    }
  }
  return rows.map((r) => {
    const decoded = decodeVenue(r.code);
    if (!decoded.ok) throw new Error(`stored venue ${r.id} does not decode: ${decoded.error.code}`);
    return registeredVenue(decoded.value.venue, r.code, origin);
  });
}

/** Venue ids of a CSV: its "id" column, or the venues registered under its rows' name and address. */
async function venueIdsOf(db: Queryable, source: string): Promise<string[]> {
  const header = parseCsv(source.split(/\r?\n/)[0], [], ['id', ...VENUE_COLUMNS, 'short_code', 'url']).header;
  if (header.includes('id')) {
    return parseCsv(
      source,
      ['id'],
      header.filter((h) => h !== 'id'),
    ).records.map((r) => r.cells.id);
  }
  const records = parseCsv(
    source,
    ['name', 'address'],
    header.filter((h) => h !== 'name' && h !== 'address'),
  ).records;
  const rows = await db.query<{ id: string; key: string }>(
    `select id, ${VENUE_KEY_SQL} as key from venues where ${VENUE_KEY_SQL} = any($1::text[])`,
    [records.map((r) => venueKey(r.cells.name, r.cells.address))],
  );
  const byKey = new Map(rows.map((r) => [r.key, r.id]));
  return records.map((r) => {
    const id = byKey.get(venueKey(r.cells.name, r.cells.address));
    if (!id) throw new AuthorityError('NOT_FOUND', `line ${r.line}: no registered venue with this name and address`);
    return id;
  });
}

const POSTER_OPTIONS = {
  out: { type: 'string' },
  format: { type: 'string' },
  ...ORIGIN_OPTION,
} as const;

function checkRegionOption(values: Values, command: string, required: boolean): string | undefined {
  const region = required ? str(values, 'region', command) : optionalStr(values, 'region');
  if (region !== undefined && !findRegion(region)) {
    throw new AuthorityError('REGION_INVALID', `--region ${region} is not an Indonesian province or regency/city code`);
  }
  return region;
}

export const OPERATOR_COMMANDS: readonly Command[] = [
  {
    name: 'keys rotate',
    summary: 'add a new certificate, venue or notices key and publish it in the next bundle',
    usage: 'singgah keys rotate certificate|venue|notices',
    details: `Creates a new key of ROLE (file mode 0600; encrypted with the passphrase when one is given) and
re-signs the published bundle as the next version listing it next to the old key. New venues,
certificates or notices are signed with the newest key; what the old key signed stays valid until
its validity window ends or you revoke it (\`singgah keys revoke KID\`). For the root key use
\`singgah keys rotate-root\`.`,
    options: {},
    positionals: ['ROLE'],
    async run(_v, [role], ctx) {
      if (!(KEY_ROLES as readonly string[]).includes(role)) {
        throw new UsageError(`ROLE must be certificate, venue or notices, got "${role}" (root: keys rotate-root)`);
      }
      const { key, bundle } = rotateSigningKey(ctx.dataDir, role as KeyRole, ctx.now);
      ctx.out(`Created ${role} key ${key.kid}`);
      ctx.out(`Re-signed bundle version ${bundle.version} listing it (expires ${iso(bundle.expiresAt)})`);
    },
  },
  {
    name: 'keys revoke',
    summary: 'revoke a certificate, venue or notices key in the next bundle',
    usage: 'singgah keys revoke KID',
    details: `Adds KID to DATA_DIR/revocations.json, moves its key file to DATA_DIR/keys/retired/<time>/ and
re-signs the published bundle as the next version. Once phones sync it, everything KID signed is
rejected (venue posters must be re-printed, certificates re-issued). Refuses the last key of a role
(run \`singgah keys rotate ROLE\` first) and root keys (use \`singgah keys rotate-root\`).`,
    options: {},
    positionals: ['KID'],
    async run(_v, [kid], ctx) {
      if (!/^[0-9a-f]{1,16}$/.test(kid)) throw new UsageError(`KID must be a key id like 3fa1, got "${kid}"`);
      const revoked = revokeKey(ctx.dataDir, kid, ctx.now);
      ctx.out(`Revoked ${revoked.roles.join('/')} key ${kid}`);
      if (revoked.retiredTo) ctx.out(`Key file moved to ${revoked.retiredTo}`);
      ctx.out(`Re-signed bundle version ${revoked.bundle.version} with the revocation`);
    },
  },
  {
    name: 'venue import',
    summary: 'register every venue of a CSV file (all or nothing), optionally writing their posters',
    usage: 'singgah venue import VENUES.csv [--out DIR] [--format pdf,svg] [--origin URL]',
    details: `VENUES.csv has a header row with the columns name, address, category, region, capacity, stay
(stay in minutes; region a BPS province or regency/city code such as 31 or 3171; category one of the
published bundle's). Every row is checked first; any problem — a malformed row, an unknown category,
a region code that is not a real Indonesian province or regency/city, the same venue twice in the
file or already registered (same name and address) — is reported as "line N: reason" and nothing
is imported. A clean file is signed with the venue key and stored in one transaction.

With --out DIR it also writes DIR/venues.csv (id, short_code, name, url) and one A4 poster per venue
(DIR/<id>.pdf and DIR/<id>.svg).

Options:
  --out DIR          write the list and the posters here
  --format LIST      poster formats: pdf, svg or pdf,svg (default)
  --origin URL       origin of the app in the links; default ${DEFAULT_ORIGIN}`,
    options: POSTER_OPTIONS,
    positionals: ['VENUES.csv'],
    async run(values, [file], ctx) {
      const origin = checkOrigin(optionalStr(values, 'origin') ?? DEFAULT_ORIGIN);
      const out = optionalStr(values, 'out');
      const formats = posterFormats(values);
      const source = readInputFile(file);
      const venues = await withDb(ctx.dataDir, (db) => importVenues(db, ctx.dataDir, source, ctx.now, origin));
      ctx.out(`Imported ${venues.length} venue(s)`);
      warnLargeQr(ctx, venues);
      if (out) {
        mkdirSync(out, { recursive: true });
        const list = [
          csvLine(['id', 'short_code', 'name', 'url']),
          ...venues.map((v) => csvLine([v.venue.id, v.shortCode, v.venue.name, v.url])),
        ].join('');
        writeFileSync(join(out, 'venues.csv'), list);
        const files = await writePosters(out, venues, formats);
        ctx.out(`Wrote ${resolve(out, 'venues.csv')} and ${files} poster file(s) to ${resolve(out)}`);
      } else {
        for (const v of venues) ctx.out(`${v.venue.id}  ${v.shortCode}  ${v.venue.name}`);
      }
    },
  },
  {
    name: 'venue posters',
    summary: 'write printable A4 posters (PDF and SVG) for registered venues',
    usage: 'singgah venue posters [VENUES.csv] --out DIR [--format pdf,svg] [--origin URL]',
    details: `Writes DIR/<id>.pdf and DIR/<id>.svg for every venue in the database, or for the venues of
VENUES.csv: either a file with an "id" column (such as the venues.csv that \`venue import --out\`
writes) or the import file itself (name and address columns; each row must match a registered venue).
Each poster has the QR large, the venue name and address, "Scan with your phone's camera or the
Singgah app" in Indonesian and English, and the short code for typing in.

Options:
  --out DIR          output directory (created if missing)
  --format LIST      pdf, svg or pdf,svg (default)
  --origin URL       origin of the app in the links; default ${DEFAULT_ORIGIN}`,
    options: POSTER_OPTIONS,
    positionals: [],
    optionalPositional: 'VENUES.csv',
    async run(values, [file], ctx) {
      const out = str(values, 'out', 'venue posters');
      const origin = checkOrigin(optionalStr(values, 'origin') ?? DEFAULT_ORIGIN);
      const formats = posterFormats(values);
      const source = file === undefined ? undefined : readInputFile(file);
      const venues = await withDb(ctx.dataDir, async (db) =>
        storedVenues(db, origin, source === undefined ? undefined : await venueIdsOf(db, source)),
      );
      const files = await writePosters(out, venues, formats);
      ctx.out(`Wrote ${files} poster file(s) for ${venues.length} venue(s) to ${resolve(out)}`);
      warnLargeQr(ctx, venues);
    },
  },
  {
    name: 'cert import',
    summary: 'issue many certificates from a CSV file as links and one printable PDF',
    usage: 'singgah cert import CERTS.csv --out DIR [--origin URL]',
    details: `CERTS.csv columns: kind (vaccination|test|recovery), name, birth_date, region, and per kind
vaccination: product, dose, doses, date   test: test_type (pcr|antigen), result (neg|pos), sample_time
recovery: first_positive_date; optional: expires. Unused columns may be left empty. All rows are
validated first ("line N: reason", nothing issued on any problem), then issued in one transaction.
Writes DIR/certificates.csv (id, kind, name, url) and DIR/certificates.pdf (one A4 page per
certificate with its QR).

Options:
  --out DIR          output directory (created if missing)
  --origin URL       origin of the app in the links; default ${DEFAULT_ORIGIN}`,
    options: { out: { type: 'string' }, ...ORIGIN_OPTION },
    positionals: ['CERTS.csv'],
    async run(values, [file], ctx) {
      const out = str(values, 'out', 'cert import');
      const origin = checkOrigin(optionalStr(values, 'origin') ?? DEFAULT_ORIGIN);
      const source = readInputFile(file);
      const issued = await withDb(ctx.dataDir, (db) => importCertificates(db, ctx.dataDir, source, ctx.now, origin));
      mkdirSync(out, { recursive: true });
      const csv = issued.map(({ certificate: c, url }) => csvLine([c.id, c.kind, c.holder.name, url]));
      writeFileSync(join(out, 'certificates.csv'), [csvLine(['id', 'kind', 'name', 'url']), ...csv].join(''));
      writeFileSync(
        join(out, 'certificates.pdf'),
        await pagesPdf(issued.map((c) => certificatePage(c.certificate, c.url))),
      );
      ctx.out(`Issued ${issued.length} certificate(s); wrote certificates.csv and certificates.pdf to ${resolve(out)}`);
    },
  },
  {
    name: 'cert revoke',
    summary: 'revoke a certificate by id in the next bundle',
    usage: 'singgah cert revoke ID',
    details: `Adds ID to DATA_DIR/revocations.json and re-signs the published bundle as the next version;
phones reject the certificate after their next sync (core verifyCertificate: CERTIFICATE_REVOKED).`,
    options: {},
    positionals: ['ID'],
    async run(_v, [id], ctx) {
      const bundle = revokeCertificate(ctx.dataDir, id, ctx.now);
      ctx.out(`Revoked certificate ${id}; re-signed bundle version ${bundle.version}`);
    },
  },
  {
    name: 'cert suspend',
    summary: 'suspend certificates for an isolation window in the next bundle',
    usage: 'singgah cert suspend ID[,ID…] (--until TIME | --days N)',
    details: `Puts the certificates' hashed ids (first 16 bytes of SHA-256 of "singgah/v1/suspension\\n" + id, base64url)
with the end of the window into DATA_DIR/suspensions.json and re-signs the published bundle as the next version.
After their next sync, the holder's phone and every guard show the person black ("suspended by the health office
until …") until then, whatever is deleted on the phone. Give every certificate of the person. Suspending again
extends a window, never shortens it; ended suspensions leave the next bundle.

Options:
  --until TIME   end of the window (ISO 8601 with a time zone, a date, or Unix seconds)
  --days N       or: N days from now`,
    options: { until: { type: 'string' }, days: { type: 'string' } },
    positionals: ['ID[,ID…]'],
    async run(values, [list], ctx) {
      const cmd = 'cert suspend';
      const hasUntil = optionalStr(values, 'until') !== undefined;
      if (hasUntil === (optionalStr(values, 'days') !== undefined))
        throw new UsageError('give either --until or --days', cmd);
      const until = hasUntil
        ? parseTime(str(values, 'until', cmd), 'until')
        : ctx.now + wholeNumber(values, 'days', cmd) * 86_400;
      const ids = list.split(',').filter((id) => id !== '');
      const bundle = suspendCertificates(ctx.dataDir, ids, until, ctx.now);
      ctx.out(
        `Suspended ${ids.length} certificate${ids.length === 1 ? '' : 's'} until ${iso(until)}; re-signed bundle version ${bundle.version}`,
      );
    },
  },
  {
    name: 'notice publish',
    summary: 'publish a signed exposure notice for a venue and time window',
    usage: 'singgah notice publish --venue ID --from TIME --to TIME',
    details: `Signs a notice with the notices key (the newest one the published bundle lists) and appends it
to the feed phones poll (GET /v1/notices). A phone whose stored visit to the venue overlaps the window
tells its user. For exposures traced by a health officer without a case upload.

Options:
  --venue ID     a registered venue's id
  --from TIME    start of the exposure window
  --to TIME      end of the window (at most ${MAX_NOTICE_WINDOW_SECONDS / 86_400} days after --from, not in the future)

TIME is ISO 8601 with a time zone (2026-11-22T08:00:00+07:00), a date (midnight UTC), or Unix seconds.`,
    options: { venue: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' } },
    positionals: [],
    async run(values, _p, ctx) {
      const cmd = 'notice publish';
      const venueId = str(values, 'venue', cmd);
      const from = parseTime(str(values, 'from', cmd), 'from');
      const to = parseTime(str(values, 'to', cmd), 'to');
      if (!(from < to)) throw new AuthorityError('INPUT_INVALID', '--to must be after --from');
      if (to - from > MAX_NOTICE_WINDOW_SECONDS) {
        throw new AuthorityError(
          'INPUT_INVALID',
          `the window is longer than ${MAX_NOTICE_WINDOW_SECONDS / 86_400} days`,
        );
      }
      if (to > ctx.now) throw new AuthorityError('INPUT_INVALID', '--to is in the future');
      requirePublishedBundle(ctx.dataDir);
      const seq = await withDb(ctx.dataDir, async (db) => {
        const found = await db.query('select 1 from venues where id = $1', [venueId]);
        if (found.length === 0) throw new AuthorityError('NOT_FOUND', `no venue ${venueId}`);
        return publishManualNotice(db, ctx.dataDir, { venueId, from, to }, ctx.now);
      });
      ctx.out(`Published notice ${seq} for venue ${venueId}, ${iso(from)} – ${iso(to)}`);
    },
  },
  {
    name: 'notice list',
    summary: 'list the notices phones can still match',
    usage: 'singgah notice list',
    details: `Lists notices whose window ended less than the bundle's retentionDays ago (phones keep their
visits that long, so older notices can no longer match anything).`,
    options: {},
    positionals: [],
    async run(_v, _p, ctx) {
      const retention = requirePublishedBundle(ctx.dataDir).payload.policy.retentionDays;
      const notices = await withDb(ctx.dataDir, (db) => listActiveNotices(db, ctx.now, retention));
      ctx.out(`${notices.length} active notice(s) (windows ending within the last ${retention} days)`);
      for (const n of notices) {
        ctx.out(
          `${String(n.seq).padStart(6)}  ${n.venueId}  ${iso(n.from)} – ${iso(n.to)}  ${n.venueName ?? '(unknown venue)'}`,
        );
      }
    },
  },
  {
    name: 'report occupancy',
    summary: 'people inside each venue now, fullest first',
    usage: 'singgah report occupancy [--region CODE] [--limit N]',
    details: `From uploaded check-ins: a check-in counts until its check-out or automatic check-out, for at
most 24 hours (as GET /v1/venues/:id/occupancy). Counts only what phones uploaded.

Options:
  --region CODE   only venues in this province (2 digits) or regency/city (4 digits)
  --limit N       at most N venues (default 50)`,
    options: { region: { type: 'string' }, limit: { type: 'string' } },
    positionals: [],
    async run(values, _p, ctx) {
      const cmd = 'report occupancy';
      const region = checkRegionOption(values, cmd, false);
      const limit = values.limit === undefined ? 50 : wholeNumber(values, 'limit', cmd);
      const rows = await withDb(ctx.dataDir, (db) =>
        reportOccupancy(db, ctx.now, { limit, ...(region ? { region } : {}) }),
      );
      ctx.out(`Occupancy at ${iso(ctx.now)}${region ? ` in ${region}` : ''}:`);
      ctx.out(`${'venue'.padEnd(8)}  ${'inside'.padStart(6)}  ${'capacity'.padStart(8)}  level   name`);
      for (const r of rows) {
        ctx.out(
          `${r.id.padEnd(8)}  ${String(r.active).padStart(6)}  ${String(r.capacity).padStart(8)}  ${(r.level ?? '-').padEnd(6)}  ${r.name}`,
        );
      }
    },
  },
  {
    name: 'report hourly',
    summary: 'check-ins per hour in a region',
    usage: 'singgah report hourly --region CODE [--from TIME] [--to TIME]',
    details: `Counts uploaded check-ins (and the people they cover) per UTC hour at venues of a province
(2 digits, including its regencies/cities) or a regency/city (4 digits). Default: the last 24 hours.

Options:
  --region CODE   BPS province or regency/city code
  --from TIME     start (default: 24 hours ago)
  --to TIME       end, exclusive (default: now)`,
    options: { region: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' } },
    positionals: [],
    async run(values, _p, ctx) {
      const cmd = 'report hourly';
      const region = checkRegionOption(values, cmd, true) as string;
      const fromRaw = optionalStr(values, 'from');
      const toRaw = optionalStr(values, 'to');
      const to = toRaw === undefined ? ctx.now : parseTime(toRaw, 'to');
      const from = fromRaw === undefined ? to - 86_400 : parseTime(fromRaw, 'from');
      if (!(from < to)) throw new AuthorityError('INPUT_INVALID', '--to must be after --from');
      if (to - from > 31 * 86_400) throw new AuthorityError('INPUT_INVALID', 'at most 31 days per report');
      const hours = await withDb(ctx.dataDir, (db) => reportHourly(db, region, from, to));
      ctx.out(`Check-ins per hour (UTC) in ${region} ${findRegion(region)?.name ?? ''}`.trimEnd());
      ctx.out('hour (UTC)            check-ins   people');
      for (const h of hours)
        ctx.out(`${iso(h.hour)}  ${String(h.checkIns).padStart(9)}  ${String(h.people).padStart(7)}`);
      ctx.out(`total: ${hours.reduce((n, h) => n + h.checkIns, 0)} check-in(s)`);
    },
  },
];
