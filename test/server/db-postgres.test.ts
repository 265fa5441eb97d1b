/** DATABASE_URL with several hosts (libpq's and pg_auto_failover's form) and what counts as a lost primary. */
import { describe, expect, it } from 'vitest';
import { isConnectionLost, parsePostgresUrl } from '../../server/db-postgres';

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
