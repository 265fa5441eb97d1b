/**
 * Store fixtures: a populated IndexedDB database of one schema version, as JSON (fake-indexeddb has no file
 * format). Written by scripts/make-store-fixtures.ts into test/store/fixtures/v<N>.json, loaded by
 * test/store/migrations.test.ts, which recreates the database with that version's migration steps only and then
 * opens it with the current code.
 */
import { type IDBPDatabase, openDB } from 'idb';
import { migrate, type SinggahDB } from '../../src/store';

export interface StoreFixture {
  /** The schema version the database was at. */
  readonly version: number;
  readonly description: string;
  /** Every object store of that version: its records with their keys, in key order. */
  readonly stores: Readonly<Record<string, readonly { readonly key: IDBValidKey; readonly value: unknown }[]>>;
}

/** Dump every store of a database (any version) as it is. */
export async function dumpDatabase(name: string, description: string): Promise<StoreFixture> {
  const db = await openDB(name);
  const stores: Record<string, { key: IDBValidKey; value: unknown }[]> = {};
  for (const store of [...db.objectStoreNames].sort()) {
    const tx = db.transaction(store);
    const [keys, values] = await Promise.all([tx.store.getAllKeys(), tx.store.getAll()]);
    stores[store] = keys.map((key, i) => ({ key, value: values[i] }));
    await tx.done;
  }
  const version = db.version;
  db.close();
  return { version, description, stores };
}

/** Recreate a fixture's database exactly at its version (migration steps 1..version), then write its records. */
export async function loadFixture(name: string, fixture: StoreFixture): Promise<void> {
  const typed = await openDB<SinggahDB>(name, fixture.version, {
    upgrade: (d, oldVersion, _newVersion, tx) => migrate(d, oldVersion, tx, fixture.version),
  });
  // The fixture's stores are those of its version, not necessarily the current typed schema's.
  const db = typed as unknown as IDBPDatabase;
  const storeNames = Object.keys(fixture.stores);
  const tx = db.transaction(storeNames, 'readwrite');
  for (const store of storeNames) {
    const os = tx.objectStore(store);
    for (const { key, value } of fixture.stores[store] ?? []) {
      // In-line keys (keyPath) come from the value; out-of-line ones (meta) are given.
      if (os.keyPath === null && !os.autoIncrement) await os.put(value, key);
      else await os.put(value);
    }
  }
  await tx.done;
  db.close();
}
