/**
 * `singgah cert inspect`: decode and verify any certificate QR text — a Singgah link (`…/c#digits`, core
 * certificate.ts against the published bundle) or an EU DCC (`HC1:…`, core `inspectDcc` against DCC
 * signers) — into one record shape, printed as words or as JSON lines. The JSON-lines mode is the
 * interface conformance harnesses drive: one output line per input line, in order, never a crash.
 */
import type { BundlePayload } from '../src/core/bundle';
import { type Certificate, checkCertificateKey } from '../src/core/certificate';
import { type DccCheck, type DccRevocations, type DccSigner, inspectDcc } from '../src/core/dcc';
import { parseScanned } from '../src/core/qr-link';
import type { UnixSeconds } from '../src/core/schema';
import { readSigners } from './dcc-trust';
import { AuthorityError } from './errors';

export const CHECKS: readonly DccCheck[] = [
  'prefix',
  'base45',
  'decompress',
  'cose',
  'cbor',
  'schema',
  'signature',
  'keyUsage',
  'time',
];

export type Checks = Record<DccCheck, boolean | null>;

/** The JSON-lines record (exactly these fields, in this order). */
export interface InspectRecord {
  readonly format: 'eu-dcc' | 'singgah' | null;
  readonly valid: boolean;
  readonly checks: Checks;
  readonly errors: readonly string[];
  readonly payload: unknown;
}

/** The record plus what the readable output shows. */
export interface Inspected extends InspectRecord {
  readonly kid?: string;
  readonly signer?: DccSigner;
  readonly certificate?: Certificate;
}

/** What a text is checked against: DCC signers, and the published bundle for Singgah certificates. */
export interface InspectContext {
  readonly at: UnixSeconds;
  readonly signers: readonly DccSigner[];
  /** The published bundle; an error code when there is none or it does not verify. */
  readonly bundle: BundlePayload | { readonly error: string };
  /** Revoked DCCs: the bundle's when checking against its signers, none against `--trust` files. */
  readonly revocations?: DccRevocations | undefined;
}

const noChecks = (): Checks => ({
  prefix: null,
  base45: null,
  decompress: null,
  cose: null,
  cbor: null,
  schema: null,
  signature: null,
  keyUsage: null,
  time: null,
});

/** A line that could not even be read: no format, nothing checked. */
export const failedRecord = (code: string): InspectRecord => ({
  format: null,
  valid: false,
  checks: noChecks(),
  errors: [code],
  payload: null,
});

// Bundle-key failures: which check each one fails (the signature verified for the last two).
const SIGNATURE_CODES = new Set(['KEY_UNKNOWN', 'CERTIFICATE_SIGNATURE_INVALID', 'KEY_REVOKED']);

/**
 * A Singgah certificate link. Steps that do not exist in this format (base45, zlib, COSE, CBOR) stay null;
 * prefix = it is a certificate link, schema = its payload decodes, signature = a bundle key verified it,
 * keyUsage = that key is a certificate key whose window covers the certificate's life and the lifetime is within the
 * policy's cap for its kind, time = issuedAt ≤ at < expiresAt.
 */
function inspectSinggah(text: string, ctx: InspectContext): Inspected {
  const checks = noChecks();
  const kind = SINGGAH_LINK.exec(text)?.[1];
  if (kind?.toLowerCase() !== 'c') return { ...failedRecord('NOT_A_CERTIFICATE'), format: 'singgah' };
  checks.prefix = true;
  const decoded = parseScanned(text);
  if (!decoded.ok) {
    checks.schema = false;
    return { format: 'singgah', valid: false, checks, errors: [decoded.error.code], payload: null };
  }
  if (decoded.value.kind !== 'certificate') return { ...failedRecord('NOT_A_CERTIFICATE'), format: 'singgah' };
  checks.schema = true;
  const signed = decoded.value.signed;
  const c = signed.certificate;
  const errors: string[] = [];
  if ('error' in ctx.bundle) {
    errors.push(ctx.bundle.error);
  } else {
    const key = checkCertificateKey(signed, ctx.bundle);
    if (key.ok) {
      checks.signature = true;
      checks.keyUsage = true;
    } else {
      errors.push(key.error.code);
      checks.signature = !SIGNATURE_CODES.has(key.error.code);
      if (checks.signature) checks.keyUsage = false;
    }
    if (ctx.bundle.revocations.certificates.includes(c.id)) errors.push('CERTIFICATE_REVOKED');
  }
  checks.time = c.issuedAt <= ctx.at && ctx.at < c.expiresAt;
  if (ctx.at < c.issuedAt) errors.push('CERTIFICATE_NOT_YET_VALID');
  if (ctx.at >= c.expiresAt) errors.push('CERTIFICATE_EXPIRED');
  return { format: 'singgah', valid: errors.length === 0, checks, errors, payload: c, certificate: c };
}

/** A Singgah link (`https://<origin>/c#<digits>`, `/v#` a venue); its digits are checked by core. */
const SINGGAH_LINK = /^\s*https?:\/\/[^/?#\s]+\/([vc])\/?#(.*)$/is;

/** Inspect one QR text. Anything that is not a Singgah link is read as an EU DCC (prefix false if not `HC1:`). */
export async function inspectText(text: string, ctx: InspectContext): Promise<Inspected> {
  if (SINGGAH_LINK.test(text)) return inspectSinggah(text, ctx);
  const dcc = await inspectDcc(text, {
    at: ctx.at,
    signers: ctx.signers,
    ...(ctx.revocations ? { revocations: ctx.revocations } : {}),
  });
  return {
    format: dcc.format,
    valid: dcc.valid,
    checks: { ...noChecks(), ...dcc.checks },
    errors: [...dcc.errors],
    payload: dcc.payload ?? null,
    ...(dcc.kid !== undefined ? { kid: dcc.kid } : {}),
    ...(dcc.signer !== undefined ? { signer: dcc.signer } : {}),
  };
}

/** Only the JSON-lines fields, in their fixed order. */
export const recordOf = (r: InspectRecord): InspectRecord => ({
  format: r.format,
  valid: r.valid,
  checks: Object.fromEntries(CHECKS.map((c) => [c, r.checks[c]])) as Checks,
  errors: r.errors,
  payload: r.payload,
});

/**
 * An `--at` / `"at"` time: ISO 8601 (a time without a zone is read as UTC, as test corpora mean it; a date
 * is midnight UTC), or Unix seconds.
 */
export function parseAt(raw: unknown): UnixSeconds | undefined {
  if (typeof raw === 'number') return Number.isFinite(raw) ? Math.floor(raw) : undefined;
  if (typeof raw !== 'string') return undefined;
  const text = raw.trim();
  if (/^\d{1,12}$/.test(text)) return Number(text);
  const m = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i.exec(text);
  if (!m) return undefined;
  const ms = Date.parse(m[1] && !m[4] ? `${text}Z` : text);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

/** Signers from `trust` entries (PEM text or base64 DER), read leniently (a check, not an import). */
export function signersOfTexts(texts: readonly string[]): { signers: DccSigner[]; errors: string[] } {
  const signers: DccSigner[] = [];
  const errors: string[] = [];
  texts.forEach((t, i) => {
    try {
      signers.push(
        ...readSigners(Buffer.from(t, 'utf8'), `trust[${i}]`, { lenient: true }).signers.map((s) => s.signer),
      );
    } catch (e) {
      if (!(e instanceof AuthorityError)) throw e;
      errors.push('DCC_SIGNER_INVALID');
    }
  });
  return { signers, errors: [...new Set(errors)] };
}

export interface LineDefaults {
  /** The time for lines without "at": --at, else now. */
  readonly now: UnixSeconds;
  /** `--trust` signers; undefined = the bundle's. */
  readonly signers?: readonly DccSigner[];
  readonly bundle: () => InspectContext['bundle'];
}

/**
 * One JSON-lines input `{"text", "at"?, "trust"?}` → its record. A malformed line gives format null and a
 * code (LINE_NOT_JSON, TEXT_MISSING, AT_INVALID, TRUST_INVALID); a trust entry that is not a usable DSC adds
 * DCC_SIGNER_INVALID while the text is still decoded, so the decoding checks are still reported.
 */
export async function inspectLine(line: string, d: LineDefaults): Promise<InspectRecord> {
  let input: unknown;
  try {
    input = JSON.parse(line);
  } catch {
    return failedRecord('LINE_NOT_JSON');
  }
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return failedRecord('LINE_NOT_JSON');
  const { text, at, trust } = input as { text?: unknown; at?: unknown; trust?: unknown };
  if (typeof text !== 'string') return failedRecord('TEXT_MISSING');
  const time = at === undefined || at === null ? d.now : parseAt(at);
  if (time === undefined) return failedRecord('AT_INVALID');
  if (trust !== undefined && (!Array.isArray(trust) || trust.some((t) => typeof t !== 'string'))) {
    return failedRecord('TRUST_INVALID');
  }
  const own = trust === undefined ? undefined : signersOfTexts(trust as string[]);
  const signers = own?.signers ?? d.signers ?? bundleSigners(d.bundle());
  const revocations = own || d.signers ? undefined : bundleRevocations(d.bundle());
  const result = recordOf(
    await inspectText(text, { at: time, signers, bundle: d.bundle(), ...(revocations ? { revocations } : {}) }),
  );
  if (!own || own.errors.length === 0) return result;
  return { ...result, valid: false, errors: [...own.errors, ...result.errors] };
}

export const bundleSigners = (bundle: InspectContext['bundle']): readonly DccSigner[] =>
  'error' in bundle ? [] : (bundle.dccSigners ?? []);

export const bundleRevocations = (bundle: InspectContext['bundle']): DccRevocations | undefined =>
  'error' in bundle ? undefined : bundle.dccRevocations;

// ---------------------------------------------------------------- readable output

const mark = (v: boolean | null) => (v === null ? '–' : v ? 'ok' : 'FAILED');

const TEST_TYPES: Record<string, string> = { 'LP6464-4': 'NAAT/PCR', 'LP217198-3': 'rapid antigen' };
const TEST_RESULTS: Record<string, string> = { '260415000': 'not detected', '260373001': 'detected' };

type Json = Record<string, unknown>;
const field = (o: unknown, k: string): unknown => (o !== null && typeof o === 'object' ? (o as Json)[k] : undefined);
const textOf = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : '?');

/** The facts of a DCC payload in words (codes as they are: the value sets are the app's). */
function dccFacts(payload: unknown): string[] {
  const lines: string[] = [];
  const nam = field(payload, 'nam');
  const written = [field(nam, 'fn'), field(nam, 'gn')].filter((x) => typeof x === 'string').join(', ');
  const transliterated = [field(nam, 'fnt'), field(nam, 'gnt')].filter((x) => typeof x === 'string').join(', ');
  lines.push(`Holder:    ${written || transliterated} (${transliterated}), born ${textOf(field(payload, 'dob'))}`);
  for (const v of (field(payload, 'v') as unknown[] | undefined) ?? []) {
    lines.push(
      `Vaccination: ${textOf(field(v, 'mp'))} (${textOf(field(v, 'ma'))}), dose ${textOf(field(v, 'dn'))} of ${textOf(field(v, 'sd'))} on ${textOf(field(v, 'dt'))}, in ${textOf(field(v, 'co'))}, issuer ${textOf(field(v, 'is'))}`,
    );
  }
  for (const t of (field(payload, 't') as unknown[] | undefined) ?? []) {
    const type = textOf(field(t, 'tt'));
    const result = textOf(field(t, 'tr'));
    lines.push(
      `Test:      ${TEST_TYPES[type] ?? type}, ${TEST_RESULTS[result] ?? result}, sampled ${textOf(field(t, 'sc'))}, at ${textOf(field(t, 'tc'))}, in ${textOf(field(t, 'co'))}`,
    );
  }
  for (const r of (field(payload, 'r') as unknown[] | undefined) ?? []) {
    lines.push(
      `Recovery:  first positive ${textOf(field(r, 'fr'))}, valid ${textOf(field(r, 'df'))} to ${textOf(field(r, 'du'))}, in ${textOf(field(r, 'co'))}`,
    );
  }
  return lines;
}

function singgahFacts(c: Certificate): string[] {
  const lines = [`Holder:    ${c.holder.name}, born ${c.holder.birthDate}, region ${c.holder.region}`];
  if (c.kind === 'vaccination') lines.push(`Vaccination: ${c.product}, dose ${c.dose} of ${c.doses} on ${c.date}`);
  if (c.kind === 'test') {
    lines.push(`Test:      ${c.testType}, ${c.result}, sampled ${new Date(c.sampleTime * 1000).toISOString()}`);
  }
  if (c.kind === 'recovery') lines.push(`Recovery:  first positive ${c.firstPositiveDate}`);
  lines.push(`Id:        ${c.id} (key ${c.kid})`);
  return lines;
}

/** The readable report of one inspected text. */
export function describeInspected(text: string, r: Inspected): string[] {
  const shown = text.length > 60 ? `${text.slice(0, 57)}…` : text;
  const lines = [shown];
  const format = r.format === 'eu-dcc' ? 'EU Digital COVID Certificate' : r.format === 'singgah' ? 'Singgah' : '?';
  const by = r.signer ? `, signed by ${r.signer.country} signer ${r.signer.kid}` : r.kid ? `, kid ${r.kid}` : '';
  lines.push(`Format:    ${format}${by}`);
  if (r.certificate) lines.push(...singgahFacts(r.certificate));
  else if (r.payload !== null && r.format === 'eu-dcc') lines.push(...dccFacts(r.payload));
  lines.push(`Checks:    ${CHECKS.map((c) => `${c} ${mark(r.checks[c])}`).join(', ')}`);
  if (r.errors.length > 0) lines.push(`Errors:    ${r.errors.join(', ')}`);
  lines.push(`Result:    ${r.valid ? 'VALID' : 'NOT VALID'}`);
  return lines.map((l, i) => (i === 0 ? l : `  ${l}`));
}
