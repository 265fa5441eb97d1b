/**
 * Bulk imports from CSV, all or nothing: every row is validated first and every problem reported as
 * "line N: reason"; only a clean file is signed, and then stored in one transaction, so a failure never
 * leaves half an import behind.
 */
import type { BundlePayload } from '../src/core/bundle';
import type { UnixSeconds } from '../src/core/schema';
import type { Venue } from '../src/core/venue';
import {
  type CertificateInput,
  checkVenueFields,
  type IssuedCertificate,
  insertVenues,
  issueCertificate,
  prepareCertificate,
  type RegisteredVenue,
  registeredVenue,
  requirePublishedBundle,
  signingKey,
  signVenue,
  type VenueInput,
} from './authority';
import { type CsvRecord, parseCsv } from './csv';
import type { Db } from './db';
import { AuthorityError } from './errors';

/** How many problems one failed import lists before "… and N more". */
const MAX_REPORTED = 20;
/** Rows per INSERT statement (bounded parameter arrays). */
const INSERT_BATCH = 1000;

export const VENUE_COLUMNS = ['name', 'address', 'category', 'region', 'capacity', 'stay'] as const;

/** Collects per-line problems; `fail()` throws them as one error that ends with "nothing was imported". */
class Problems {
  private readonly lines: string[] = [];
  add(line: number, e: unknown): void {
    if (!(e instanceof AuthorityError)) throw e;
    this.lines.push(`line ${line}: ${e.message}`);
  }
  get count(): number {
    return this.lines.length;
  }
  fail(): never {
    const shown = this.lines.slice(0, MAX_REPORTED);
    const more = this.lines.length - shown.length;
    throw new AuthorityError(
      'INPUT_INVALID',
      `${shown.join('\n')}${more > 0 ? `\n… and ${more} more` : ''}\nnothing was imported (${this.lines.length} problem(s))`,
    );
  }
}

function wholeCell(cells: CsvRecord['cells'], name: string): number {
  const raw = cells[name];
  if (!/^\d{1,9}$/.test(raw)) throw new AuthorityError('INPUT_INVALID', `${name} must be a whole number, got "${raw}"`);
  return Number(raw);
}

/** Same place twice: name and address compared case- and space-insensitively. */
export const venueKey = (name: string, address: string) =>
  `${name.replace(/\s+/g, ' ').toLocaleLowerCase('id')}\n${address.replace(/\s+/g, ' ').toLocaleLowerCase('id')}`;

/** venueKey in SQL over the venues table's columns. */
export const VENUE_KEY_SQL =
  "lower(regexp_replace(name, '\\s+', ' ', 'g')) || chr(10) || lower(regexp_replace(address, '\\s+', ' ', 'g'))";

/** Validate every row of a venues CSV against the bundle; throws all problems at once. */
export function checkVenueCsv(source: string, bundle: BundlePayload): { line: number; venue: VenueInput }[] {
  const table = parseCsv(source, VENUE_COLUMNS);
  if (table.records.length === 0) throw new AuthorityError('INPUT_INVALID', 'the file has a header but no venues');
  const problems = new Problems();
  const seen = new Map<string, number>();
  const checked: { line: number; venue: VenueInput }[] = [];
  for (const { line, cells } of table.records) {
    try {
      const venue = checkVenueFields(
        {
          name: cells.name,
          address: cells.address,
          category: cells.category,
          region: cells.region,
          capacity: wholeCell(cells, 'capacity'),
          stayMinutes: wholeCell(cells, 'stay'),
        },
        bundle,
      );
      const key = venueKey(venue.name, venue.address);
      const first = seen.get(key);
      if (first !== undefined) {
        throw new AuthorityError('VENUE_DUPLICATE', `duplicate venue: same name and address as line ${first}`);
      }
      seen.set(key, line);
      checked.push({ line, venue });
    } catch (e) {
      problems.add(line, e);
    }
  }
  if (problems.count > 0) problems.fail();
  return checked;
}

/**
 * Import a venues CSV (columns name, address, category, region, capacity, stay): validate all rows,
 * refuse venues already registered (same name and address), sign each with the venue key and store
 * them all in one transaction. Returns the venues in file order.
 */
export async function importVenues(
  db: Db,
  dataDir: string,
  source: string,
  now: UnixSeconds,
  origin: string,
): Promise<RegisteredVenue[]> {
  const bundle = requirePublishedBundle(dataDir).payload;
  const rows = checkVenueCsv(source, bundle);
  const key = signingKey(dataDir, bundle, 'venue', now);
  return db.transaction(async (tx) => {
    const byKey = new Map(rows.map((r) => [venueKey(r.venue.name, r.venue.address), r.line]));
    const existing = await tx.query<{ id: string; name: string; address: string }>(
      `select id, name, address from venues where ${VENUE_KEY_SQL} = any($1::text[])`,
      [[...byKey.keys()]],
    );
    if (existing.length > 0) {
      const problems = new Problems();
      const clashes = existing
        .map((e) => ({ e, line: byKey.get(venueKey(e.name, e.address)) ?? 0 }))
        .sort((a, b) => a.line - b.line);
      for (const { e, line } of clashes) {
        problems.add(line, new AuthorityError('VENUE_DUPLICATE', `duplicate venue: already registered as ${e.id}`));
      }
      problems.fail();
    }
    const stored: { venue: Venue; code: string }[] = [];
    for (let i = 0; i < rows.length; i += INSERT_BATCH) {
      let pending = rows.slice(i, i + INSERT_BATCH).map((r) => signVenue(r.venue, key, bundle, now));
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt === 5) throw new Error('could not allocate venue ids');
        const ids = await insertVenues(tx, pending, now);
        stored.push(...pending.filter((s) => ids.has(s.venue.id)));
        // An id or short code already taken (rare, random ids): draw those again.
        pending = pending.filter((s) => !ids.has(s.venue.id)).map((s) => signVenue(s.venue, key, bundle, now));
      }
    }
    return stored.map((s) => registeredVenue(s.venue, s.code, origin));
  });
}

// ---------------------------------------------------------------- certificates

export const CERTIFICATE_COLUMNS = ['kind', 'name', 'birth_date', 'region'] as const;
const CERTIFICATE_OPTIONAL = [
  'product',
  'dose',
  'doses',
  'date',
  'test_type',
  'result',
  'sample_time',
  'first_positive_date',
  'expires',
] as const;

/** Unix seconds from ISO 8601 with a zone, a date (midnight UTC) or Unix seconds (as the CLI accepts). */
export function parseTimeText(raw: string, name: string): UnixSeconds {
  if (/^\d{9,10}$/.test(raw)) return Number(raw);
  if (/^\d{4}-\d{2}-\d{2}$/.test(raw)) return Date.parse(`${raw}T00:00:00Z`) / 1000;
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(raw)) {
    const ms = Date.parse(raw);
    if (!Number.isNaN(ms)) return Math.floor(ms / 1000);
  }
  throw new AuthorityError(
    'INPUT_INVALID',
    `${name} must be ISO 8601 with a time zone (e.g. 2026-11-22T08:00:00+07:00), a date, or Unix seconds; got "${raw}"`,
  );
}

function certificateInput(cells: CsvRecord['cells']): CertificateInput {
  const holder = { name: cells.name, birthDate: cells.birth_date, region: cells.region };
  const expires = cells.expires ? { expiresAt: parseTimeText(cells.expires, 'expires') } : {};
  const need = (name: string) => {
    const value = cells[name];
    if (!value) throw new AuthorityError('INPUT_INVALID', `${name} is required for ${cells.kind} certificates`);
    return value;
  };
  switch (cells.kind) {
    case 'vaccination':
      return {
        kind: 'vaccination',
        holder,
        ...expires,
        product: need('product'),
        dose: wholeCell(cells, 'dose'),
        doses: wholeCell(cells, 'doses'),
        date: need('date'),
      };
    case 'test':
      return {
        kind: 'test',
        holder,
        ...expires,
        // Checked against the allowed values when the certificate is built (authority/certificates.ts).
        testType: need('test_type') as 'pcr' | 'antigen',
        result: need('result') as 'neg' | 'pos',
        sampleTime: parseTimeText(need('sample_time'), 'sample_time'),
      };
    case 'recovery':
      return { kind: 'recovery', holder, ...expires, firstPositiveDate: need('first_positive_date') };
    default:
      throw new AuthorityError('INPUT_INVALID', `kind must be vaccination, test or recovery, got "${cells.kind}"`);
  }
}

/**
 * Issue certificates from CSV (kind, name, birth_date, region and the kind's columns: product, dose, doses,
 * date | test_type, result, sample_time | first_positive_date; optional expires): all rows are validated and
 * signed first, then stored in one transaction.
 */
export async function importCertificates(
  db: Db,
  dataDir: string,
  source: string,
  now: UnixSeconds,
  origin: string,
): Promise<IssuedCertificate[]> {
  const table = parseCsv(source, CERTIFICATE_COLUMNS, CERTIFICATE_OPTIONAL);
  if (table.records.length === 0)
    throw new AuthorityError('INPUT_INVALID', 'the file has a header but no certificates');
  const problems = new Problems();
  const inputs: CertificateInput[] = [];
  for (const { line, cells } of table.records) {
    try {
      const input = certificateInput(cells);
      prepareCertificate(dataDir, input, now); // validates (and signs once, thrown away) before anything is stored
      inputs.push(input);
    } catch (e) {
      problems.add(line, e);
    }
  }
  if (problems.count > 0) problems.fail();
  return db.transaction(async (tx) => {
    const issued: IssuedCertificate[] = [];
    for (const input of inputs) issued.push(await issueCertificate(tx, dataDir, input, now, { origin }));
    return issued;
  });
}
