/**
 * DATABASE_URL with several hosts (libpq's and pg_auto_failover's form), what counts as a lost primary, and on a
 * throwaway PostgreSQL: host order, connections cut between or during statements, read-only servers refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DbUnavailableError, isConnectionLost, openPostgres, parsePostgresUrl } from '../../server/db-postgres';
import type { Db } from '../../server/db-types';
import { type PostgresCluster, postgresSkipReason, startPostgres } from '../support/postgres';
import { freePort } from '../support/server-process';

describe('parsePostgresUrl', () => {
  it("splits pg_auto_failover's formation URI into one URL per host, read-write", () => {
    const t = parsePostgresUrl(
      'postgres://singgah:s%40cret@db-a.internal:5432,db-b.internal:6432/singgah?target_session_attrs=read-write&sslmode=verify-full',
    );
    expect(t.hostUrls).toEqual([
      'postgres://singgah:s%40cret@db-a.internal:5432/singgah?sslmode=verify-full',
      'postgres://singgah:s%40cret@db-b.internal:6432/singgah?sslmode=verify-full',
    ]);
    expect(t.labels).toEqual(['db-a.internal:5432', 'db-b.internal:6432']);
    expect(t.sessionAttrs).toBe('read-write');
  });

  it('defaults to read-write for several hosts and to any for one; IPv6 and default ports', () => {
    expect(parsePostgresUrl('postgresql://[::1]:5433,[fd00::2]/db').sessionAttrs).toBe('read-write');
    expect(parsePostgresUrl('postgresql://[::1]:5433,[fd00::2]/db').labels).toEqual(['[::1]:5433', '[fd00::2]:5432']);
    const one = parsePostgresUrl('postgres://u@127.0.0.1:5432/db');
    expect(one).toEqual({
      hostUrls: ['postgres://u@127.0.0.1:5432/db'],
      labels: ['127.0.0.1:5432'],
      sessionAttrs: 'any',
    });
    expect(parsePostgresUrl('postgres://h1,h2/db?target_session_attrs=primary').sessionAttrs).toBe('primary');
  });

  it('refuses what it cannot honour, saying why', () => {
    expect(() => parsePostgresUrl('mysql://h/db')).toThrow(/DATABASE_URL must be postgres:\/\//);
    expect(() => parsePostgresUrl('postgres://h1,,h2/db')).toThrow(/bad host list/);
    expect(() => parsePostgresUrl('postgres://h1,h2/db?target_session_attrs=prefer-standby')).toThrow(
      /prefer-standby is not supported/,
    );
  });
});

describe('isConnectionLost', () => {
  const pgError = (code: string) => Object.assign(new Error('x'), { code });
  it('is true for shutdowns, standbys, refused and cut connections', () => {
    for (const code of ['57P01', '57P02', '57P03', '25006', '08006', 'ECONNREFUSED', 'ECONNRESET']) {
      expect(isConnectionLost(pgError(code)), code).toBe(true);
    }
    expect(isConnectionLost(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isConnectionLost(new Error('timeout exceeded when trying to connect'))).toBe(true);
  });
  it('is false for errors of the statement itself', () => {
    for (const code of ['23505', '40P01', '42P01', '22P02']) expect(isConnectionLost(pgError(code)), code).toBe(false);
    expect(isConnectionLost('ECONNREFUSED')).toBe(false);
  });
});

const pgSkip = postgresSkipReason();
if (pgSkip) console.warn(`\n*** db-postgres on PostgreSQL: SKIPPED: ${pgSkip} ***\n`);

describe.skipIf(pgSkip)('openPostgres on a real PostgreSQL', () => {
  let cluster: PostgresCluster;
  let admin: Db;
  beforeAll(async () => {
    cluster = await startPostgres({ settings: { fsync: 'off' } });
    admin = await openPostgres(cluster.url);
    await admin.query('create table t (id int primary key)');
  }, 60_000);
  afterAll(async () => {
    await admin?.close();
    await cluster?.stop();
  });
  const terminate = (pid: number) => admin.query('select pg_terminate_backend($1)', [pid]);

  it('takes the first host that answers, in the order given', async () => {
    const closed = await freePort();
    const hosts: string[] = [];
    const db = await openPostgres(cluster.url.replace('127.0.0.1:', `127.0.0.1:${closed},127.0.0.1:`), {
      onEvent: (e) => hosts.push(`${e.kind} ${e.host}`),
    });
    try {
      expect(await db.query('select 1 as one')).toEqual([{ one: 1 }]);
      expect(hosts).toEqual([`primary 127.0.0.1:${new URL(cluster.url).port}`]);
    } finally {
      await db.close();
    }
  });

  it('a transaction whose connection is cut between statements runs again on a new one; the process lives', async () => {
    const db = await openPostgres(cluster.url);
    try {
      let attempts = 0;
      await db.transaction(async (tx) => {
        attempts++;
        const [{ pid }] = await tx.query<{ pid: number }>('select pg_backend_pid() as pid');
        await tx.query('insert into t values (1)');
        if (attempts === 1) {
          // Cut while the connection is checked out and idle: node-postgres emits 'error' on the client, which
          // ends the process unless someone listens.
          await terminate(pid);
          await new Promise((r) => setTimeout(r, 200));
        }
        await tx.query('insert into t values (2)');
      });
      expect(attempts).toBe(2);
      expect(await db.query('select id from t order by id')).toEqual([{ id: 1 }, { id: 2 }]);
    } finally {
      await db.close();
    }
  });

  it('a statement cut while it runs is not repeated (its outcome is unknown): DbUnavailableError, then reconnects', async () => {
    const db = await openPostgres(cluster.url);
    try {
      const [{ pid }] = await db.query<{ pid: number }>('select pg_backend_pid() as pid');
      const refused = expect(db.query('select pg_sleep(5)')).rejects.toBeInstanceOf(DbUnavailableError);
      await new Promise((r) => setTimeout(r, 200));
      await terminate(pid);
      await refused;
      expect(await db.query('select 2 as two')).toEqual([{ two: 2 }]);
    } finally {
      await db.close();
    }
  });

  it('every connection busy is load, not a lost primary: DbUnavailableError at once, the pool kept', async () => {
    const events: string[] = [];
    const db = await openPostgres(cluster.url, { connectTimeoutMs: 300, onEvent: (e) => events.push(e.kind) });
    try {
      const busy = Array.from({ length: 10 }, () => db.query('select pg_sleep(1.5)'));
      await new Promise((r) => setTimeout(r, 200));
      await expect(db.query('select 1')).rejects.toThrow(/database busy/);
      await Promise.all(busy);
      expect(await db.query('select 4 as four')).toEqual([{ four: 4 }]);
      expect(events).toEqual(['primary']); // found once, never dropped
    } finally {
      await db.close();
    }
  });

  it('refuses a read-only server when read-write is asked for, saying so', async () => {
    const readOnly = await startPostgres({ settings: { fsync: 'off', default_transaction_read_only: 'on' } });
    try {
      await expect(openPostgres(`${readOnly.url}?target_session_attrs=read-write`, { attempts: 1 })).rejects.toThrow(
        DbUnavailableError,
      );
      const db = await openPostgres(readOnly.url); // `any`: taken, reads work
      expect(await db.query('select 3 as three')).toEqual([{ three: 3 }]);
      await db.close();
    } finally {
      await readOnly.stop();
    }
  });
});
