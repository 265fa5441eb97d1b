/**
 * The PostgreSQL side of server/db.ts: node-postgres pools that follow the primary.
 *
 * DATABASE_URL may name several hosts, as libpq and pg_auto_failover's `pg_autoctl show uri` write it:
 * `postgres://user@host1:5432,host2:5432/db?target_session_attrs=read-write`. node-postgres reads only the
 * first host, so the hosts are tried here in turn and the first that accepts writes is used (libpq's
 * `read-write`: `transaction_read_only` is off; `primary`: not in recovery; `any`: the first that answers).
 *
 * When the primary is lost (connection refused or cut, shut down, or it has become a read-only standby), the
 * pool is dropped and the next statement looks for the primary again, so a failover needs no restart.
 * A statement is tried again only when it surely did not commit: the connection could not be opened, the
 * server refused it as read-only, or a transaction failed before its COMMIT was sent. When the outcome is
 * unknown (the connection died while a statement or COMMIT ran), it is not repeated here: the caller gets
 * `DbUnavailableError` (HTTP 503) and the phone sends the batch again, which check-in ids make idempotent.
 */
import type { Pool, PoolClient } from 'pg';
import type { Db, Queryable } from './db-types';

export type SessionAttrs = 'any' | 'read-write' | 'primary';

export interface PostgresTarget {
  /** One single-host connection string per host, in the order given. */
  readonly hostUrls: readonly string[];
  /** `host:port` of each, for logs (never the credentials). */
  readonly labels: readonly string[];
  readonly sessionAttrs: SessionAttrs;
}

/** The database could not be reached, or its primary was lost mid-statement: answer 503, try again later. */
export class DbUnavailableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DbUnavailableError';
  }
}

const SESSION_ATTRS: readonly SessionAttrs[] = ['any', 'read-write', 'primary'];

/**
 * Splits a (multi-host) PostgreSQL URL into one URL per host. `target_session_attrs` defaults to `read-write`
 * when several hosts are given (writing to a standby is never what the server wants) and to `any` for one.
 */
export function parsePostgresUrl(url: string): PostgresTarget {
  const m = /^(postgres(?:ql)?:\/\/)(?:([^@/?#]*)@)?([^/?#]*)([^?#]*)(?:\?([^#]*))?$/.exec(url);
  if (!m) throw new Error('DATABASE_URL must be postgres://[user[:password]@]host[:port][,host[:port]…]/database[?…]');
  const [, scheme, userinfo, hostList, path, query = ''] = m;
  const hosts = hostList.split(',');
  if (hosts.some((h) => !/^(\[[0-9a-fA-F:.]+\]|[^:[\]]+)(:\d{1,5})?$/.test(h))) {
    throw new Error(`DATABASE_URL: bad host list ${JSON.stringify(hostList)} (host[:port],host[:port]…)`);
  }
  const params = new URLSearchParams(query);
  const attrs = params.get('target_session_attrs') ?? (hosts.length > 1 ? 'read-write' : 'any');
  if (!(SESSION_ATTRS as readonly string[]).includes(attrs)) {
    throw new Error(`DATABASE_URL: target_session_attrs=${attrs} is not supported (use ${SESSION_ATTRS.join(', ')})`);
  }
  params.delete('target_session_attrs');
  const rest = params.size > 0 ? `?${params.toString()}` : '';
  const user = userinfo === undefined ? '' : `${userinfo}@`;
  return {
    hostUrls: hosts.map((h) => `${scheme}${user}${h}${path}${rest}`),
    labels: hosts.map((h) => (/:\d+$/.test(h) ? h : `${h}:5432`)),
    sessionAttrs: attrs as SessionAttrs,
  };
}

/** SQLSTATEs and socket errors that mean "this server is not (or no longer) a primary we can use". */
const LOST_CODES = new Set([
  '57P01', // admin_shutdown: the server is stopping (pg_auto_failover demotes by restarting it)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: starting up, shutting down, or in recovery
  '25006', // read_only_sql_transaction: we are talking to a standby
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
/** node-postgres reports a dropped socket or a connect timeout with a bare Error and these messages. */
const LOST_MESSAGE = /Connection terminated|connection error|timeout exceeded when trying to connect|not queryable/i;

export function isConnectionLost(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  const code = (e as { code?: unknown }).code;
  return (typeof code === 'string' && LOST_CODES.has(code)) || LOST_MESSAGE.test(e.message);
}

/** Refused before doing anything (read-only server, or a connection already known dead): safe to run again. */
const surelyNotRun = (e: unknown) =>
  e instanceof Error && ((e as { code?: unknown }).code === '25006' || /not queryable/i.test(e.message));

export interface OpenPostgresOptions {
  /** Told when the server switches to another host (failover) or loses its primary. */
  readonly onEvent?: (event: { readonly kind: 'primary' | 'lost'; readonly host: string }) => void;
  /** Attempts per statement while no primary answers (the waits between them double from 100 ms). */
  readonly attempts?: number;
  readonly connectTimeoutMs?: number;
}

const POOL_SIZE = 10;

const CHECK_SQL = `select pg_is_in_recovery() as standby, current_setting('transaction_read_only') = 'on' as read_only`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function openPostgres(url: string, options: OpenPostgresOptions = {}): Promise<Db> {
  const { default: pg } = await import('pg');
  const target = parsePostgresUrl(url);
  const attempts = options.attempts ?? 6;
  const connectTimeoutMs = options.connectTimeoutMs ?? 5000;

  const acceptable = async (client: PoolClient): Promise<boolean> => {
    if (target.sessionAttrs === 'any') return true;
    const { rows } = await client.query<{ standby: boolean; read_only: boolean }>(CHECK_SQL);
    return target.sessionAttrs === 'primary' ? !rows[0].standby : !rows[0].read_only;
  };

  let current: { pool: Pool; host: string } | undefined;
  let finding: Promise<{ pool: Pool; host: string }> | undefined;
  let closed = false;

  const drop = (pool: Pool) => {
    if (current?.pool !== pool) return;
    options.onEvent?.({ kind: 'lost', host: current.host });
    current = undefined;
    pool.end().catch(() => undefined);
  };

  const makePool = (i: number): Pool => {
    const pool = new pg.Pool({
      connectionString: target.hostUrls[i],
      max: POOL_SIZE,
      connectionTimeoutMillis: connectTimeoutMs,
      // Every new connection is checked too: a host demoted since the pool was made must not take writes.
      verify: (client, done) => {
        acceptable(client).then(
          (ok) => done(ok ? undefined : Object.assign(new Error('not a primary'), { code: '25006' })),
          (e: Error) => done(e),
        );
      },
    });
    // A connection cut by the server (failover, restart) emits 'error': the pool reports it for idle ones, the
    // client itself while it is checked out (between two statements of a transaction, say). Unheard, either
    // would end the process; heard, the pool is dropped and the statement's own promise carries the error.
    pool.on('error', () => drop(pool));
    pool.on('connect', (client) => client.on('error', () => drop(pool)));
    return pool;
  };

  const findPrimary = async (): Promise<{ pool: Pool; host: string }> => {
    const failures: string[] = [];
    for (let i = 0; i < target.hostUrls.length; i++) {
      const pool = makePool(i);
      try {
        (await pool.connect()).release();
        const host = target.labels[i];
        options.onEvent?.({ kind: 'primary', host });
        return { pool, host };
      } catch (e) {
        failures.push(`${target.labels[i]}: ${(e as Error).message}`);
        await pool.end().catch(() => undefined);
      }
    }
    throw new DbUnavailableError(`no ${target.sessionAttrs} PostgreSQL server among ${failures.join('; ')}`);
  };

  const primary = async () => {
    if (closed) throw new Error('database closed');
    if (current) return current;
    finding ??= findPrimary().finally(() => {
      finding = undefined;
    });
    const found = await finding;
    if (closed) {
      await found.pool.end().catch(() => undefined);
      throw new Error('database closed');
    }
    current = found;
    return found;
  };

  /**
   * Runs `fn` on a connection to the primary. `fn` reports through `state.committing` whether the outcome
   * may already be decided, i.e. whether running it again could apply it twice.
   */
  const withClient = async <R>(fn: (client: PoolClient, state: { committing: boolean }) => Promise<R>) => {
    let wait = 100;
    for (let attempt = 1; ; attempt++) {
      let client: PoolClient | undefined;
      let pool: Pool | undefined;
      const state = { committing: false };
      try {
        ({ pool } = await primary());
        client = await pool.connect();
      } catch (e) {
        // pg-pool says "timeout exceeded" both when a new connection does not open and when every pooled one
        // stayed busy: the latter is load, not a lost primary. Dropping the pool would open ten more
        // connections on a server already full; a 503 sends the phones away for a while instead.
        if (pool && pool.totalCount >= POOL_SIZE && /timeout exceeded/i.test((e as Error).message)) {
          throw new DbUnavailableError('database busy: every connection in use', { cause: e });
        }
        if (pool) drop(pool);
        if (!(e instanceof DbUnavailableError) && !isConnectionLost(e)) throw e;
        if (attempt >= attempts) throw new DbUnavailableError('database unavailable', { cause: e });
        await sleep(wait);
        wait *= 2;
        continue;
      }
      try {
        const result = await fn(client, state);
        client.release();
        return result;
      } catch (e) {
        const lost = isConnectionLost(e);
        client.release(lost ? (e as Error) : undefined);
        if (!lost) throw e;
        drop(pool);
        const safe = surelyNotRun(e) || !state.committing;
        if (!safe || attempt >= attempts) throw new DbUnavailableError('database connection lost', { cause: e });
        await sleep(wait);
        wait *= 2;
      }
    }
  };

  await withClient(async (client) => client.query('select 1'));

  return {
    engine: 'postgres',
    query<T>(sql: string, params: readonly unknown[] = []) {
      return withClient(async (client, state) => {
        // A single statement commits by itself: once sent, its outcome is unknown if the connection drops.
        state.committing = true;
        return (await client.query(sql, [...params])).rows as T[];
      });
    },
    transaction<R>(fn: (tx: Queryable) => Promise<R>) {
      return withClient(async (client, state) => {
        await client.query('begin');
        try {
          const result = await fn({
            async query<T>(sql: string, params: readonly unknown[] = []) {
              return (await client.query(sql, [...params])).rows as T[];
            },
          });
          state.committing = true;
          await client.query('commit');
          return result;
        } catch (e) {
          if (!isConnectionLost(e)) await client.query('rollback').catch(() => undefined);
          throw e;
        }
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      const pool = current?.pool;
      current = undefined;
      await pool?.end();
    },
  };
}
