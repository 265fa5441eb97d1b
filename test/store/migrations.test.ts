/**
 * Migration matrix: for every schema version ever shipped there is a fixture (scripts/make-store-fixtures.ts)
 * of a populated database — every store, a non-empty outbox. Each is recreated with that version's own
 * migration steps, then opened with the current code: everything is there and valid, the new stores exist.
 */
import 'fake-indexeddb/auto';
import { readdirSync, readFileSync } from 'node:fs';
import { openDB } from 'idb';
import { afterEach, describe, expect, it } from 'vitest';
import { createStore, DB_VERSION, migrations, type Store, type StoreEvent } from '../../src/store';
import { loadFixture, type StoreFixture } from '../support/store-fixtures';

const dir = new URL('./fixtures/', import.meta.url);
const fixtures = readdirSync(dir)
  .filter((f) => /^v\d+\.json$/.test(f))
  .map((f) => JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as StoreFixture)
  .sort((a, b) => a.version - b.version);

const open: Store[] = [];
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});
let n = 0;
const dbName = (v: number) => `migration-v${v}-${++n}-${Math.random().toString(36).slice(2)}`;
const must = <T>(r: { ok: true; value: T } | { ok: false; error: { code: string } }): T => {
  if (!r.ok) throw new Error(`expected ok, got ${r.error.code}`);
  return r.value;
};
type Rec = Record<string, unknown>;
const values = (f: StoreFixture, store: string) => (f.stores[store] ?? []).map((r) => r.value as Rec);
const byKey = (a: { id?: unknown; op?: unknown }, b: { id?: unknown; op?: unknown }) =>
  JSON.stringify([a.id, a.op]).localeCompare(JSON.stringify([b.id, b.op]));

describe('migration fixtures', () => {
  it('there is one fixture per shipped schema version, and one migration step per version', () => {
    expect(migrations).toHaveLength(DB_VERSION);
    expect(fixtures.map((f) => f.version)).toEqual(Array.from({ length: DB_VERSION }, (_, i) => i + 1));
    for (const f of fixtures) {
      expect(values(f, 'outbox').length).toBeGreaterThan(0);
      for (const store of ['certificates', 'checkins', 'meta']) expect(values(f, store).length).toBeGreaterThan(0);
    }
  });

  for (const fixture of fixtures) {
    it(`v${fixture.version} → v${DB_VERSION}: every record is there and valid, new stores exist`, async () => {
      const name = dbName(fixture.version);
      await loadFixture(name, fixture);
      const quarantined: unknown[] = [];
      const store = createStore({ name, onQuarantine: (items) => quarantined.push(...items) });
      open.push(store);

      // Certificates decode again and match; the recycle bin keeps what was deleted.
      const certs = values(fixture, 'certificates');
      const wallet = must(await store.listCertificates());
      const bin = must(await store.listRecycleBin());
      expect(wallet.quarantined).toEqual([]);
      expect(wallet.certificates.map((c) => c.record).sort((a, b) => a.contentId.localeCompare(b.contentId))).toEqual(
        certs
          .filter((c) => c.deletedAt === undefined)
          .sort((a, b) => String(a.contentId).localeCompare(String(b.contentId))),
      );
      expect(bin.certificates.map((c) => c.record)).toEqual(certs.filter((c) => c.deletedAt !== undefined));
      for (const c of wallet.certificates) expect(c.signed.code).toBe(c.record.code);

      // Check-ins newest first, equal; outbox equal.
      const checkins = values(fixture, 'checkins');
      const history = must(await store.listCheckIns());
      expect(history.quarantined).toEqual([]);
      expect(history.items).toEqual(
        [...checkins].sort(
          (a, b) => Number(b.checkedInAt) - Number(a.checkedInAt) || String(b.id).localeCompare(String(a.id)),
        ),
      );
      const outbox = must(await store.listOutbox());
      expect([...outbox.items].sort(byKey)).toEqual([...values(fixture, 'outbox')].sort(byKey));

      // Meta: bundle, trusted time, roots.
      const meta = new Map((fixture.stores.meta ?? []).map((r) => [r.key, r.value]));
      const bundle = must(await store.loadBundle());
      expect(bundle.bundle).toEqual(meta.get('bundle'));
      expect(bundle.trustedTime).toBe(meta.get('trustedTime'));
      expect(bundle.checkedAt).toBe(meta.get('bundleCheckedAt'));
      expect(must(await store.loadRoots())).toEqual(meta.get('roots') ?? []);
      expect(quarantined).toEqual([]);

      // Quarantine exists (and keeps what an earlier version quarantined); the new indexes are usable.
      expect(must(await store.listQuarantine())).toHaveLength((fixture.stores.quarantine ?? []).length);
      const page = must(await store.listCheckInsPage({ limit: 1 }));
      expect(page.items).toEqual(history.items.slice(0, 1));
      store.close();
      const raw = await openDB(name);
      expect(raw.version).toBe(DB_VERSION);
      expect([...raw.objectStoreNames].sort()).toEqual(['certificates', 'checkins', 'meta', 'outbox', 'quarantine']);
      raw.close();

      // The upgrade changed no record: every store holds exactly the fixture's records.
      for (const s of ['certificates', 'checkins', 'outbox', 'meta']) {
        const db = await openDB(name);
        expect(await db.getAll(s)).toEqual((fixture.stores[s] ?? []).map((r) => r.value));
        db.close();
      }
    });
  }
});

describe('upgrading while an older tab is open', () => {
  const v1 = fixtures.find((f) => f.version === 1) as StoreFixture;

  it('the old connection gets versionchange, closes, and the upgrade completes', async () => {
    const name = dbName(1);
    await loadFixture(name, v1);
    let versionchange = 0;
    // An old tab running v1 code: closes on versionchange, as the store's `blocking` handler does.
    const old = await openDB(name, 1, {
      blocking: (_current, _next, event) => {
        versionchange++;
        (event.target as IDBDatabase).close();
      },
    });
    const events: StoreEvent[] = [];
    const store = createStore({ name, onEvent: (e) => events.push(e) });
    open.push(store);
    expect(must(await store.listCheckIns()).items).toHaveLength(values(v1, 'checkins').length);
    expect(versionchange).toBe(1);
    expect(events).not.toContain('blocked');
    // The old tab can no longer use its connection (it tells the user to reload).
    expect(() => old.transaction('checkins')).toThrow();
  });

  it('an old tab that does not close: the upgrade reports blocked and settles, never hangs; it completes later', async () => {
    const name = dbName(1);
    await loadFixture(name, v1);
    const old = await openDB(name, 1); // ignores versionchange
    const events: StoreEvent[] = [];
    const store = createStore({ name, onEvent: (e) => events.push(e), blockedTimeoutMs: 100 });
    open.push(store);
    const started = Date.now();
    const r = await store.listCheckIns();
    expect(r.ok ? undefined : r.error.code).toBe('STORAGE_UNAVAILABLE');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(events).toContain('blocked');
    // The old tab goes away: the next call upgrades, and nothing was lost.
    old.close();
    expect(must(await store.listCheckIns()).items).toHaveLength(values(v1, 'checkins').length);
    expect(must(await store.listOutbox()).items).toHaveLength(values(v1, 'outbox').length);
  });
});
