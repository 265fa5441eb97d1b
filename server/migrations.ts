/**
 * Append-only schema migrations. Never edit or reorder an entry that has shipped: add a new one.
 * Each pending migration runs in its own transaction together with its row in `schema_migrations`,
 * under an advisory lock so that replicas starting together against one PostgreSQL apply it once.
 */
import type { Db } from './db';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: readonly string[];
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'venues and issued certificates',
    sql: [
      `create table venues (
        id text primary key,
        name text not null,
        address text not null,
        category text not null,
        region text not null,
        capacity integer not null check (capacity >= 0),
        stay_minutes integer not null check (stay_minutes between 1 and 1440),
        code text not null,
        demo boolean not null default false,
        created_at timestamptz not null default now()
      )`,
      `create table issued_certificates (
        id text primary key,
        kind text not null check (kind in ('vaccination', 'test', 'recovery')),
        holder_name text not null,
        holder_birth_date text not null,
        code text not null,
        demo boolean not null default false,
        created_at timestamptz not null default now()
      )`,
      'create index issued_certificates_demo on issued_certificates (demo) where demo',
    ],
  },
];

const LOCK_ID = 736_544_201; // arbitrary, constant: "singgah migrations"

/** Applies pending migrations; returns the versions applied now. */
export async function migrate(db: Db, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  for (let i = 0; i < migrations.length; i++) {
    if (migrations[i].version !== i + 1) throw new Error(`migration #${i} must have version ${i + 1}`);
  }
  await db.query(
    `create table if not exists schema_migrations (
      version integer primary key,
      name text not null,
      applied_at timestamptz not null default now()
    )`,
  );
  const current = await schemaVersion(db);
  if (current > migrations.length) {
    throw new Error(`the database schema (version ${current}) is newer than this server knows (${migrations.length})`);
  }
  const applied: number[] = [];
  for (const m of migrations) {
    const done = await db.transaction(async (tx) => {
      await tx.query('select pg_advisory_xact_lock($1)', [LOCK_ID]);
      const seen = await tx.query('select 1 from schema_migrations where version = $1', [m.version]);
      if (seen.length > 0) return false;
      for (const statement of m.sql) await tx.query(statement);
      await tx.query('insert into schema_migrations (version, name) values ($1, $2)', [m.version, m.name]);
      return true;
    });
    if (done) applied.push(m.version);
  }
  return applied;
}

export async function schemaVersion(db: Db): Promise<number> {
  const rows = await db.query<{ v: number | null }>('select max(version) as v from schema_migrations');
  return rows[0]?.v ?? 0;
}
