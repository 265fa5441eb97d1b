/**
 * SMART Health Cards in the certificates store: kept as their `shc:/` text(s), one part per line, decoded again
 * on every read (an altered text is quarantined), in the recycle bin like any certificate, and in the export
 * file as their texts, decoded again on import — also on a fresh start, which loads the card decoder first.
 */
import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isShc } from '../../src/core/held-certificate';
import { decodeShc } from '../../src/core/held-shc';
import type { ExportFile } from '../../src/store';
import { NOW } from '../support/authority';
import { bigPayload, makeShcIssuer, shcQr } from '../support/shc-sign';
import { cert, closeAll, codeOf, freshStore, must } from './helpers';

afterEach(closeAll);

// Not trusted by any bundle: the store keeps what decodes; whether it counts is decided at the door.
const issuer = makeShcIssuer();
const card = () => {
  const texts = shcQr(issuer, bigPayload(2400));
  const d = decodeShc(texts.join('\n'));
  if (!d.ok) throw new Error(d.error.code);
  return d.value;
};

describe('cards in the certificates store', () => {
  it('saves a chunked card beside a Singgah certificate; its parts come back in order, text for text', async () => {
    const { store } = freshStore();
    const c = card();
    expect(c.code.split('\n')).toHaveLength(3);
    expect(must(await store.saveCertificate(c, NOW)).record).toMatchObject({ contentId: c.contentId, code: c.code });
    expect(must(await store.saveCertificate(c, NOW + 5)).alreadySaved).toBe(true);
    must(await store.saveCertificate(cert(1), NOW));
    const list = must(await store.listCertificates());
    expect(list.quarantined).toEqual([]);
    expect(list.certificates.find((x) => isShc(x.signed))?.signed).toEqual(c);
  });

  it('quarantines a card whose text was altered, and keeps everything else', async () => {
    const { name, store } = freshStore();
    const c = card();
    must(await store.saveCertificate(c, NOW));
    must(await store.saveCertificate(cert(1), NOW));
    const db = await openDB(name);
    const record = await db.get('certificates', c.contentId);
    await db.put('certificates', { ...record, code: record.code.replace(/\d\d$/, '99') });
    db.close();
    const list = must(await store.listCertificates());
    expect(list.quarantined.map((q) => q.reason)).toEqual(['CERTIFICATE_UNREADABLE']);
    expect(list.certificates).toHaveLength(1);
  });

  it('goes to the recycle bin and back', async () => {
    const { store } = freshStore();
    const c = card();
    must(await store.saveCertificate(c, NOW));
    must(await store.deleteCertificate(c.contentId, NOW));
    expect(must(await store.listCertificates()).certificates).toEqual([]);
    expect(must(await store.listRecycleBin()).certificates.map((x) => x.signed)).toEqual([c]);
    must(await store.restoreCertificate(c.contentId));
    expect(must(await store.listCertificates()).certificates.map((x) => x.signed)).toEqual([c]);
  });

  it('exports the texts and imports them on another phone, decoded again; a broken one rejects the file', async () => {
    const { store } = freshStore();
    const c = card();
    must(await store.saveCertificate(c, NOW));
    const file = must(await store.exportAll(NOW));
    expect(file.certificates.map((x) => x.code)).toEqual([c.code]);
    const { store: other } = freshStore();
    expect(must(await other.importAll(JSON.stringify(file), NOW)).certificates).toBe(1);
    expect(must(await other.listCertificates()).certificates[0].signed).toEqual(c);

    const broken: ExportFile = { ...file, certificates: [{ ...file.certificates[0], code: c.code.split('\n')[0] }] };
    const { store: third } = freshStore();
    expect(codeOf(await third.importAll(JSON.stringify(broken), NOW))).toBe('IMPORT_CERTIFICATE_INVALID');
    expect(must(await third.listCertificates()).certificates).toEqual([]);
  });

  it('reads a stored card back on a fresh start, loading the card decoder first (none quarantined)', async () => {
    const { name, store } = freshStore();
    const c = card();
    must(await store.saveCertificate(c, NOW));
    store.close();
    vi.resetModules();
    const codec = await import('../../src/core/dcc-codec');
    const { createStore } = await import('../../src/store');
    expect(codec.installedShcCodec()).toBeUndefined();
    const again = createStore({ name });
    const list = must(await again.listCertificates());
    again.close();
    expect(list.quarantined).toEqual([]);
    expect(list.certificates.map((x) => x.signed.code)).toEqual([c.code]);
    expect(codec.installedShcCodec()).toBeDefined();
  });
});
