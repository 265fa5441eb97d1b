/**
 * `singgah` — the authority operator's CLI (bin/singgah.mjs loads this through tsx).
 *
 *   singgah [--data-dir DIR] [--passphrase-file F] <group> <command> …
 *
 * Groups: keys (create, rotate-root, rotate, revoke), bundle (sign, with the policy dry-run), venue (register,
 * import, posters), cert (issue, import, revoke, suspend, inspect), case (create), notice (publish, list), report
 * (occupancy, hourly), trust (import, list, remove), qr (decode), demo-init. The base commands are here; the operator
 * commands of issue 8 are in cli-operator.ts, certificate inspection, DCC signers and QR reading in cli-cert.ts, and
 * their shared helpers in cli-kit.ts. `singgah --help` lists them all; every command has --help.
 *
 * Exit codes: 0 ok, 1 failure (message on stderr), 2 usage error. Never prints a secret key or a stack
 * trace (SINGGAH_DEBUG=1 shows stacks).
 */
import { readFileSync, writeFileSync } from 'node:fs';
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
  prepareBundle,
  prepareCertificate,
  publishPreparedBundle,
  readPolicyFile,
  registerVenue,
  rotateRoot,
} from './authority';
import { createCaseCode, DEFAULT_CASE_CODE_TTL_HOURS, MAX_CASE_CODE_TTL_HOURS } from './case-codes';
import { CERT_COMMANDS, CERT_GROUPS, DCC_ISSUE_HELP, DCC_ISSUE_OPTIONS, issueEuDcc } from './cli-cert';
import { DCC_RULES_COMMANDS, DCC_RULES_GROUPS } from './cli-dcc-rules';
import {
  type Command,
  checkOrigin,
  iso,
  type OptionSpec,
  ORIGIN_OPTION,
  optionalStr,
  parseTime,
  str,
  UsageError,
  type Values,
  wholeNumber,
  withDb,
} from './cli-kit';
import { OPERATOR_COMMANDS, OPERATOR_GROUPS } from './cli-operator';
import { DbLockedError } from './db';
import { createDccIssuer } from './dcc-issuer';
import { demoInit } from './demo';
import { AuthorityError } from './errors';
import { createKeys, setKeyPassphrase, trustFilePath } from './keys';
import { DRY_RUN_VENUE_REGION, dryRunPolicy, formatDryRun, ruleErrors } from './policy-dry-run';
import { linkQrSvg, qrVersion } from './qr';

const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  'data-dir': { type: 'string' },
  'passphrase-file': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};

const GLOBAL_HELP = `Global options:
  --data-dir DIR           authority data directory (keys/, published/, db/); default .data
  --passphrase-file FILE   passphrase for encrypted key files (first line of FILE); new keys are
                           written encrypted with it. Or set SINGGAH_PASSPHRASE. Never printed.
  -h, --help               show help`;

const BASE_COMMANDS: readonly Command[] = [
  {
    name: 'keys create',
    summary: 'create the root, certificate, venue and notices keys',
    usage: 'singgah keys create [--roots N] [--threshold K] [--force] [--dcc-issuer CC]',
    details: `Writes one file per key to DATA_DIR/keys/ (mode 0600) and the public trust anchor
DATA_DIR/keys/trust.json, which the app build pins. Refuses when keys exist.

Options:
  --roots N       root keys to create (default 1); give each to a different custodian
  --threshold K   root signatures a bundle needs, 1–N (default 1); e.g. --roots 3 --threshold 2
  --force   replace existing keys (old files, and published root rotations, are moved to
            keys/retired/); installed apps cannot follow: the app must be rebuilt and reinstalled.
            To change the root key without that, use \`singgah keys rotate-root\`.
  --dcc-issuer CC   also create the EU DCC issuer key for country CC (\`singgah keys create-dcc-issuer\`)`,
    options: {
      force: { type: 'boolean' },
      roots: { type: 'string' },
      threshold: { type: 'string' },
      'dcc-issuer': { type: 'string' },
    },
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
      const dccCountry = optionalStr(values, 'dcc-issuer');
      if (dccCountry !== undefined) {
        const issuer = createDccIssuer(ctx.dataDir, ctx.now, dccCountry, values.force === true);
        ctx.out(`  dcc-issuer   ${issuer.trusted.signer.kid} (${issuer.country}; trusted in the next bundle)`);
      }
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
    summary: 'check a policy on example people, then sign it as the next bundle version and publish it',
    usage: 'singgah bundle sign POLICY.json [--dry-run]',
    details: `Builds the bundle from POLICY.json, the current certificate/venue/notices keys and the stored
revocations (DATA_DIR/revocations.json), signs it with the current root key(s) (those trust.json lists,
also after keys rotate-root) as version (published version + 1) and verifies it against trust.json.
Then it dry-runs every entry rule, with the same decision code the phones run, on built-in example
people (vaccinated 2 doses, 1 dose, none, recent and old PCR, antigen, positive, recovered, exposed,
visitors from another province) at a venue of every category, and prints the decision table
(ALLOWED / DENIED / CANNOT_VERIFY). Only then is the bundle published atomically to
DATA_DIR/published/bundle.json (served at /v1/bundle). A rule that fails to evaluate for an example
person is refused: every phone would show CANNOT_VERIFY.

Options:
  --dry-run   print the decision table only; publish nothing`,
    options: { 'dry-run': { type: 'boolean' } },
    positionals: ['POLICY.json'],
    async run(values, [policyPath], ctx) {
      const prepared = prepareBundle(ctx.dataDir, readPolicyFile(policyPath), ctx.now);
      const rows = dryRunPolicy(prepared.payload, ctx.now);
      ctx.out(`Decision table (venues in region ${DRY_RUN_VENUE_REGION}, at ${iso(ctx.now)}):`);
      ctx.out(formatDryRun(rows));
      ctx.out();
      const broken = ruleErrors(rows);
      if (broken.length > 0) {
        throw new AuthorityError(
          'POLICY_INVALID',
          `rule(s) ${broken.join(', ')} fail to evaluate for some example people (CANNOT_VERIFY above); nothing published`,
        );
      }
      if (values['dry-run'] === true) {
        ctx.out(`Dry run: bundle version ${prepared.version} verified but not published`);
        return;
      }
      publishPreparedBundle(ctx.dataDir, prepared);
      ctx.out(`Signed bundle version ${prepared.version}`);
      ctx.out(`  issued:  ${iso(prepared.issuedAt)}`);
      ctx.out(`  expires: ${iso(prepared.expiresAt)}`);
      ctx.out(`  file:    ${resolve(prepared.path)}`);
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
      ctx.out(`Short code (print under the QR): ${registered.shortCode}`);
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
      'singgah cert issue vaccination|test|recovery --name NAME --birth-date YYYY-MM-DD --region BPS [kind options] [--expires TIME] [--origin URL] [--svg FILE] [--format singgah|eu-dcc]',
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

${DCC_ISSUE_HELP}

TIME is ISO 8601 with a time zone (2026-11-22T08:00:00+07:00), a date (midnight UTC), or Unix seconds.`,
    options: {
      ...DCC_ISSUE_OPTIONS,
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
      const format = optionalStr(values, 'format') ?? 'singgah';
      if (format === 'eu-dcc') return issueEuDcc(values, kind, ctx);
      if (format !== 'singgah') throw new UsageError(`--format must be singgah or eu-dcc, got "${format}"`, cmd);
      const dccOnly = ['given-name', 'manufacturer', 'prophylaxis', 'test-centre', 'device', 'issuer'].find(
        (n) => values[n] !== undefined,
      );
      if (dccOnly) throw new UsageError(`--${dccOnly} applies to --format eu-dcc`, cmd);
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
    name: 'case create',
    summary: 'create a one-time case code for a person who tested positive',
    usage: 'singgah case create [--ttl-hours N]',
    details: `Prints a fresh code (12 characters, XXXX-XXXX-XXXX) to read to the person. With it, their
phone uploads their recent check-ins once (POST /v1/cases); the server turns them into signed exposure
notices. The code works once and expires; only its SHA-256 hash is stored, so it cannot be shown again.
Uses DATABASE_URL when set (the server's PostgreSQL), else the PGlite database in the data directory
(stop a PGlite server first).

Options:
  --ttl-hours N   hours until the code expires, 1–${MAX_CASE_CODE_TTL_HOURS}; default ${DEFAULT_CASE_CODE_TTL_HOURS}`,
    options: { 'ttl-hours': { type: 'string' } },
    positionals: [],
    async run(values, _p, ctx) {
      const ttl =
        values['ttl-hours'] === undefined
          ? DEFAULT_CASE_CODE_TTL_HOURS
          : wholeNumber(values, 'ttl-hours', 'case create');
      if (ttl < 1 || ttl > MAX_CASE_CODE_TTL_HOURS) {
        throw new AuthorityError('INPUT_INVALID', `--ttl-hours must be 1–${MAX_CASE_CODE_TTL_HOURS}, got ${ttl}`);
      }
      const created = await withDb(ctx.dataDir, (db) => createCaseCode(db, ctx.now, ttl));
      ctx.out(created.code);
      ctx.out(`Valid once, until ${iso(created.expiresAt)}. Not stored: write it down now.`);
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
  venue: 'register venues and print their posters',
  cert: 'issue, revoke, suspend and inspect certificates',
  case: "case codes for uploading a positive person's visits",
  ...OPERATOR_GROUPS,
  ...CERT_GROUPS,
  ...DCC_RULES_GROUPS,
};

// Listed by group (keys, bundle, venue, …) so related commands sit together in `singgah --help`.
const groupRank = (c: Command) => {
  const rank = Object.keys(GROUPS).indexOf(c.name.split(' ')[0]);
  return rank < 0 ? Number.POSITIVE_INFINITY : rank; // demo-init last
};
const COMMANDS: readonly Command[] = [...BASE_COMMANDS, ...OPERATOR_COMMANDS, ...CERT_COMMANDS, ...DCC_RULES_COMMANDS]
  .map((c, i) => ({ c, i }))
  .sort((a, b) => groupRank(a.c) - groupRank(b.c) || a.i - b.i)
  .map(({ c }) => c);

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

/** The first line of a passphrase file (an editor's trailing newline is not part of the passphrase). */
function readPassphrase(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new AuthorityError('INPUT_INVALID', `cannot read the passphrase file ${path}`);
  }
  const first = text.split(/\r?\n/)[0];
  if (first === '') throw new AuthorityError('INPUT_INVALID', `the passphrase file ${path} is empty`);
  return first;
}

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
    const allowed = command.positionals.length + (command.optionalPositional ? 1 : 0);
    if (rest.length > allowed && !command.variadic) {
      throw new UsageError(`unexpected argument "${rest[allowed]}"`, command.name);
    }
    const dataDir = typeof parsed.values['data-dir'] === 'string' ? parsed.values['data-dir'] : '.data';
    const passphraseFile = parsed.values['passphrase-file'];
    if (typeof passphraseFile === 'string') setKeyPassphrase(readPassphrase(passphraseFile));
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
