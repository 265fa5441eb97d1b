/**
 * What every `singgah` command shares (server/cli.ts, server/cli-operator.ts): the command shape, option
 * helpers that turn bad input into usage or input errors, and database access for one command.
 */
import { parseTimeText } from './csv-import';
import { type Db, openDb } from './db';
import { AuthorityError } from './errors';
import { migrate } from './migrations';

export class UsageError extends Error {
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message);
  }
}

export type OptionSpec = { type: 'string' | 'boolean'; short?: string; multiple?: boolean };
/** Option values; an option declared `multiple` gives a list. */
export type Values = Record<string, string | boolean | string[] | undefined>;

export interface Context {
  readonly dataDir: string;
  readonly now: number;
  readonly out: (line?: string) => void;
  readonly warn: (line: string) => void;
}

export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  readonly details: string;
  readonly options: Record<string, OptionSpec>;
  /** Names of the required positional arguments after the command words. */
  readonly positionals: readonly string[];
  /** Name of one optional positional argument after the required ones (undefined in `run` when absent). */
  readonly optionalPositional?: string;
  /** Any number of further positional arguments are allowed (FILE…, TEXT…). */
  readonly variadic?: boolean;
  run(values: Values, positionals: readonly string[], ctx: Context): Promise<void>;
}

export const iso = (t: number) => new Date(t * 1000).toISOString().replace('.000Z', 'Z');

export function str(values: Values, name: string, command: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${name} is required`, command);
  return value;
}

export function optionalStr(values: Values, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

export function wholeNumber(values: Values, name: string, command: string): number {
  const raw = str(values, name, command);
  if (!/^\d{1,9}$/.test(raw))
    throw new AuthorityError('INPUT_INVALID', `--${name} must be a whole number, got "${raw}"`);
  return Number(raw);
}

/** A time option: ISO 8601 with a time zone (…Z or …+07:00), a date (midnight UTC), or Unix seconds. */
export const parseTime = (raw: string, name: string): number => parseTimeText(raw, `--${name}`);

export function checkOrigin(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new AuthorityError('INPUT_INVALID', `--origin must be a URL like https://singgah.example, got "${raw}"`);
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.pathname !== '/' || url.search || url.hash) {
    throw new AuthorityError('INPUT_INVALID', `--origin must be an http(s) origin without a path, got "${raw}"`);
  }
  return url.origin;
}

export async function withDb<T>(dataDir: string, fn: (db: Db) => Promise<T>): Promise<T> {
  const db = await openDb({ dataDir, databaseUrl: process.env.DATABASE_URL || undefined });
  try {
    await migrate(db);
    return await fn(db);
  } finally {
    await db.close();
  }
}

export const ORIGIN_OPTION = { origin: { type: 'string' } } as const satisfies Record<string, OptionSpec>;
