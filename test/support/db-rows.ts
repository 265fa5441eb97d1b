/**
 * What a server's database holds, table by table, as text: for tests that prove something is NOT stored readably
 * (a case upload adds only ciphertext). Every table of the public schema, every row as JSON.
 */
import type { Queryable } from '../../server/db';

export type RowSnapshot = ReadonlyMap<string, ReadonlySet<string>>;

export async function snapshotRows(db: Queryable): Promise<RowSnapshot> {
  const tables = await db.query<{ name: string }>(
    `select table_name as name from information_schema.tables
     where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`,
  );
  const snapshot = new Map<string, Set<string>>();
  for (const { name } of tables) {
    const rows = await db.query(`select * from "${name.replaceAll('"', '""')}"`);
    snapshot.set(name, new Set(rows.map((r) => JSON.stringify(r))));
  }
  return snapshot;
}

/** Rows in `after` that `before` did not have (new, or changed in any column), by table; empty tables left out. */
export function rowsAddedSince(before: RowSnapshot, after: RowSnapshot): Map<string, string[]> {
  const added = new Map<string, string[]>();
  for (const [table, rows] of after) {
    const old = before.get(table) ?? new Set<string>();
    const fresh = [...rows].filter((r) => !old.has(r));
    if (fresh.length > 0) added.set(table, fresh);
  }
  return added;
}

/** Every stand-alone whole number of 9–11 digits in `text`: Unix seconds, in whatever column keeps them. */
export const timesIn = (text: string): number[] =>
  [...text.matchAll(/(?<![\w-])\d{9,11}(?![\w-])/g)].map((m) => Number(m[0]));
