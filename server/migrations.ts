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

/**
 * Hash partitions of `checkin_events` in migration 4 (migration 7 replaced them by day partitions). Part of shipped SQL: changing it means a new migration that
 * re-partitions, never an edit (a hash partition's modulus cannot be altered in place).
 */
const CHECKIN_PARTITIONS = 8;

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
  {
    version: 2,
    name: 'venue short codes',
    // The 9 characters of a venue's short code derived from its id (src/core/short-code.ts shortCodeBody; the
    // 10th, a check character, is never stored). The backfill computes the same thing in SQL (first 45 bits of
    // SHA-256, Crockford base32); test/server/venue-lookup.test.ts checks it against core. Unique: a
    // registration that collides draws another venue id (authority/venues.ts registerVenue). The alphabet is
    // spelled out, not interpolated from core's SHORT_CODE_ALPHABET: a shipped migration must run the same SQL
    // forever.
    sql: [
      'alter table venues add column short_code_body text',
      `update venues set short_code_body = (
        select string_agg(substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', ((h.n >> (43 - 5 * i)) & 31)::int + 1, 1), '' order by i)
        from (select ('x' || left(encode(sha256(convert_to('singgah/v1/venue-short-code' || chr(10) || venues.id, 'UTF8')), 'hex'), 12))::bit(48)::bigint as n) h,
          generate_series(0, 8) as i
      )`,
      'alter table venues alter column short_code_body set not null',
      'create unique index venues_short_code_body on venues (short_code_body)',
    ],
  },
  {
    version: 3,
    name: 'sync: check-in events, notices, case codes',
    // Times are Unix seconds (bigint), as on the wire. No IP address, device id or name is stored anywhere.
    sql: [
      // One row per (id, op): the client's random id is the idempotency key; a check-out reuses its check-in's id.
      `create table checkin_events (
        id text not null check (id ~ '^[0-9a-f]{32}$'),
        op text not null check (op in ('checkin', 'checkout')),
        venue_id text,
        at bigint not null,
        auto_checkout_at bigint,
        people smallint check (people between 1 and 20),
        received_at bigint not null,
        primary key (id, op),
        check ((op = 'checkin') = (venue_id is not null and auto_checkout_at is not null and people is not null))
      )`,
      // Occupancy: active check-ins of one venue started within the last day (a stay ends within 24 h).
      `create index checkin_events_venue_at on checkin_events (venue_id, at) where op = 'checkin'`,
      // seq is allocated as max + 1 under a table lock (server/notices.ts): committed in order, no gaps.
      `create table notices (
        seq bigint primary key check (seq > 0),
        payload text not null,
        sig text not null,
        venue_id text not null,
        window_from bigint not null,
        window_to bigint not null,
        issued_at bigint not null
      )`,
      `create table case_codes (
        hash text primary key check (hash ~ '^[0-9a-f]{64}$'),
        created_at bigint not null,
        expires_at bigint not null,
        used_at bigint
      )`,
    ],
  },
  {
    version: 4,
    name: 'check-in events partitioned by hash of id',
    // Hash of id, not time: a partitioned table's unique keys must contain the partition key, so (id, op) — the
    // idempotency key `on conflict` relies on — stays the primary key and a retry lands in the partition that
    // already holds its row. Time-range partitioning (dropping a day with DROP TABLE) needs the key to become
    // (id, op, at) and is described in docs/OPERATIONS.md §8. The old table is renamed (with its indexes, whose
    // names the new table takes over), copied and dropped in this one transaction: replicas never see it half-moved.
    sql: [
      'alter table checkin_events rename to checkin_events_v3',
      'alter index checkin_events_pkey rename to checkin_events_v3_pkey',
      'alter index checkin_events_venue_at rename to checkin_events_v3_venue_at',
      `create table checkin_events (
        id text not null check (id ~ '^[0-9a-f]{32}$'),
        op text not null check (op in ('checkin', 'checkout')),
        venue_id text,
        at bigint not null,
        auto_checkout_at bigint,
        people smallint check (people between 1 and 20),
        received_at bigint not null,
        primary key (id, op),
        check ((op = 'checkin') = (venue_id is not null and auto_checkout_at is not null and people is not null))
      ) partition by hash (id)`,
      ...Array.from(
        { length: CHECKIN_PARTITIONS },
        (_, r) =>
          `create table checkin_events_p${r} partition of checkin_events for values with (modulus ${CHECKIN_PARTITIONS}, remainder ${r})`,
      ),
      // Created on the parent, so every partition gets its own copy (and any partition added later too).
      `create index checkin_events_venue_at on checkin_events (venue_id, at) where op = 'checkin'`,
      `insert into checkin_events (id, op, venue_id, at, auto_checkout_at, people, received_at)
       select id, op, venue_id, at, auto_checkout_at, people, received_at from checkin_events_v3`,
      'drop table checkin_events_v3',
    ],
  },
  {
    version: 5,
    name: 'venue codes kept for upload proofs; no time of receipt',
    // A check-in upload proves the phone holds the venue's signed QR (server/checkins.ts): the proof is checked
    // against every code the server signed for the venue, because a poster printed before a re-signing (key
    // rotation, demo-init) is still on the wall. The trigger records each code as venues gains or changes one,
    // whoever writes it. received_at stamped every row of one POST with the same time, tying a phone's outbox
    // together; nothing read it, so it goes.
    sql: [
      `create table venue_codes (
        venue_id text not null references venues (id) on delete cascade,
        code text not null,
        primary key (venue_id, code)
      )`,
      'insert into venue_codes (venue_id, code) select id, code from venues',
      `create function venue_codes_keep() returns trigger language plpgsql as $$
      begin
        insert into venue_codes (venue_id, code) values (new.id, new.code) on conflict do nothing;
        return null;
      end
      $$`,
      `create trigger venues_code_kept after insert or update of code on venues
        for each row execute function venue_codes_keep()`,
      'alter table checkin_events drop column received_at',
    ],
  },
  {
    version: 6,
    name: 'sealed case uploads',
    // A case report as the phone sealed it to the health office's key (src/core/case-seal.ts): the server keeps the
    // ciphertext, never the visits; `singgah case review` opens it offline, publishes the notices and empties
    // `sealed`, keeping the digest so the same ciphertext is never taken twice. One upload per code. The server's
    // own time of it is the hour only. Cases taken before this table existed were turned into notices at once and
    // stored nowhere else: there are no readable case rows to migrate.
    sql: [
      `create table case_uploads (
        id bigint generated always as identity primary key,
        code_hash text not null unique references case_codes (hash),
        digest text not null unique check (digest ~ '^[0-9a-f]{64}$'),
        sealed text,
        received_at bigint not null check (received_at % 3600 = 0),
        outcome text check (outcome in ('published', 'rejected')),
        check ((sealed is null) = (outcome is not null))
      )`,
      'create index case_uploads_pending on case_uploads (id) where sealed is not null',
    ],
  },
  {
    version: 7,
    name: 'check-in events partitioned by day',
    // Range partitions of one UTC day each on `at`, so retention drops a whole day (DROP TABLE: no dead rows, no
    // vacuum) instead of deleting its rows (server/checkin-partitions.ts; docs/OPERATIONS.md §8 argues the choice).
    // A partitioned table's unique keys must contain the partition key: the primary key becomes (id, op, at), and
    // ingestion looks (id, op) up across the days itself before inserting (server/checkins.ts). The hash partitions
    // of migration 4 go: a batch's random ids hit every hash bucket of every day, so they would only multiply the
    // relations each statement opens by 8. The default partition catches a row whose day has no partition (late
    // beyond retention, or a day the maintenance job has not reached); checkin_events_add_day moves such rows into
    // the day's partition when it creates it. Rows are copied after their days' partitions exist, in one
    // transaction under the migrations' lock, as migration 4 did.
    sql: [
      'alter table checkin_events rename to checkin_events_v6',
      'alter index checkin_events_pkey rename to checkin_events_v6_pkey',
      'alter index checkin_events_venue_at rename to checkin_events_v6_venue_at',
      `create table checkin_events (
        id text not null check (id ~ '^[0-9a-f]{32}$'),
        op text not null check (op in ('checkin', 'checkout')),
        venue_id text,
        at bigint not null,
        auto_checkout_at bigint,
        people smallint check (people between 1 and 20),
        primary key (id, op, at),
        check ((op = 'checkin') = (venue_id is not null and auto_checkout_at is not null and people is not null))
      ) partition by range (at)`,
      'create table checkin_events_default partition of checkin_events default',
      `create index checkin_events_venue_at on checkin_events (venue_id, at) where op = 'checkin'`,
      // Attached rather than created as a partition: ATTACH takes a lighter lock on the parent (ingestion goes on);
      // the default partition is locked for the move so no row for the day lands there before the attach.
      `create function checkin_events_add_day(day_start bigint) returns boolean language plpgsql as $$
      declare
        part text := 'checkin_events_d' || to_char(to_timestamp(day_start) at time zone 'UTC', 'YYYYMMDD');
      begin
        if day_start % 86400 <> 0 then
          raise exception 'checkin_events_add_day: % is not a UTC midnight', day_start;
        end if;
        if to_regclass(part) is not null then
          return false;
        end if;
        lock table checkin_events_default in access exclusive mode;
        execute format('create table %I (like checkin_events including defaults including constraints)', part);
        execute format(
          'with moved as (delete from checkin_events_default where at >= $1 and at < $2 returning *) '
          'insert into %I select * from moved', part) using day_start, day_start + 86400;
        execute format('alter table checkin_events attach partition %I for values from (%s) to (%s)',
          part, day_start, day_start + 86400);
        return true;
      end
      $$`,
      'select checkin_events_add_day(d) from (select distinct at / 86400 * 86400 as d from checkin_events_v6) days',
      `insert into checkin_events (id, op, venue_id, at, auto_checkout_at, people)
       select id, op, venue_id, at, auto_checkout_at, people from checkin_events_v6`,
      'drop table checkin_events_v6',
    ],
  },
  {
    version: 8,
    name: 'notices by province and day',
    // Phones read notices per province and UTC day of issue (server/notices.ts readNoticeFile), not one national
    // feed. The province is the venue's, copied here at signing so serving a file never joins venues. Notices of a
    // venue no longer registered keep a null province: no file lists them (both ways of signing need a registered
    // venue, so only rows from a deleted venue can be null). The issue-time index also answers "newest day",
    // which says whether a day's file is final.
    sql: [
      `alter table notices add column province text check (province ~ '^[1-9][0-9]$')`,
      'update notices set province = left(venues.region, 2) from venues where venues.id = notices.venue_id',
      'create index notices_province_issued on notices (province, issued_at)',
      'create index notices_issued on notices (issued_at)',
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
