/** `singgah venue …`: register one venue, import a CSV of them, and write their printable posters. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { decodeVenue } from '../../src/core/venue';
import {
  checkVenueInput,
  DEFAULT_ORIGIN,
  MAX_POSTER_QR_VERSION,
  type RegisteredVenue,
  registeredVenue,
  registerVenue,
} from '../authority';
import { csvLine, parseCsv } from '../csv';
import { importVenues, VENUE_COLUMNS, VENUE_KEY_SQL, venueKey } from '../csv-import';
import type { Queryable } from '../db';
import { AuthorityError } from '../errors';
import { venuePosterPage } from '../poster';
import { pageSvg, pagesPdf } from '../poster-pdf';
import { linkQrSvg } from '../qr';
import {
  type CommandGroup,
  type Context,
  checkOrigin,
  ORIGIN_OPTION,
  optionalStr,
  readInputFile,
  str,
  type Values,
  wholeNumber,
  withDb,
} from './kit';

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

export const VENUE: CommandGroup = {
  name: 'venue',
  summary: 'register venues and print their posters',
  commands: [
    {
      name: 'venue register',
      summary: 'register a venue and print its signed QR link',
      usage:
        'singgah venue register --name NAME --address ADDRESS --category CODE --region BPS --capacity N --stay MINUTES [--origin URL] [--svg FILE]',
      details: `Signs the venue with the venue key, stores it and prints the QR link (ORIGIN/v#…).

Options:
  --name NAME        venue name (≤ 100 characters)
  --address ADDRESS  street address (≤ 100 characters)
  --category CODE    a category of the published bundle (demo policy: gov, worship, mall, resto, transit, health)
  --region BPS       BPS region code: 2-digit province (64) or 4-digit regency/city (6472)
  --capacity N       people allowed inside at once
  --stay MINUTES     default stay before automatic check-out (1–1440)
  --origin URL       origin of the app in the link; default ${DEFAULT_ORIGIN}
  --svg FILE         also write the QR code as SVG (error correction M)`,
      options: {
        name: { type: 'string' },
        address: { type: 'string' },
        category: { type: 'string' },
        region: { type: 'string' },
        capacity: { type: 'string' },
        stay: { type: 'string' },
        svg: { type: 'string' },
        ...ORIGIN_OPTION,
      },
      positionals: [],
      async run(values, _p, ctx) {
        const cmd = 'venue register';
        const input = {
          name: str(values, 'name', cmd),
          address: str(values, 'address', cmd),
          category: str(values, 'category', cmd),
          region: str(values, 'region', cmd),
          capacity: wholeNumber(values, 'capacity', cmd),
          stayMinutes: wholeNumber(values, 'stay', cmd),
        };
        const origin = checkOrigin(optionalStr(values, 'origin') ?? DEFAULT_ORIGIN);
        const svgPath = optionalStr(values, 'svg');
        checkVenueInput(ctx.dataDir, input, ctx.now); // fail fast, before opening the database
        const registered = await withDb(ctx.dataDir, (db) =>
          registerVenue(db, ctx.dataDir, input, ctx.now, { origin }),
        );
        ctx.out(`Registered venue ${registered.venue.id}: ${registered.venue.name}`);
        ctx.out(registered.url);
        ctx.out(`Short code (print under the QR): ${registered.shortCode}`);
        ctx.out(`QR version ${registered.qrVersion} (error correction M)`);
        if (registered.qrVersion > MAX_POSTER_QR_VERSION) {
          ctx.warn(
            `warning: this QR needs version ${registered.qrVersion}; posters should stay at version ≤ ${MAX_POSTER_QR_VERSION} ` +
              '(shorten the name or address, or use a shorter origin)',
          );
        }
        if (svgPath) {
          writeFileSync(svgPath, await linkQrSvg(registered.url));
          ctx.out(`QR written to ${resolve(svgPath)}`);
        }
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
  ],
};
