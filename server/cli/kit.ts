/**
 * What every `singgah` command shares: the command shape, the global options, reading the command line, the
 * context a command runs in (data directory, passphrase, clock, output), option helpers that turn bad input
 * into usage or input errors, and database access for one command.
 */
import { readFileSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseTimeText } from '../csv-import';
import { type Db, openDb } from '../db';
import { AuthorityError } from '../errors';
import { setKeyPassphrase, setKeyWarning } from '../keys';
import { migrate } from '../migrations';

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

/** A command group (`keys`, `venue`, …): its commands in the order `singgah --help` lists them. */
export interface CommandGroup {
  readonly name: string;
  readonly summary: string;
  readonly commands: readonly Command[];
}

/** Where a run writes: stdout and stderr of the process, or a test's buffers. */
export interface Io {
  readonly out: (s: string) => void;
  readonly err: (s: string) => void;
}

export const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  'data-dir': { type: 'string' },
  'passphrase-file': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};

/** node:util's parse errors (unknown option, missing value) are usage errors: exit 2 with the usage line. */
export function parseError(e: unknown, command?: string): never {
  const code = (e as NodeJS.ErrnoException).code ?? '';
  if (code.startsWith('ERR_PARSE_ARGS')) throw new UsageError((e as Error).message.split('\n')[0], command);
  throw e;
}

/**
 * The command line read strictly for one command: only its options and the global ones, and the right number
 * of positional arguments after the command words.
 */
export function parseCommandLine(
  argv: readonly string[],
  command: Command,
): { values: Values; positionals: readonly string[] } {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: { ...GLOBAL_OPTIONS, ...command.options },
      strict: true,
      allowPositionals: true,
    });
  } catch (e) {
    parseError(e, command.name);
  }
  const wordCount = command.name.split(' ').length;
  const rest = parsed.positionals.slice(wordCount);
  if (rest.length < command.positionals.length) {
    throw new UsageError(`missing ${command.positionals.slice(rest.length).join(' ')}`, command.name);
  }
  const allowed = command.positionals.length + (command.optionalPositional ? 1 : 0);
  if (rest.length > allowed && !command.variadic) {
    throw new UsageError(`unexpected argument "${rest[allowed]}"`, command.name);
  }
  return { values: parsed.values as Values, positionals: rest };
}

/**
 * The first line of a passphrase file (an editor's trailing newline is not part of the passphrase). A file its
 * group or others may read is refused, as ssh refuses such a private key: the passphrase is the only thing
 * between a copied key file and a signature.
 */
export function readPassphrase(path: string): string {
  let text: string;
  try {
    if ((statSync(path).mode & 0o077) !== 0) {
      throw new AuthorityError(
        'INPUT_INVALID',
        `the passphrase file ${path} is readable by its group or others: chmod 600 ${path}`,
      );
    }
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if (e instanceof AuthorityError) throw e;
    throw new AuthorityError('INPUT_INVALID', `cannot read the passphrase file ${path}`);
  }
  const first = text.split(/\r?\n/)[0];
  if (first === '') throw new AuthorityError('INPUT_INVALID', `the passphrase file ${path} is empty`);
  return first;
}

/** The context of one run: `--data-dir` (default .data), the key passphrase if given, the time, the output. */
export function commandContext(values: Values, io: Io): Context {
  const passphraseFile = values['passphrase-file'];
  if (typeof passphraseFile === 'string') setKeyPassphrase(readPassphrase(passphraseFile));
  setKeyWarning((line) => io.err(`${line}\n`));
  return {
    dataDir: typeof values['data-dir'] === 'string' ? values['data-dir'] : '.data',
    now: Math.floor(Date.now() / 1000),
    out: (line = '') => io.out(`${line}\n`),
    warn: (line) => io.err(`${line}\n`),
  };
}

export { isoTime as iso } from '../authority';

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

export function readInputFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new AuthorityError('INPUT_INVALID', `cannot read ${path}`);
  }
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
