/**
 * "Export all my data" and its import on another phone (the file format: export-format.ts). An import is all or
 * nothing: every record is checked before the one durable transaction that adds what is not there yet.
 */
import * as v from 'valibot';
import { decodeHeldCertificate } from '../core/dcc-codec';
import { loadCodecsFor } from '../core/dcc-codec-load';
import { identityOf } from '../core/held-certificate';
import type { UnixSeconds } from '../core/schema';
import { decodeVenue } from '../core/venue';
import { RECYCLE_BIN_SECONDS } from './certificates';
import { describeError } from './connection';
import type { StoreContext } from './context';
import {
  EXPORT_FORMAT,
  EXPORT_VERSION,
  type ExportFile,
  exportFileSchema,
  type ImportSummary,
  MAX_IMPORT_BYTES,
} from './export-format';
import { checkAll } from './quarantine';
import { checkCertificate, checkCheckIn, checkOutbox } from './records';
import { fail, ok, type StoreResult } from './result';
import type { CertificateRecord, CheckInRecord } from './schema';

export interface TransferRepo {
  /**
   * Everything personal, as a plain JSON-able object (ExportFile): certificates by their signed code (recycle
   * bin included, with deletedAt), check-ins and the outbox. Read in one transaction (a consistent snapshot);
   * records failing their check are quarantined and left out.
   */
  exportAll(now: UnixSeconds): Promise<StoreResult<ExportFile>>;
  /**
   * Import an export file (the text as read): size cap before parsing, strict format check, every certificate
   * code decoded again and every venue code checked against the visit's venue id and name — any failure
   * rejects the whole file with a code, importing nothing. Then one durable transaction adds what is not there
   * yet (same contentId / check-in id / [id, op] → kept as stored): importing the same file twice adds nothing.
   * Recycle-bin entries already older than 30 days at `now` are not imported.
   */
  importAll(text: string, now: UnixSeconds): Promise<StoreResult<ImportSummary>>;
}

export function createTransferRepo(ctx: StoreContext): TransferRepo {
  const { run, quarantine } = ctx;

  async function exportAll(now: UnixSeconds): Promise<StoreResult<ExportFile>> {
    const r = await run(['certificates', 'checkins', 'outbox'], 'readonly', async (tx) => {
      const all = <N extends 'certificates' | 'checkins' | 'outbox'>(n: N) =>
        Promise.all([tx.objectStore(n).getAllKeys(), tx.objectStore(n).getAll()]);
      const [c, k, o] = await Promise.all([all('certificates'), all('checkins'), all('outbox')]);
      await loadCodecsFor(c[1]);
      return {
        certificates: checkAll('certificates', c[0], c[1], checkCertificate),
        checkins: checkAll('checkins', k[0], k[1], checkCheckIn),
        outbox: checkAll('outbox', o[0], o[1], checkOutbox),
      };
    });
    if (!r.ok) return r;
    const { certificates, checkins, outbox } = r.value;
    await quarantine([...certificates.problems, ...checkins.problems, ...outbox.problems]);
    return ok({
      format: EXPORT_FORMAT,
      version: EXPORT_VERSION,
      exportedAt: now,
      certificates: certificates.good.map(({ record }) => ({
        code: record.code,
        importedAt: record.importedAt,
        ...(record.deletedAt !== undefined ? { deletedAt: record.deletedAt } : {}),
        ...(record.person !== undefined ? { person: record.person } : {}),
      })),
      checkins: checkins.good.map((c) => ({ ...c, people: [...c.people] })),
      outbox: outbox.good.map((o) => ({ ...o })),
    });
  }

  async function importAll(text: string, now: UnixSeconds): Promise<StoreResult<ImportSummary>> {
    if (typeof text !== 'string') return fail('IMPORT_INVALID', 'not text');
    if (text.length > MAX_IMPORT_BYTES) return fail('IMPORT_TOO_LARGE', `${text.length} characters`);
    if (text.length * 3 > MAX_IMPORT_BYTES) {
      const bytes = new TextEncoder().encode(text).length;
      if (bytes > MAX_IMPORT_BYTES) return fail('IMPORT_TOO_LARGE', `${bytes} bytes`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      return fail('IMPORT_INVALID', describeError(e));
    }
    const parsed = v.safeParse(exportFileSchema, json);
    if (!parsed.success) {
      const issue = parsed.issues[0];
      return fail('IMPORT_INVALID', `${issue.path?.map((p) => String(p.key)).join('.') ?? ''}: ${issue.message}`);
    }
    const file = parsed.output;

    const certificates = new Map<string, CertificateRecord>();
    // Not loaded (offline, chunk missing): every HC1 code is then refused below, the whole file with it.
    await loadCodecsFor(file.certificates).catch(() => {});
    for (const [i, c] of file.certificates.entries()) {
      const decoded = decodeHeldCertificate(c.code);
      if (!decoded.ok) return fail('IMPORT_CERTIFICATE_INVALID', `certificates.${i}: ${decoded.error.code}`);
      if (c.deletedAt !== undefined && c.deletedAt < now - RECYCLE_BIN_SECONDS) continue;
      const id = identityOf(decoded.value);
      if (certificates.has(id.contentId)) continue;
      certificates.set(id.contentId, {
        ...id,
        code: decoded.value.code,
        importedAt: c.importedAt,
        ...(c.person !== undefined ? { person: c.person } : {}),
        ...(c.deletedAt !== undefined ? { deletedAt: c.deletedAt } : {}),
      });
    }
    const checkins = new Map<string, CheckInRecord>();
    for (const [i, c] of file.checkins.entries()) {
      const venue = decodeVenue(c.venueCode);
      if (!venue.ok) return fail('IMPORT_INVALID', `checkins.${i}.venueCode: ${venue.error.code}`);
      if (venue.value.venue.id !== c.venueId || venue.value.venue.name !== c.venueName)
        return fail('IMPORT_INVALID', `checkins.${i}: venue does not match its code`);
      if (c.autoCheckOutAt < c.checkedInAt || (c.checkedOutAt !== undefined && c.checkedOutAt < c.checkedInAt))
        return fail('IMPORT_INVALID', `checkins.${i}: ends before it begins`);
      if (!checkins.has(c.id)) checkins.set(c.id, c);
    }
    for (const [i, o] of file.outbox.entries())
      if (!checkins.has(o.id)) return fail('IMPORT_INVALID', `outbox.${i}: no such check-in in the file`);

    return run(
      ['certificates', 'checkins', 'outbox'],
      'readwrite',
      async (tx) => {
        const added = { certificates: 0, checkins: 0, outbox: 0 };
        const certStore = tx.objectStore('certificates');
        for (const record of certificates.values())
          if ((await certStore.getKey(record.contentId)) === undefined) {
            await certStore.add(record);
            added.certificates++;
          }
        const checkinStore = tx.objectStore('checkins');
        for (const record of checkins.values())
          if ((await checkinStore.getKey(record.id)) === undefined) {
            await checkinStore.add(record);
            added.checkins++;
          }
        const outboxStore = tx.objectStore('outbox');
        for (const o of file.outbox)
          if ((await outboxStore.getKey([o.id, o.op])) === undefined) {
            await outboxStore.add(o);
            added.outbox++;
          }
        return added;
      },
      'strict',
    );
  }

  return { exportAll, importAll };
}
