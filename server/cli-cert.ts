/**
 * Commands for certificates people actually carry (server/cli.ts lists them with the others): inspect any
 * certificate QR text (Singgah or EU DCC `HC1:`), the EU DCC signers the authority trusts (kept in the data
 * directory, carried by the next bundle), and reading QR codes from image files.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Readable } from 'node:stream';
import type { DccSigner } from '../src/core/dcc';
import type { UnixSeconds } from '../src/core/schema';
import { readPublishedBundle, republishBundle } from './authority';
import {
  bundleRevocations,
  bundleSigners,
  describeInspected,
  failedRecord,
  type InspectContext,
  inspectLine,
  inspectText,
  parseAt,
  recordOf,
} from './cert-inspect';
import {
  type Command,
  type Context,
  iso,
  type OptionSpec,
  optionalStr,
  parseTime,
  str,
  UsageError,
  type Values,
  wholeNumber,
} from './cli-kit';
import { createDccIssuer, type DccIssueInput, issueDcc } from './dcc-issuer';
import {
  addTrustedSigners,
  dccSignersPath,
  readSignerFile,
  readTrustedSigners,
  removeTrustedSigners,
  type TrustedSigner,
} from './dcc-trust';
import { AuthorityError } from './errors';
import { writeFileAtomic } from './keys';
import { linkQrSvg, qrVersion } from './qr';
import { readQrImage } from './qr-image';

export const CERT_GROUPS: Record<string, string> = {
  trust: 'EU DCC signers (Document Signer Certificates) the authority trusts',
  qr: 'read QR codes from image files',
};

/** A JSON-lines input line longer than this is answered with INPUT_TOO_LARGE (real lines are a few KB). */
export const MAX_LINE_BYTES = 1024 * 1024;

/**
 * Lines of a stream, one at a time as they arrive (never the whole input in memory); a line over `max`
 * bytes is yielded as `undefined` and its bytes dropped. A last line without a newline counts.
 */
export async function* streamLines(input: Readable, max: number): AsyncGenerator<string | undefined> {
  let parts: Buffer[] = [];
  let length = 0;
  let tooLong = false;
  const take = (chunk: Buffer) => {
    if (tooLong) return;
    if (length + chunk.length > max) {
      tooLong = true;
      parts = [];
      return;
    }
    parts.push(chunk);
    length += chunk.length;
  };
  const line = () => {
    const out = tooLong ? undefined : Buffer.concat(parts).toString('utf8').replace(/\r$/, '');
    parts = [];
    length = 0;
    tooLong = false;
    return out;
  };
  for await (const chunk of input as AsyncIterable<Buffer>) {
    let start = 0;
    for (let nl = chunk.indexOf(10); nl >= 0; nl = chunk.indexOf(10, start)) {
      take(chunk.subarray(start, nl));
      start = nl + 1;
      yield line();
    }
    take(chunk.subarray(start));
  }
  if (length > 0 || tooLong) yield line();
}

/** Write to stdout, waiting while the reader is slower than us (a large corpus must not pile up in memory). */
async function writeOut(text: string): Promise<void> {
  if (!process.stdout.write(text)) await new Promise((done) => process.stdout.once('drain', done));
}

const list = (values: Values, name: string): string[] => {
  const v = values[name];
  return Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
};

/** `--trust FILE…` → their signers, read leniently (a check, not an import). */
function trustOption(values: Values): DccSigner[] | undefined {
  const files = list(values, 'trust');
  if (files.length === 0) return undefined;
  return files.flatMap((f) => readSignerFile(f, { lenient: true }).signers.map((t) => t.signer));
}

/** The published bundle for checking, or the reason there is none (a value: inspecting DCCs needs none). */
function bundleFor(dataDir: string): () => InspectContext['bundle'] {
  let cached: InspectContext['bundle'] | undefined;
  return () => {
    if (cached) return cached;
    try {
      cached = readPublishedBundle(dataDir)?.payload ?? { error: 'BUNDLE_NOT_PUBLISHED' };
    } catch (e) {
      if (!(e instanceof AuthorityError)) throw e;
      cached = { error: e.code };
    }
    return cached;
  };
}

async function inspectJsonLines(values: Values, at: UnixSeconds, ctx: Context): Promise<void> {
  const signers = trustOption(values);
  const bundle = bundleFor(ctx.dataDir);
  const defaults = { now: at, bundle, ...(signers ? { signers } : {}) };
  for await (const line of streamLines(process.stdin, MAX_LINE_BYTES)) {
    let record = failedRecord('INPUT_TOO_LARGE');
    if (line !== undefined) {
      try {
        record = await inspectLine(line, defaults);
      } catch (e) {
        // A bug in a check must cost one line, not the rest of the corpus.
        record = failedRecord('INTERNAL_ERROR');
        if (process.env.SINGGAH_DEBUG) ctx.warn(String((e as Error)?.stack ?? e));
      }
    }
    await writeOut(`${JSON.stringify(record)}\n`);
  }
}

const CERT_INSPECT: Command = {
  name: 'cert inspect',
  summary: 'decode and verify certificate QR texts (Singgah links or EU DCC HC1:)',
  usage: 'singgah cert inspect [--at TIME] [--trust FILE]… [--json | --jsonl] [TEXT…]',
  details: `Decodes each TEXT (no TEXT: one per line on stdin) and verifies it: a Singgah certificate link
(ORIGIN/c#…) against the published bundle, an EU Digital COVID Certificate (HC1:…) against the DCC
signers the published bundle carries (\`singgah trust import\`), or, with --trust, only against the
Document Signer Certificates in those files. Prints the holder, the type and facts, each check
(prefix, base45, decompress, cose, cbor, schema, signature, keyUsage, time: ok, FAILED, or – when not
reached or not part of the format), the error codes and VALID / NOT VALID. Exit 0 when every text is
valid, 1 otherwise.

Options:
  --at TIME      check validity at TIME instead of now
  --trust FILE   Document Signer Certificate(s): PEM (one or many), DER, or a trust list; repeatable
  --json         one JSON object per text instead of words:
                 {"format", "valid", "checks": {…}, "errors": [CODE…], "payload"}
  --jsonl        JSON lines on stdin, each {"text": "…", "at": "ISO time" (optional),
                 "trust": ["PEM text or base64 DER", …] (optional, replaces --trust and the bundle)};
                 --at and --trust are the defaults for lines without "at" or "trust";
                 writes one JSON object as above per input line, in order. A line that cannot be read
                 gives {"format": null, "valid": false, …, "errors": [CODE]}: LINE_NOT_JSON,
                 TEXT_MISSING, AT_INVALID, TRUST_INVALID, INPUT_TOO_LARGE (over ${MAX_LINE_BYTES / 1024 / 1024} MiB).
                 Exit 0 once all input is processed.

TIME is ISO 8601 (2021-06-01T20:00:00+02:00; without a zone it is UTC), a date (midnight UTC), or Unix\nseconds.`,
  options: {
    at: { type: 'string' },
    trust: { type: 'string', multiple: true },
    json: { type: 'boolean' },
    jsonl: { type: 'boolean' },
  },
  positionals: [],
  variadic: true,
  async run(values, texts, ctx) {
    const cmd = 'cert inspect';
    const atRaw = optionalStr(values, 'at');
    const at = atRaw === undefined ? ctx.now : parseAt(atRaw);
    if (at === undefined) {
      throw new AuthorityError('INPUT_INVALID', `--at must be an ISO 8601 time or Unix seconds, got "${atRaw}"`);
    }
    if (values.jsonl === true) {
      if (texts.length > 0 || values.json === true) {
        throw new UsageError('--jsonl reads its texts from stdin: no TEXT, no --json', cmd);
      }
      await inspectJsonLines(values, at, ctx);
      return;
    }
    const trusted = trustOption(values);
    const bundle = bundleFor(ctx.dataDir)();
    const signers = trusted ?? bundleSigners(bundle);
    const inputs = texts.length > 0 ? texts : await stdinTexts();
    if (inputs.length === 0) throw new UsageError('no TEXT given (as arguments or on stdin)', cmd);
    if (values.json !== true) {
      ctx.out(
        `Checked at ${iso(at)} against ${trusted ? `${trusted.length} --trust signer(s)` : describeBundle(bundle)}`,
      );
    }
    let invalid = 0;
    for (const [i, text] of inputs.entries()) {
      const inspected = await inspectText(text, {
        at,
        signers,
        bundle,
        revocations: trusted ? undefined : bundleRevocations(bundle),
      });
      if (!inspected.valid) invalid++;
      if (values.json === true) ctx.out(JSON.stringify(recordOf(inspected)));
      else {
        if (i > 0) ctx.out();
        for (const line of describeInspected(text, inspected)) ctx.out(line);
      }
    }
    if (invalid > 0)
      throw new AuthorityError('CHECK_FAILED', `${invalid} of ${inputs.length} certificate(s) not valid`);
  },
};

function describeBundle(bundle: InspectContext['bundle']): string {
  if ('error' in bundle) return `no bundle (${bundle.error}): no DCC signers`;
  return `bundle version ${bundle.version} (${bundle.dccSigners?.length ?? 0} DCC signer(s))`;
}

async function stdinTexts(): Promise<string[]> {
  if (process.stdin.isTTY) return [];
  const texts: string[] = [];
  for await (const line of streamLines(process.stdin, MAX_LINE_BYTES)) {
    if (line === undefined) throw new AuthorityError('INPUT_INVALID', `a stdin line is over ${MAX_LINE_BYTES} bytes`);
    if (line.trim() !== '') texts.push(line.trim());
  }
  return texts;
}

function signerLine(t: TrustedSigner, now: number): string {
  const s = t.signer;
  const cn =
    t.subject
      .split('\n')
      .find((l) => l.startsWith('CN='))
      ?.slice(3) ?? '';
  const state = now < s.notBefore ? 'not yet valid' : now >= s.notAfter ? 'expired' : 'valid';
  const usages = s.usages ? s.usages.join('') : 'tvr';
  return `${s.kid}  ${s.country}  ${s.alg}  ${usages.padEnd(3)}  ${iso(s.notBefore)} – ${iso(s.notAfter)} (${state})  ${cn}`;
}

/**
 * Change the trusted signers, then re-sign the published bundle so phones get them at the next sync. When the
 * bundle cannot be signed (over 1 MiB with them, say), the previous signers file is put back: the data dir
 * never holds signers that no bundle can carry.
 */
function changeSigners<T>(ctx: Context, change: () => T, changed: (result: T) => boolean): T {
  const path = dccSignersPath(ctx.dataDir);
  const before = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
  const result = change();
  if (!changed(result)) return result;
  try {
    if (!readPublishedBundle(ctx.dataDir)) {
      ctx.out('No bundle published yet: `singgah bundle sign POLICY.json` will carry them.');
      return result;
    }
    const bundle = republishBundle(ctx.dataDir, ctx.now);
    ctx.out(`Re-signed bundle version ${bundle.version} with ${bundle.payload.dccSigners?.length ?? 0} DCC signer(s)`);
  } catch (e) {
    if (before === undefined) rmSync(path, { force: true });
    else writeFileAtomic(path, before, 0o644);
    if (e instanceof AuthorityError) {
      throw new AuthorityError(e.code, `${e.message}; the trusted DCC signers are unchanged`);
    }
    throw e;
  }
  return result;
}

const TRUST_COMMANDS: readonly Command[] = [
  {
    name: 'trust import',
    summary: 'trust EU DCC Document Signer Certificates (files or trust lists) in the next bundle',
    usage: 'singgah trust import FILE…',
    details: `Reads Document Signer Certificates — PEM (one or many per file), DER, base64 DER — or a trust list
(the EU gateway's /trustList JSON, a national backend's {"certificates": […]} list with or without its
signature line, a Swedish DSC-TL JWS, a WHO GDHCN DID document), and keeps what phones need in
DATA_DIR/dcc-signers.json: kid (first 8 bytes of SHA-256 of the certificate), country (subject C),
algorithm (EC P-256 → ES256, RSA ≥ 2048 bits → PS256), public key, validity and the DCC key usages
(test, vaccination, recovery OIDs 1.3.6.1.4.1.1847.2021.1.1–3, also the misspelled 1.3.6.1.4.1.0.1847…;
none = every type). Then re-signs the published bundle as the next version carrying them (phones never
parse X.509). A certificate file with anything else (another curve, a short RSA key, a CA, no country)
is refused with its reason and nothing is imported; such entries of a trust list are skipped and listed.
The lists' own signatures are not checked: fetch them over the gateway's authenticated channel.`,
    options: {},
    positionals: ['FILE'],
    variadic: true,
    async run(_v, files, ctx) {
      const incoming: TrustedSigner[] = [];
      for (const file of files) {
        const read = readSignerFile(file);
        incoming.push(...read.signers);
        for (const reason of read.skipped) ctx.warn(`skipped ${reason}`);
      }
      const added = changeSigners(
        ctx,
        () => {
          const added = addTrustedSigners(ctx.dataDir, incoming);
          ctx.out(`Imported ${added.length} DCC signer(s) (${incoming.length - added.length} already trusted)`);
          for (const t of added) ctx.out(`  ${signerLine(t, ctx.now)}`);
          return added;
        },
        (added) => added.length > 0,
      );
      for (const t of added.filter((t) => t.signer.notAfter <= ctx.now)) {
        ctx.warn(`warning: ${t.signer.kid} expired ${iso(t.signer.notAfter)}: it verifies only DCCs issued before`);
      }
    },
  },
  {
    name: 'trust list',
    summary: 'list the EU DCC signers the authority trusts',
    usage: 'singgah trust list',
    details: `One line per trusted Document Signer: kid, country, algorithm, the DCC types it may sign
(t test, v vaccination, r recovery), validity (valid, expired or not yet valid now) and its common name.`,
    options: {},
    positionals: [],
    async run(_v, _p, ctx) {
      const signers = readTrustedSigners(ctx.dataDir);
      ctx.out(`${signers.length} trusted DCC signer(s)`);
      for (const t of signers) ctx.out(signerLine(t, ctx.now));
    },
  },
  {
    name: 'trust remove',
    summary: 'stop trusting an EU DCC signer (by kid) from the next bundle',
    usage: 'singgah trust remove KID',
    details: `Removes every trusted signer with this kid (base64, as \`trust list\` prints it) from
DATA_DIR/dcc-signers.json and re-signs the published bundle without it: once phones sync, DCCs it signed
no longer verify (SIGNER_UNKNOWN).`,
    options: {},
    positionals: ['KID'],
    async run(_v, [kid], ctx) {
      changeSigners(
        ctx,
        () => {
          const removed = removeTrustedSigners(ctx.dataDir, kid);
          for (const t of removed) ctx.out(`Removed ${signerLine(t, ctx.now)}`);
        },
        () => true,
      );
    },
  },
];

const QR_DECODE: Command = {
  name: 'qr decode',
  summary: "read the QR code of PNG or JPEG files with the app's own decoder",
  usage: 'singgah qr decode [--json] FILE…',
  details: `Prints one line per FILE: "FILE: TEXT", or "FILE: no QR code found". With --json one JSON object
per line: {"file": "…", "text": "…"} or {"file": "…", "text": null}. Uses the decoder the phones run
(zxing's QR reader with Singgah's corner choice); large images are also tried smaller, and inverted.
Check a printed poster or certificate with it, or feed its text to \`singgah cert inspect\`.
Exit 0 when every file had a QR code, 1 otherwise (an unreadable file is reported and the rest read).`,
  options: { json: { type: 'boolean' } },
  positionals: ['FILE'],
  variadic: true,
  async run(values, files, ctx) {
    let unread = 0;
    for (const file of files) {
      let text: string | null = null;
      let problem: string | undefined;
      try {
        text = readQrImage(readFileSync(file), file);
      } catch (e) {
        problem = e instanceof AuthorityError ? e.message : `cannot read ${file}`;
        ctx.warn(problem);
      }
      if (text === null) unread++;
      if (values.json === true) ctx.out(JSON.stringify({ file, text }));
      else if (problem === undefined) ctx.out(`${file}: ${text ?? 'no QR code found'}`);
    }
    if (unread > 0)
      throw new AuthorityError('CHECK_FAILED', `${unread} of ${files.length} file(s) without a readable QR code`);
  },
};

// ---------------------------------------------------------------- issuing EU DCCs

const DEFAULT_DCC_ISSUER = 'Kementerian Kesehatan Republik Indonesia';

/** Options `cert issue` takes for `--format eu-dcc` (server/cli.ts merges them into its own). */
export const DCC_ISSUE_OPTIONS = {
  format: { type: 'string' },
  'given-name': { type: 'string' },
  manufacturer: { type: 'string' },
  prophylaxis: { type: 'string' },
  'test-centre': { type: 'string' },
  device: { type: 'string' },
  issuer: { type: 'string' },
} as const satisfies Record<string, OptionSpec>;

export const DCC_ISSUE_HELP = `--format eu-dcc: an EU Digital COVID Certificate (HC1:) signed with the authority's DCC issuer key
(\`singgah keys create-dcc-issuer\`), printed as its QR text; --region and --origin do not apply.
  --name NAME              family name (fn), or the whole name of a person with one name
  --given-name NAME        given name (gn), optional; both are transliterated (fnt, gnt: A–Z and <)
  --issuer NAME            is: the issuing authority (default: ${DEFAULT_DCC_ISSUER})
  vaccination: --product CODE (mp, e.g. EU/1/20/1528) --manufacturer CODE (ma, e.g. ORG-100030215)
               [--prophylaxis CODE (vp, default 1119349007)] --dose N --doses M --date YYYY-MM-DD
  test:        --test-type pcr|antigen --result neg|pos --sample-time TIME [--test-centre NAME] [--device CODE]
  recovery:    --first-positive-date YYYY-MM-DD (valid from day 11 to day 180)`;

/** `cert issue KIND --format eu-dcc …` */
export async function issueEuDcc(values: Values, kind: string, ctx: Context): Promise<void> {
  const cmd = 'cert issue';
  const optional = (name: string) => optionalStr(values, name);
  const common = {
    familyName: str(values, 'name', cmd),
    ...(optional('given-name') ? { givenName: optional('given-name') as string } : {}),
    birthDate: str(values, 'birth-date', cmd),
    issuer: optional('issuer') ?? DEFAULT_DCC_ISSUER,
    ...(optional('expires') ? { expiresAt: parseTime(optional('expires') as string, 'expires') } : {}),
  };
  if (values.region !== undefined || values.origin !== undefined) {
    throw new UsageError('--region and --origin are for Singgah certificates, not --format eu-dcc', cmd);
  }
  let input: DccIssueInput;
  if (kind === 'vaccination') {
    input = {
      ...common,
      kind,
      product: str(values, 'product', cmd),
      manufacturer: str(values, 'manufacturer', cmd),
      prophylaxis: optional('prophylaxis') ?? '1119349007',
      dose: wholeNumber(values, 'dose', cmd),
      doses: wholeNumber(values, 'doses', cmd),
      date: str(values, 'date', cmd),
    };
  } else if (kind === 'test') {
    const testType = str(values, 'test-type', cmd);
    const result = str(values, 'result', cmd);
    if (testType !== 'pcr' && testType !== 'antigen') throw new UsageError('--test-type must be pcr or antigen', cmd);
    if (result !== 'neg' && result !== 'pos') throw new UsageError('--result must be neg or pos', cmd);
    input = {
      ...common,
      kind,
      testType,
      result,
      sampleTime: parseTime(str(values, 'sample-time', cmd), 'sample-time'),
      ...(optional('test-centre') ? { testCentre: optional('test-centre') as string } : {}),
      ...(optional('device') ? { device: optional('device') as string } : {}),
    };
  } else if (kind === 'recovery') {
    input = { ...common, kind, firstPositiveDate: str(values, 'first-positive-date', cmd) };
  } else {
    throw new UsageError(`KIND must be vaccination, test or recovery, got "${kind}"`, cmd);
  }
  const issued = issueDcc(ctx.dataDir, input, ctx.now);
  ctx.out(`Issued EU DCC ${kind} for ${common.familyName}, signer ${issued.kid}, valid until ${iso(issued.expiresAt)}`);
  ctx.out(issued.text);
  const svgPath = optionalStr(values, 'svg');
  if (svgPath) {
    writeFileSync(svgPath, await linkQrSvg(issued.text));
    ctx.out(`QR written to ${resolve(svgPath)} (version ${qrVersion(issued.text)})`);
  }
}

const CREATE_DCC_ISSUER: Command = {
  name: 'keys create-dcc-issuer',
  summary: "create the authority's EU DCC signing key and certificate, trusted in the next bundle",
  usage: 'singgah keys create-dcc-issuer [--country CC] [--force]',
  details: `Makes an ES256 (P-256) key and a self-signed Document Signer Certificate for it (subject C = the
country, CN "Singgah DCC issuer CC", the DCC key usages for test, vaccination and recovery, valid 2 years),
written to DATA_DIR/keys/dcc-issuer.json (mode 0600; the key encrypted when a passphrase is given). The
certificate is added to the trusted DCC signers and the published bundle re-signed, so phones verify the
DCCs \`singgah cert issue … --format eu-dcc\` signs. Give DATA_DIR/keys/dcc-issuer.json's certificate
to other countries' gateways (\`singgah trust list\` shows its kid).

Options:
  --country CC   ISO 3166 country of the issuer (default ID)
  --force        replace an existing issuer key (the old certificate stays trusted until \`trust remove\`)`,
  options: { country: { type: 'string' }, force: { type: 'boolean' } },
  positionals: [],
  async run(values, _p, ctx) {
    const issuer = changeSigners(
      ctx,
      () => createDccIssuer(ctx.dataDir, ctx.now, optionalStr(values, 'country') ?? 'ID', values.force === true),
      () => true,
    );
    ctx.out(
      `Created the DCC issuer key ${issuer.trusted.signer.kid} (${issuer.country}), valid until ${iso(issuer.trusted.signer.notAfter)}`,
    );
  },
};

export const CERT_COMMANDS: readonly Command[] = [CERT_INSPECT, ...TRUST_COMMANDS, CREATE_DCC_ISSUER, QR_DECODE];
