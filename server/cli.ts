/**
 * `singgah` — the authority operator's CLI (bin/singgah.mjs loads this through tsx).
 *
 *   singgah [--data-dir DIR] keys create [--roots N] [--threshold K] [--force]
 *   singgah [--data-dir DIR] keys rotate-root [--keys N] [--threshold K]
 *   singgah [--data-dir DIR] bundle sign POLICY.json
 *   singgah [--data-dir DIR] venue register --name … --address … --category … --region … --capacity N --stay MIN
 *   singgah [--data-dir DIR] cert issue vaccination|test|recovery --name … --birth-date … --region … [kind options]
 *   singgah [--data-dir DIR] demo-init [--origin URL]
 *
 * Exit codes: 0 ok, 1 failure (message on stderr), 2 usage error. Never prints a secret key or a stack
 * trace (SINGGAH_DEBUG=1 shows stacks).
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { qrText } from '../src/core/qr-link';
import {
  type CertificateInput,
  checkVenueInput,
  DEFAULT_ORIGIN,
  issueCertificate,
  MAX_NEW_ROOT_KEYS,
  MAX_POSTER_QR_VERSION,
  prepareCertificate,
  readPolicyFile,
  registerVenue,
  rotateRoot,
  signBundleFromPolicy,
} from './authority';
import { type Db, DbLockedError, openDb } from './db';
import { demoInit } from './demo';
import { AuthorityError } from './errors';
import { createKeys, trustFilePath } from './keys';
import { migrate } from './migrations';
import { linkQrSvg, qrVersion } from './qr';

class UsageError extends Error {
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message);
  }
}

type OptionSpec = { type: 'string' | 'boolean'; short?: string };
type Values = Record<string, string | boolean | undefined>;

interface Context {
  readonly dataDir: string;
  readonly now: number;
  readonly out: (line?: string) => void;
  readonly warn: (line: string) => void;
}

interface Command {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  readonly details: string;
  readonly options: Record<string, OptionSpec>;
  /** Names of the required positional arguments after the command words. */
  readonly positionals: readonly string[];
  run(values: Values, positionals: readonly string[], ctx: Context): Promise<void>;
}

const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  'data-dir': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};

const GLOBAL_HELP = `Global options:
  --data-dir DIR   authority data directory (keys/, published/, db/); default .data
  -h, --help       show help`;

const iso = (t: number) => new Date(t * 1000).toISOString().replace('.000Z', 'Z');

function str(values: Values, name: string, command: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${name} is required`, command);
  return value;
}

function optionalStr(values: Values, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

function wholeNumber(values: Values, name: string, command: string): number {
  const raw = str(values, name, command);
  if (!/^\d{1,9}$/.test(raw))
    throw new AuthorityError('INPUT_INVALID', `--${name} must be a whole number, got "${raw}"`);
  return Number(raw);
}

/** ISO 8601 with a time zone (…Z or …+07:00), a date (midnight UTC), or Unix seconds. */
function parseTime(raw: string, name: string): number {
  if (/^\d{9,10}$/.test(raw)) return Number(raw);
  if (/^\d{4}-\d{2}-\d{2}$/.test(raw)) return Date.parse(`${raw}T00:00:00Z`) / 1000;
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(raw)) {
    const ms = Date.parse(raw);
    if (!Number.isNaN(ms)) return Math.floor(ms / 1000);
  }
  throw new AuthorityError(
    'INPUT_INVALID',
    `--${name} must be ISO 8601 with a time zone (e.g. 2026-11-22T08:00:00+07:00), a date, or Unix seconds; got "${raw}"`,
  );
}

function checkOrigin(raw: string): string {
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

async function withDb<T>(dataDir: string, fn: (db: Db) => Promise<T>): Promise<T> {
  const db = await openDb({ dataDir, databaseUrl: process.env.DATABASE_URL || undefined });
  try {
    await migrate(db);
    return await fn(db);
  } finally {
    await db.close();
  }
}

const ORIGIN_OPTION = { origin: { type: 'string' } } as const satisfies Record<string, OptionSpec>;

const COMMANDS: readonly Command[] = [
  {
    name: 'keys create',
    summary: 'create the root, certificate, venue and notices keys',
    usage: 'singgah keys create [--roots N] [--threshold K] [--force]',
    details: `Writes one file per key to DATA_DIR/keys/ (mode 0600) and the public trust anchor
DATA_DIR/keys/trust.json, which the app build pins. Refuses when keys exist.

Options:
  --roots N       root keys to create (default 1); give each to a different custodian
  --threshold K   root signatures a bundle needs, 1–N (default 1); e.g. --roots 3 --threshold 2
  --force   replace existing keys (old files, and published root rotations, are moved to
            keys/retired/); installed apps cannot follow: the app must be rebuilt and reinstalled.
            To change the root key without that, use \`singgah keys rotate-root\`.`,
    options: { force: { type: 'boolean' }, roots: { type: 'string' }, threshold: { type: 'string' } },
    positionals: [],
    async run(values, _p, ctx) {
      const cmd = 'keys create';
      const result = createKeys(ctx.dataDir, ctx.now, {
        force: values.force === true,
        ...(values.roots !== undefined ? { roots: wholeNumber(values, 'roots', cmd) } : {}),
        ...(values.threshold !== undefined ? { threshold: wholeNumber(values, 'threshold', cmd) } : {}),
      });
      ctx.out(`Created keys in ${resolve(ctx.dataDir, 'keys')}:`);
      for (const k of result.created) ctx.out(`  ${k.role.padEnd(12)} ${k.kid}`);
      if (result.retiredTo) ctx.out(`Previous keys moved to ${result.retiredTo}`);
      ctx.out(`Trust anchor (public): ${resolve(trustFilePath(ctx.dataDir))}`);
      ctx.out('Next: singgah bundle sign POLICY.json, then rebuild the app so it pins this trust anchor.');
    },
  },
  {
    name: 'keys rotate-root',
    summary: 'replace the root key(s) with a signed rotation that installed apps follow',
    usage: 'singgah keys rotate-root [--keys N] [--threshold K]',
    details: `Creates N new root keys and signs root version V+1 (V = the "version" in trust.json, 1 if absent)
with the current root keys AND the new ones. Installed apps fetch the chain from /v1/roots and accept
root V+1 only with both sets of signatures; then:
  - publishes DATA_DIR/published/roots/<V+1>.json (atomically),
  - rewrites DATA_DIR/keys/trust.json as root V+1 (new app builds pin it),
  - re-signs the published bundle with the new root as the next version (same rules and keys),
  - moves the old root key files to DATA_DIR/keys/retired/<time>/ (mode 0600 kept).
Refuses when the current root's secret keys are missing. The certificate, venue and notices keys stay,
so printed venue posters and issued certificates stay valid. Keep the retired keys offline until every
phone has synced; deleting them is the operator's decision.

Options:
  --keys N        new root keys to create, 1–${MAX_NEW_ROOT_KEYS} (default 1)
  --threshold K   signatures of the new keys needed from now on, 1–N (default: the current threshold, at most N)`,
    options: { keys: { type: 'string' }, threshold: { type: 'string' } },
    positionals: [],
    async run(values, _p, ctx) {
      const cmd = 'keys rotate-root';
      const options = {
        ...(values.keys !== undefined ? { keys: wholeNumber(values, 'keys', cmd) } : {}),
        ...(values.threshold !== undefined ? { threshold: wholeNumber(values, 'threshold', cmd) } : {}),
      };
      const rotated = rotateRoot(ctx.dataDir, ctx.now, options);
      ctx.out(`Root version ${rotated.version}: ${rotated.threshold} of ${rotated.created.length} new key(s)`);
      for (const k of rotated.created) ctx.out(`  root         ${k.kid}`);
      ctx.out(`Published ${resolve(rotated.rootPath)} (served at /v1/roots)`);
      ctx.out(`Trust anchor (public): ${resolve(trustFilePath(ctx.dataDir))} is now root version ${rotated.version}`);
      if (rotated.bundle) ctx.out(`Re-signed bundle version ${rotated.bundle.version} with the new root`);
      else ctx.warn('warning: no bundle published yet; run `singgah bundle sign POLICY.json`');
      ctx.out(`Old root key(s) ${rotated.retired.map((k) => k.kid).join(', ')} moved to ${rotated.retiredTo}`);
      ctx.out('Installed apps follow the rotation at their next sync; rebuild the app so new installs pin it.');
    },
  },
  {
    name: 'bundle sign',
    summary: 'sign a policy file as the next bundle version and publish it',
    usage: 'singgah bundle sign POLICY.json',
    details: `Builds the bundle from POLICY.json and the current certificate/venue/notices keys, signs it
with the current root key(s) (those trust.json lists, also after keys rotate-root) as version
(published version + 1), verifies it against trust.json and
publishes it atomically to DATA_DIR/published/bundle.json (served at /v1/bundle).`,
    options: {},
    positionals: ['POLICY.json'],
    async run(_v, [policyPath], ctx) {
      const signed = signBundleFromPolicy(ctx.dataDir, readPolicyFile(policyPath), ctx.now);
      ctx.out(`Signed bundle version ${signed.version}`);
      ctx.out(`  issued:  ${iso(signed.issuedAt)}`);
      ctx.out(`  expires: ${iso(signed.expiresAt)}`);
      ctx.out(`  file:    ${resolve(signed.path)}`);
    },
  },
  {
    name: 'venue register',
    summary: 'register a venue and print its signed QR link',
    usage:
      'singgah venue register --name NAME --address ADDRESS --category CODE --region BPS --capacity N --stay MINUTES [--origin URL] [--svg FILE]',
    details: `Signs the venue with the venue key, stores it and prints the QR link (ORIGIN/v#…).

Options:
  --name NAME        venue name (≤ 100 characters)
  --address ADDRESS  street address (≤ 100 characters)
  --category CODE    a category of the published bundle (demo policy: gov, worship, mall, resto, transit, health)
  --region BPS       BPS region code: 2-digit province (64) or 4-digit regency/city (6472)
  --capacity N       people allowed inside at once
  --stay MINUTES     default stay before automatic check-out (1–1440)
  --origin URL       origin of the app in the link; default ${DEFAULT_ORIGIN}
  --svg FILE         also write the QR code as SVG (error correction M)`,
    options: {
      name: { type: 'string' },
      address: { type: 'string' },
      category: { type: 'string' },
      region: { type: 'string' },
      capacity: { type: 'string' },
      stay: { type: 'string' },
      svg: { type: 'string' },
      ...ORIGIN_OPTION,
    },
    positionals: [],
    async run(values, _p, ctx) {
      const cmd = 'venue register';
      const input = {
        name: str(values, 'name', cmd),
        address: str(values, 'address', cmd),
        category: str(values, 'category', cmd),
        region: str(values, 'region', cmd),
        capacity: wholeNumber(values, 'capacity', cmd),
        stayMinutes: wholeNumber(values, 'stay', cmd),
      };
      const origin = checkOrigin(optionalStr(values, 'origin') ?? DEFAULT_ORIGIN);
      const svgPath = optionalStr(values, 'svg');
      checkVenueInput(ctx.dataDir, input, ctx.now); // fail fast, before opening the database
      const registered = await withDb(ctx.dataDir, (db) => registerVenue(db, ctx.dataDir, input, ctx.now, { origin }));
      ctx.out(`Registered venue ${registered.venue.id}: ${registered.venue.name}`);
      ctx.out(registered.url);
      ctx.out(`QR version ${registered.qrVersion} (error correction M)`);
      if (registered.qrVersion > MAX_POSTER_QR_VERSION) {
        ctx.warn(
          `warning: this QR needs version ${registered.qrVersion}; posters should stay at version ≤ ${MAX_POSTER_QR_VERSION} ` +
            '(shorten the name or address, or use a shorter origin)',
        );
      }
      if (svgPath) {
        writeFileSync(svgPath, await linkQrSvg(registered.url));
        ctx.out(`QR written to ${resolve(svgPath)}`);
      }
    },
  },
  {
    name: 'cert issue',
    summary: 'issue a vaccination, test or recovery certificate (demos and tests)',
    usage:
      'singgah cert issue vaccination|test|recovery --name NAME --birth-date YYYY-MM-DD --region BPS [kind options] [--expires TIME] [--origin URL] [--svg FILE]',
    details: `Signs a certificate with the certificate key and prints its link (ORIGIN/c#…).

Options (every kind):
  --name NAME              holder's name (≤ 80 characters)
  --birth-date YYYY-MM-DD  holder's birth date
  --region BPS             holder's home region (first digits of the NIK; never the NIK itself)
  --expires TIME           expiry (default: vaccination +365 days, test sample +72 h, recovery +180 days)
  --origin URL             origin of the app in the link; default ${DEFAULT_ORIGIN}
  --svg FILE               also write the QR code as SVG
vaccination:
  --product NAME  --dose N  --doses M  --date YYYY-MM-DD
test:
  --test-type pcr|antigen  --result neg|pos  --sample-time TIME
recovery:
  --first-positive-date YYYY-MM-DD

TIME is ISO 8601 with a time zone (2026-11-22T08:00:00+07:00), a date (midnight UTC), or Unix seconds.`,
    options: {
      name: { type: 'string' },
      'birth-date': { type: 'string' },
      region: { type: 'string' },
      expires: { type: 'string' },
      svg: { type: 'string' },
      product: { type: 'string' },
      dose: { type: 'string' },
      doses: { type: 'string' },
      date: { type: 'string' },
      'test-type': { type: 'string' },
      result: { type: 'string' },
      'sample-time': { type: 'string' },
      'first-positive-date': { type: 'string' },
      ...ORIGIN_OPTION,
    },
    positionals: ['KIND'],
    async run(values, [kind], ctx) {
      const cmd = 'cert issue';
      const kindOptions: Record<string, readonly string[]> = {
        vaccination: ['product', 'dose', 'doses', 'date'],
        test: ['test-type', 'result', 'sample-time'],
        recovery: ['first-positive-date'],
      };
      const own = kindOptions[kind];
      if (!own) throw new UsageError(`KIND must be vaccination, test or recovery, got "${kind}"`, cmd);
      for (const [other, names] of Object.entries(kindOptions)) {
        if (other === kind) continue;
        const stray = names.find((n) => values[n] !== undefined);
        if (stray) throw new UsageError(`--${stray} applies to ${other} certificates, not ${kind}`, cmd);
      }
      const holder = {
        name: str(values, 'name', cmd),
        birthDate: str(values, 'birth-date', cmd),
        region: str(values, 'region', cmd),
      };
      const expiresRaw = optionalStr(values, 'expires');
      const expires = expiresRaw === undefined ? {} : { expiresAt: parseTime(expiresRaw, 'expires') };
      let input: CertificateInput;
      if (kind === 'vaccination') {
        input = {
          kind,
          holder,
          ...expires,
          product: str(values, 'product', cmd),
          dose: wholeNumber(values, 'dose', cmd),
          doses: wholeNumber(values, 'doses', cmd),
          date: str(values, 'date', cmd),
        };
      } else if (kind === 'test') {
        input = {
          kind,
          holder,
          ...expires,
          testType: str(values, 'test-type', cmd) as 'pcr' | 'antigen',
          result: str(values, 'result', cmd) as 'neg' | 'pos',
          sampleTime: parseTime(str(values, 'sample-time', cmd), 'sample-time'),
        };
      } else {
        input = { kind: 'recovery', holder, ...expires, firstPositiveDate: str(values, 'first-positive-date', cmd) };
      }
      const origin = checkOrigin(optionalStr(values, 'origin') ?? DEFAULT_ORIGIN);
      const svgPath = optionalStr(values, 'svg');
      prepareCertificate(ctx.dataDir, input, ctx.now); // fail fast, before opening the database
      const issued = await withDb(ctx.dataDir, (db) => issueCertificate(db, ctx.dataDir, input, ctx.now, { origin }));
      const c = issued.certificate;
      ctx.out(`Issued ${c.kind} certificate ${c.id} for ${c.holder.name}, valid until ${iso(c.expiresAt)}`);
      ctx.out(issued.url);
      if (svgPath) {
        writeFileSync(svgPath, await linkQrSvg(issued.url));
        ctx.out(`QR written to ${resolve(svgPath)} (version ${qrVersion(qrText(issued.url))})`);
      }
    },
  },
  {
    name: 'demo-init',
    summary: 'set up (idempotently) demo keys, bundle, venues and certificates',
    usage: 'singgah demo-init [--origin URL]',
    details: `First run: creates keys, signs server/demo/policy.json and registers demo venues. Every run:
re-signs the bundle when it expires within 7 days or the policy or keys changed, and re-issues
the demo certificates with times relative to now. Run by \`npm start\`.

Options:
  --origin URL   origin used in the printed links; default ${DEFAULT_ORIGIN}`,
    options: { ...ORIGIN_OPTION },
    positionals: [],
    async run(values, _p, ctx) {
      const origin = checkOrigin(optionalStr(values, 'origin') ?? DEFAULT_ORIGIN);
      const result = await withDb(ctx.dataDir, (db) => demoInit(ctx.dataDir, db, ctx.now, origin));
      if (result.createdKeys.length > 0) ctx.out(`Created keys: ${result.createdKeys.join(', ')}`);
      const b = result.bundle;
      ctx.out(
        b.action === 'signed'
          ? `Signed bundle version ${b.version} (${b.reason}), expires ${iso(b.expiresAt)}`
          : `Bundle version ${b.version} kept, expires ${iso(b.expiresAt)}`,
      );
      for (const v of result.venues) ctx.out(`Venue ${v.id} ${v.action}: ${v.name}`);
      ctx.out(`Issued ${result.certificates.length} demo certificates`);
      ctx.out(`Trust anchor: ${resolve(trustFilePath(ctx.dataDir))}`);
    },
  },
];

const GROUPS: Record<string, string> = {
  keys: 'manage the authority keys',
  bundle: 'sign and publish the trust bundle',
  venue: 'register venues',
  cert: 'issue certificates',
};

function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `singgah — the Singgah authority CLI

Usage: singgah [--data-dir DIR] <command> [options]

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

${GLOBAL_HELP}

Run \`singgah <command> --help\` for a command's options.`;
}

function groupHelp(group: string): string {
  const commands = COMMANDS.filter((c) => c.name.startsWith(`${group} `));
  return `singgah ${group} — ${GROUPS[group]}

Usage: singgah ${group} <command> [options]

Commands:
${commands.map((c) => `  ${c.usage}\n      ${c.summary}`).join('\n')}

${GLOBAL_HELP}`;
}

const commandHelp = (c: Command) => `Usage: ${c.usage}

${c.summary[0].toUpperCase()}${c.summary.slice(1)}.

${c.details}

${GLOBAL_HELP}`;

const ALL_OPTIONS: Record<string, OptionSpec> = Object.assign({}, GLOBAL_OPTIONS, ...COMMANDS.map((c) => c.options));

function parseError(e: unknown, command?: string): never {
  const code = (e as NodeJS.ErrnoException).code ?? '';
  if (code.startsWith('ERR_PARSE_ARGS')) throw new UsageError((e as Error).message.split('\n')[0], command);
  throw e;
}

export async function runCli(
  argv: readonly string[],
  io: { out: (s: string) => void; err: (s: string) => void } = {
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
  },
): Promise<number> {
  const out = (line = '') => io.out(`${line}\n`);
  let commandName: string | undefined;
  try {
    // Pass 1 (lenient): find the command words among the positionals.
    let loose: ReturnType<typeof parseArgs>;
    try {
      loose = parseArgs({ args: [...argv], options: ALL_OPTIONS, strict: false, allowPositionals: true });
    } catch (e) {
      parseError(e);
    }
    const words = loose.positionals;
    if (words[0] === 'help') {
      const rest = words.slice(1).join(' ');
      const target = COMMANDS.find((c) => c.name === rest);
      out(target ? commandHelp(target) : GROUPS[rest] ? groupHelp(rest) : mainHelp());
      return 0;
    }
    const command =
      COMMANDS.find((c) => c.name.split(' ').every((w, i) => words[i] === w)) ??
      (words.length === 0 || (words.length === 1 && GROUPS[words[0]]) ? undefined : null);
    if (command === null) throw new UsageError(`unknown command "${words.slice(0, 2).join(' ')}"`);
    if (!command) {
      if (words.length === 1) {
        out(groupHelp(words[0]));
        return loose.values.help ? 0 : 2;
      }
      out(mainHelp());
      return loose.values.help ? 0 : 2;
    }
    commandName = command.name;
    if (loose.values.help) {
      out(commandHelp(command));
      return 0;
    }
    // Pass 2 (strict): only this command's options.
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
    if (rest.length > command.positionals.length) {
      throw new UsageError(`unexpected argument "${rest[command.positionals.length]}"`, command.name);
    }
    const dataDir = typeof parsed.values['data-dir'] === 'string' ? parsed.values['data-dir'] : '.data';
    await command.run(parsed.values as Values, rest, {
      dataDir,
      now: Math.floor(Date.now() / 1000),
      out,
      warn: (line) => io.err(`${line}\n`),
    });
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      const target = e.command ?? commandName;
      io.err(`singgah: ${e.message}\n`);
      io.err(
        target
          ? `Usage: ${COMMANDS.find((c) => c.name === target)?.usage}\nSee: singgah ${target} --help\n`
          : 'See: singgah --help\n',
      );
      return 2;
    }
    if (e instanceof AuthorityError || e instanceof DbLockedError) {
      io.err(`singgah: ${e.message}\n`);
      return 1;
    }
    io.err(`singgah: ${(e as Error)?.message ?? String(e)}\n`);
    if (process.env.SINGGAH_DEBUG) io.err(`${(e as Error)?.stack}\n`);
    return 1;
  }
}
