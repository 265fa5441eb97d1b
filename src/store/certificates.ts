/**
 * The wallet and its recycle bin. A certificate is stored as its QR code, the source of truth, and decoded again
 * on every read (records.ts checkCertificate); deleting moves it to the recycle bin (`deletedAt`), restorable for
 * RECYCLE_BIN_SECONDS. Every write is one durable transaction.
 */
import { loadCodecsFor } from '../core/dcc-codec-load';
import { type HeldCertificate, identityOf, issuedAtOf } from '../core/held-certificate';
import type { UnixSeconds } from '../core/schema';
import { NotFound } from './connection';
import type { StoreContext } from './context';
import { checkAll } from './quarantine';
import { checkCertificate, type StoredCertificate } from './records';
import { ok, type QuarantinedItem, type StoreResult } from './result';
import type { CertificateRecord } from './schema';

/** Deleted certificates stay restorable this long. */
export const RECYCLE_BIN_SECONDS = 30 * 86_400;

export interface CertificateList {
  readonly certificates: readonly StoredCertificate[];
  readonly quarantined: readonly QuarantinedItem[];
}

export interface CertificateRepo {
  /**
   * Save a decoded (and, by the caller, verified) certificate. Saving the same one again is a no-op; saving one
   * that is in the recycle bin restores it (`alreadySaved: false`: it is back in the wallet).
   */
  saveCertificate(
    signed: HeldCertificate,
    now: UnixSeconds,
    person?: string,
  ): Promise<StoreResult<{ record: CertificateRecord; alreadySaved: boolean }>>;
  /**
   * The wallet: every stored certificate not in the recycle bin, decoded again from its code (newest issued
   * first). A record that fails its check (shape, code no longer decodes, code does not match) is quarantined.
   */
  listCertificates(): Promise<StoreResult<CertificateList>>;
  /** Deleted certificates still restorable, most recently deleted first. */
  listRecycleBin(): Promise<StoreResult<CertificateList>>;
  /** Move a certificate to the recycle bin (durable). Deleting it again keeps the first deletedAt. */
  deleteCertificate(contentId: string, now: UnixSeconds): Promise<StoreResult<CertificateRecord>>;
  /** Take a certificate out of the recycle bin (durable). */
  restoreCertificate(contentId: string): Promise<StoreResult<CertificateRecord>>;
  /** Delete for good what was put in the recycle bin more than 30 days before `now`. Returns how many. */
  purgeRecycleBin(now: UnixSeconds): Promise<StoreResult<number>>;
}

export function createCertificateRepo(ctx: StoreContext): CertificateRepo {
  const { run, quarantine } = ctx;

  async function saveCertificate(
    signed: HeldCertificate,
    now: UnixSeconds,
    person?: string,
  ): Promise<StoreResult<{ record: CertificateRecord; alreadySaved: boolean }>> {
    const record: CertificateRecord = {
      ...identityOf(signed),
      code: signed.code,
      importedAt: now,
      ...(person !== undefined ? { person } : {}),
    };
    return run(
      ['certificates'],
      'readwrite',
      async (tx) => {
        const store = tx.objectStore('certificates');
        const existing = await store.get(record.contentId);
        if (existing && existing.deletedAt !== undefined) {
          const { deletedAt: _, ...restored } = existing;
          await store.put(restored);
          return { record: restored, alreadySaved: false };
        }
        if (existing) return { record: existing, alreadySaved: true };
        await store.add(record);
        return { record, alreadySaved: false };
      },
      'strict',
    );
  }

  async function readCertificates(deleted: boolean) {
    return run(['certificates'], 'readonly', async (tx) => {
      const source = deleted ? tx.objectStore('certificates').index('by-deletedAt') : tx.objectStore('certificates');
      const [keys, values] = await Promise.all([
        deleted ? tx.objectStore('certificates').index('by-deletedAt').getAllKeys() : source.getAllKeys(),
        source.getAll(),
      ]);
      await loadCodecsFor(values);
      return checkAll('certificates', keys, values, checkCertificate);
    });
  }

  async function listCertificates(): Promise<StoreResult<CertificateList>> {
    const r = await readCertificates(false);
    if (!r.ok) return r;
    const quarantined = await quarantine(r.value.problems);
    const certificates = r.value.good
      .filter((c) => c.record.deletedAt === undefined)
      .sort((a, b) => issuedAtOf(b.signed) - issuedAtOf(a.signed));
    return ok({ certificates, quarantined });
  }

  async function listRecycleBin(): Promise<StoreResult<CertificateList>> {
    const r = await readCertificates(true);
    if (!r.ok) return r;
    const quarantined = await quarantine(r.value.problems);
    const certificates = r.value.good.sort((a, b) => (b.record.deletedAt ?? 0) - (a.record.deletedAt ?? 0));
    return ok({ certificates, quarantined });
  }

  /** Durable read-modify-write of one certificate record; `change` returns undefined for "nothing to do". */
  function changeCertificate(
    contentId: string,
    change: (current: CertificateRecord) => CertificateRecord | undefined,
  ): Promise<StoreResult<CertificateRecord>> {
    return run(
      ['certificates'],
      'readwrite',
      async (tx) => {
        const store = tx.objectStore('certificates');
        const current = await store.get(contentId);
        if (!current) throw new NotFound('CERTIFICATE_NOT_FOUND', contentId);
        const next = change(current);
        if (next) await store.put(next);
        return next ?? current;
      },
      'strict',
    );
  }

  const deleteCertificate = (contentId: string, now: UnixSeconds) =>
    changeCertificate(contentId, (c) => (c.deletedAt === undefined ? { ...c, deletedAt: now } : undefined));

  const restoreCertificate = (contentId: string) =>
    changeCertificate(contentId, ({ deletedAt, ...restored }) => (deletedAt === undefined ? undefined : restored));

  async function purgeRecycleBin(now: UnixSeconds): Promise<StoreResult<number>> {
    return run(
      ['certificates'],
      'readwrite',
      async (tx) => {
        let n = 0;
        let cursor = await tx
          .objectStore('certificates')
          .index('by-deletedAt')
          .openCursor(IDBKeyRange.upperBound(now - RECYCLE_BIN_SECONDS, true));
        while (cursor) {
          await cursor.delete();
          n++;
          cursor = await cursor.continue();
        }
        return n;
      },
      'strict',
    );
  }

  return {
    saveCertificate,
    listCertificates,
    listRecycleBin,
    deleteCertificate,
    restoreCertificate,
    purgeRecycleBin,
  };
}
