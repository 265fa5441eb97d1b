/**
 * EU DCCs in the certificates store: kept as their `HC1:` text byte for byte, decoded again on every read
 * (a record whose text no longer matches is quarantined), in the recycle bin like any certificate, and in the
 * export file as their text, decoded again on import.
 */
import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isDcc } from '../../src/core/held-certificate';
import { decodeDcc } from '../../src/core/held-dcc';
import type { ExportFile } from '../../src/store';
import { DAY, NOW } from '../support/authority';
import { makeSigner, PAYLOADS, signDcc } from '../support/dcc-sign';
import { cert, closeAll, codeOf, freshStore, must } from './helpers';

afterEach(closeAll);

// Not trusted by any bundle: the store keeps what decodes; whether it counts is decided at the door.
const signer = makeSigner('ES256', { country: 'DE' });
const dcc = (ci = PAYLOADS.v.v[0].ci) => {
  const text = signDcc({
    by: signer,
    payload: { ...PAYLOADS.v, v: [{ ...PAYLOADS.v.v[0], ci }] },
    iat: NOW - DAY,
    exp: NOW + 300 * DAY,
  });
  const d = decodeDcc(text);
  if (!d.ok) throw new Error(d.error.code);
  return d.value;
};

describe('DCCs in the certificates store', () => {
  it('saves and lists a DCC beside a Singgah certificate; its text comes back byte for byte', async () => {
    const { store } = freshStore();
    const d = dcc();
    const s = cert(1);
    expect(must(await store.saveCertificate(d, NOW)).record).toEqual({
      contentId: d.contentId,
      code: d.code,
      kind: 'vaccination',
      holderKey: 'eu-dcc|BUDI SANTOSO|1980-02-03',
      importedAt: NOW,
    });
    expect(must(await store.saveCertificate(d, NOW + 5)).alreadySaved).toBe(true);
    must(await store.saveCertificate(s, NOW));
    const list = must(await store.listCertificates());
    expect(list.quarantined).toEqual([]);
    const back = list.certificates.find((c) => isDcc(c.signed));
    expect(back?.signed.code).toBe(d.code);
    expect(back?.signed).toEqual(d);
    expect(list.certificates.filter((c) => !isDcc(c.signed))).toHaveLength(1);
  });

  it('quarantines a DCC record whose text was altered or no longer matches its record', async () => {
    const { name, store } = freshStore();
    const a = dcc();
    const b = dcc('URN:UVCI:01:ID:OTHER#X');
    must(await store.saveCertificate(a, NOW));
    must(await store.saveCertificate(b, NOW));
    const db = await openDB(name);
    const recA = await db.get('certificates', a.contentId);
    await db.put('certificates', { ...recA, code: `${a.code.slice(0, -3)}AAA` });
    const recB = await db.get('certificates', b.contentId);
    // A valid DCC, but not the one this record was made from.
    await db.put('certificates', { ...recB, code: a.code });
    db.close();
    const list = must(await store.listCertificates());
    expect(list.certificates).toEqual([]);
    expect(list.quarantined.map((q) => [q.key, q.reason]).sort()).toEqual(
      [
        [a.contentId, 'CERTIFICATE_UNREADABLE'],
        [b.contentId, 'CERTIFICATE_MISMATCH'],
      ].sort(),
    );
  });

  it('goes to the recycle bin, is restored, and is purged after 30 days like any certificate', async () => {
    const { store } = freshStore();
    const d = dcc();
    must(await store.saveCertificate(d, NOW));
    must(await store.deleteCertificate(d.contentId, NOW));
    expect(must(await store.listCertificates()).certificates).toEqual([]);
    expect(must(await store.listRecycleBin()).certificates.map((c) => c.signed.code)).toEqual([d.code]);
    must(await store.restoreCertificate(d.contentId));
    expect(must(await store.listCertificates()).certificates).toHaveLength(1);
    must(await store.deleteCertificate(d.contentId, NOW));
    expect(must(await store.purgeRecycleBin(NOW + 31 * DAY))).toBe(1);
    expect(must(await store.listRecycleBin()).certificates).toEqual([]);
  });

  it('exports the HC1 text and imports it on another phone, decoded again; a broken one rejects the file', async () => {
    const { store } = freshStore();
    const d = dcc();
    must(await store.saveCertificate(d, NOW));
    must(await store.saveCertificate(cert(2), NOW));
    const file = must(await store.exportAll(NOW));
    expect(file.certificates.map((c) => c.code)).toContain(d.code);
    const text = JSON.stringify(file);

    const { store: other } = freshStore();
    expect(must(await other.importAll(text, NOW))).toEqual({ certificates: 2, checkins: 0, outbox: 0 });
    const back = must(await other.listCertificates()).certificates.find((c) => isDcc(c.signed));
    expect(back?.signed).toEqual(d);
    expect(must(await other.importAll(text, NOW)).certificates).toBe(0);

    // The person the user chose for an ambiguous holder travels with it.
    const { store: chooser } = freshStore();
    must(await chooser.saveCertificate(d, NOW, 'santoso budi|1980-02-03'));
    const withChoice = must(await chooser.exportAll(NOW));
    expect(withChoice.certificates[0].person).toBe('santoso budi|1980-02-03');
    const { store: fourth } = freshStore();
    must(await fourth.importAll(JSON.stringify(withChoice), NOW));
    expect(must(await fourth.listCertificates()).certificates[0].record.person).toBe('santoso budi|1980-02-03');

    const broken: ExportFile = {
      ...file,
      certificates: file.certificates.map((c) => (c.code === d.code ? { ...c, code: 'HC1:%%%' } : c)),
    };
    const { store: third } = freshStore();
    expect(codeOf(await third.importAll(JSON.stringify(broken), NOW))).toBe('IMPORT_CERTIFICATE_INVALID');
    expect(must(await third.listCertificates()).certificates).toEqual([]);
  });

  it('reads a stored DCC back on a fresh start, loading the DCC decoder first (none quarantined)', async () => {
    const { name, store } = freshStore();
    const d = dcc();
    must(await store.saveCertificate(d, NOW));
    store.close();
    // A fresh module graph: the app as it starts, nothing has loaded the DCC decoder yet.
    vi.resetModules();
    const codec = await import('../../src/core/dcc-codec');
    const { createStore } = await import('../../src/store');
    expect(codec.installedDccCodec()).toBeUndefined();
    const again = createStore({ name });
    const list = must(await again.listCertificates());
    again.close();
    expect(list.quarantined).toEqual([]);
    expect(list.certificates.map((c) => c.signed.code)).toEqual([d.code]);
    expect(codec.installedDccCodec()).toBeDefined();
  });
});
