/**
 * `singgah cert inspect`: decode and verify any certificate QR text (Singgah link or EU DCC `HC1:`), readable,
 * as JSON, or as a stream of JSON lines for conformance harnesses (one answer per input line, in order).
 */
import { readFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import type { UnixSeconds } from '../../src/core/schema';
import { readPublishedBundle } from '../authority';
import {
  contextOf,
  describeInspected,
  failedRecord,
  type InspectContext,
  inspectLine,
  inspectText,
  parseAt,
  recordOf,
  shcTrustOfText,
  type TrustSet,
} from '../cert-inspect';
import { readSignerFile } from '../dcc-trust';
import { AuthorityError } from '../errors';
import { type Command, type Context, iso, optionalStr, UsageError, type Values } from './kit';

/** A JSON-lines input line longer than this is answered with INPUT_TOO_LARGE (real lines are a few KB). */
const MAX_LINE_BYTES = 1024 * 1024;

/**
 * Lines of a stream, one at a time as they arrive (never the whole input in memory); a line over `max`
 * bytes is yielded as `undefined` and its bytes dropped. A last line without a newline counts.
 */
async function* streamLines(input: Readable, max: number): AsyncGenerator<string | undefined> {
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

/**
 * `--trust FILE…` → what they trust, read leniently (a check, not an import): Document Signer Certificates or
 * trust lists (DCC), a JWKS or a VCI snapshot (SMART Health Cards).
 */
function trustOption(values: Values): TrustSet | undefined {
  const files = list(values, 'trust');
  if (files.length === 0) return undefined;
  const set: TrustSet = { signers: [], shcIssuers: [], shcKeys: [] };
  for (const f of files) {
    let text: string | undefined;
    try {
      text = readFileSync(f, 'utf8');
    } catch {
      throw new AuthorityError('INPUT_INVALID', `cannot read ${f}`);
    }
    const shc = shcTrustOfText(text, f);
    if (shc) {
      set.shcIssuers.push(...shc.issuers);
      set.shcKeys.push(...shc.keys);
    } else set.signers.push(...readSignerFile(f, { lenient: true }).signers.map((t) => t.signer));
  }
  return set;
}

/** Consecutive `shc:/n/N/` parts of one card (as a multi-QR card is given, one per argument or line) → one text. */
export function groupShcChunks(texts: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < texts.length; i++) {
    const total = Number(/^shc:\/\d+\/(\d+)\//.exec(texts[i])?.[1] ?? 1);
    const parts = texts.slice(i, i + total);
    if (total > 1 && parts.length === total && parts.every((t) => t.startsWith('shc:/'))) {
      out.push(parts.join('\n'));
      i += total - 1;
    } else out.push(texts[i]);
  }
  return out;
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
  const trust = trustOption(values);
  const bundle = bundleFor(ctx.dataDir);
  const defaults = { now: at, bundle, ...(trust ? { trust } : {}) };
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

export const CERT_INSPECT: Command = {
  name: 'cert inspect',
  summary: 'decode and verify certificate QR texts (Singgah links, SMART Health Cards shc:/, EU DCC HC1:)',
  usage: 'singgah cert inspect [--at TIME] [--trust FILE]… [--json | --jsonl] [TEXT…]',
  details: `Decodes each TEXT (no TEXT: one per line on stdin) and verifies it: a Singgah certificate link
(ORIGIN/c#…) against the published bundle; a SMART Health Card (shc:/…, the parts of a multi-QR card as
consecutive TEXTs or lines; also a bare JWS or a .smart-health-card file's JSON) against the SMART Health
Card issuers the published bundle carries (\`singgah trust import-shc\`); an EU Digital COVID Certificate
(HC1:…) against the DCC signers the published bundle carries (\`singgah trust import\`). With --trust,
only against those files. Prints the holder, the type and facts, each check (EU DCC and Singgah: prefix,
base45, decompress, cose, cbor, schema, signature, keyUsage, time; SMART Health Card: prefix, numeric, jws,
decompress, payload, signature, time — ok, FAILED, or – when not reached or not part of the format), the
error codes and VALID / NOT VALID. Exit 0 when every text is valid, 1 otherwise.

Options:
  --at TIME      check validity at TIME instead of now
  --trust FILE   Document Signer Certificate(s): PEM (one or many), DER, or a trust list; or a SMART Health
                 Card issuer's JWKS (its keys vouch for the iss a card claims) or a VCI snapshot; repeatable
  --json         one JSON object per text instead of words:
                 {"format", "valid", "checks": {…}, "errors": [CODE…], "payload"}
  --jsonl        JSON lines on stdin, each {"text": "…", "at": "ISO time" (optional),
                 "trust": ["PEM text, base64 DER or JWKS JSON", …] (optional, replaces --trust and the
                 bundle)}; a multi-QR SMART Health Card is one text, its parts joined by "\\n";
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
    const inputs = groupShcChunks(texts.length > 0 ? texts : await stdinTexts());
    if (inputs.length === 0) throw new UsageError('no TEXT given (as arguments or on stdin)', cmd);
    if (values.json !== true) {
      ctx.out(`Checked at ${iso(at)} against ${trusted ? describeTrust(trusted) : describeBundle(bundle)}`);
    }
    let invalid = 0;
    for (const [i, text] of inputs.entries()) {
      const inspected = await inspectText(text, { ...contextOf(trusted, bundle), at });
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
  if ('error' in bundle) return `no bundle (${bundle.error}): no DCC signers, no SMART Health Card issuers`;
  return `bundle version ${bundle.version} (${bundle.dccSigners?.length ?? 0} DCC signer(s), ${bundle.shcIssuers?.length ?? 0} SMART Health Card issuer(s))`;
}

const describeTrust = (t: TrustSet): string =>
  `${t.signers.length} --trust signer(s), ${t.shcIssuers.length} SMART Health Card issuer(s) and ${t.shcKeys.length} key(s) for any iss`;

async function stdinTexts(): Promise<string[]> {
  if (process.stdin.isTTY) return [];
  const texts: string[] = [];
  for await (const line of streamLines(process.stdin, MAX_LINE_BYTES)) {
    if (line === undefined) throw new AuthorityError('INPUT_INVALID', `a stdin line is over ${MAX_LINE_BYTES} bytes`);
    if (line.trim() !== '') texts.push(line.trim());
  }
  return texts;
}
