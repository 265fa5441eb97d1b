/**
 * One tiny database interface over two engines: PGlite (embedded Postgres, the default: data in
 * `${dataDir}/db`, no install) and PostgreSQL through `pg` when DATABASE_URL is set. One SQL dialect:
 * plain Postgres with `$1` parameters. PostgreSQL follows its primary through a failover (db-postgres.ts).
 *
 * PGlite is single-process: two processes opening one data directory corrupt it. A lock file
 * (`${dataDir}/db.lock`, holding the owner's pid) makes the second opener fail with a clear message
 * instead — e.g. `singgah venue register` while the server runs.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { type OpenPostgresOptions, openPostgres } from './db-postgres';
import type { Db, Queryable } from './db-types';

export { DbUnavailableError } from './db-postgres';

export type { Db, Queryable } from './db-types';

export interface OpenDbOptions {
  readonly dataDir: string;
  /** When set (postgres://…, several hosts allowed: db-postgres.ts), PostgreSQL is used instead of PGlite. */
  readonly databaseUrl?: string | undefined;
  /** PostgreSQL only: told when the server finds or loses its primary (logged by main.ts). */
  readonly onPrimary?: OpenPostgresOptions['onEvent'];
}

export class DbLockedError extends Error {
  constructor(
    readonly lockFile: string,
    readonly pid: number,
  ) {
    super(
      `the database in ${lockFile.replace(/db\.lock$/, 'db')} is in use by process ${pid} ` +
        '(is the server running? stop it first, or use DATABASE_URL with PostgreSQL; ' +
        `if no such process is yours, delete ${lockFile})`,
    );
  }
}

export async function openDb(options: OpenDbOptions): Promise<Db> {
  if (!options.databaseUrl) return openPglite(options.dataDir);
  return openPostgres(options.databaseUrl, options.onPrimary ? { onEvent: options.onPrimary } : {});
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Exclusive lock file with the owner's pid; a lock left by a dead process is taken over. */
function acquireLock(lockFile: string): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockFile, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(lockFile, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number.parseInt(readFileSync(lockFile, 'utf8'), 10);
      if (Number.isInteger(pid) && pid > 0 && (pid === process.pid || isAlive(pid))) {
        throw new DbLockedError(lockFile, pid);
      }
      rmSync(lockFile, { force: true }); // stale: its process is gone
    }
  }
  throw new Error(`could not acquire ${lockFile}`);
}

async function openPglite(dataDir: string): Promise<Db> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const release = acquireLock(join(dataDir, 'db.lock'));
  try {
    const { PGlite } = await import('@electric-sql/pglite');
    const pg = await PGlite.create(join(dataDir, 'db'));
    let closed = false;
    return {
      engine: 'pglite',
      async query<T>(sql: string, params: readonly unknown[] = []) {
        return (await pg.query<T>(sql, [...params])).rows;
      },
      transaction<R>(fn: (tx: Queryable) => Promise<R>) {
        return pg.transaction((tx) =>
          fn({
            async query<T>(sql: string, params: readonly unknown[] = []) {
              return (await tx.query<T>(sql, [...params])).rows;
            },
          }),
        );
      },
      async close() {
        if (closed) return;
        closed = true;
        try {
          await pg.close();
        } finally {
          release();
        }
      },
    };
  } catch (e) {
    release();
    throw e;
  }
}
