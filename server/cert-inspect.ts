/**
 * `singgah cert inspect`: decode and verify any certificate QR text — a Singgah link (`…/c#digits`, core
 * certificate.ts against the published bundle), a SMART Health Card (`shc:/…`, a bare JWS or a
 * `.smart-health-card` file; core `inspectShc` against SHC issuers) or an EU DCC (`HC1:…`, core `inspectDcc`
 * against DCC signers) — into one record shape, printed as words or as JSON lines. The JSON-lines mode is the
 * interface conformance harnesses drive: one output line per input line, in order, never a crash.
 */
import type { BundlePayload } from '../src/core/bundle';
import { type Certificate, checkCertificateKey } from '../src/core/certificate';
import { type DccCheck, type DccRevocations, type DccSigner, inspectDcc } from '../src/core/dcc';
import { parseScanned } from '../src/core/qr-link';
import type { UnixSeconds } from '../src/core/schema';
import {
  inspectShc,
  parseShcPayload,
  readShcContents,
  SHC_CHECKS,
  type ShcCheck,
  type ShcInput,
  type ShcInspection,
  type ShcIssuer,
  type ShcIssuerKey,
  shcInputOf,
} from '../src/core/shc';
import { readSigners } from './dcc-trust';
import { AuthorityError } from './errors';
import { keyOfJwk, readShcImport } from './shc-trust';

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

/** The checks of a record: the DCC names (also Singgah links and unreadable lines), or the SHC names. */
export type Checks = Partial<Record<DccCheck | ShcCheck, boolean | null>>;
const checkNames = (format: InspectRecord['format']): readonly string[] => (format === 'shc' ? SHC_CHECKS : CHECKS);

/** The JSON-lines record (exactly these fields, in this order). */
export interface InspectRecord {
  readonly format: 'eu-dcc' | 'singgah' | 'shc' | null;
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
  /** The SHC issuer whose key verified the card. */
  readonly shcIssuer?: ShcIssuer;
}

/** What a text is checked against: DCC signers, and the published bundle for Singgah certificates. */
export interface InspectContext {
  readonly at: UnixSeconds;
  readonly signers: readonly DccSigner[];
  /** The published bundle; an error code when there is none or it does not verify. */
  readonly bundle: BundlePayload | { readonly error: string };
  /** Revoked DCCs: the bundle's when checking against its signers, none against `--trust` files. */
  readonly revocations?: DccRevocations | undefined;
  /** Trusted SMART Health Card issuers: the bundle's, or `--trust` files'. */
  readonly shcIssuers?: readonly ShcIssuer[];
  /** Keys of `--trust` JWKS files, which name no issuer: they vouch for whatever `iss` the card claims. */
  readonly shcKeys?: readonly ShcIssuerKey[];
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

/** A compact JWS as a `.smart-health-card` file holds it (the header always starts `{"` → `eyJ`). */
const BARE_JWS = /^eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/;

/** The SMART Health Card inputs of a text, or undefined when it is not one: `shc:/`, a JWS, or a file's JSON. */
function shcInputsOf(raw: string): ShcInput[] | undefined {
  // A text read from a file usually ends with a line break: that is not part of the card. Anything else around
  // it (spaces, a byte-order mark) still marks the text as a card, and fails its checks.
  const text = raw.replace(/(\r?\n)+$/, '');
  const probe = text.replace(/^[\s\uFEFF]+/, '');
  if (probe.startsWith('shc:/')) return [{ qr: text.split(/\r?\n/) }];
  if (BARE_JWS.test(probe.trimEnd())) return [shcInputOf(text)];
  if (!probe.startsWith('{')) return undefined;
  try {
    const file = JSON.parse(text) as { verifiableCredential?: unknown };
    const list = file?.verifiableCredential;
    if (!Array.isArray(list)) return undefined;
    return list.map((jws) => ({ jws: typeof jws === 'string' ? jws : '' }));
  } catch {
    return undefined;
  }
}

function inspectOneShc(input: ShcInput, ctx: InspectContext): ShcInspection {
  const opts = { at: ctx.at, issuers: ctx.shcIssuers ?? [] };
  const first = inspectShc(input, opts);
  const iss = first.claims.iss;
  if (first.valid || !ctx.shcKeys?.length || iss === undefined || opts.issuers.some((i) => i.iss === iss)) return first;
  // JWKS given without an issuer stand for the card's own iss, as <iss>/.well-known/jwks.json would.
  return inspectShc(input, { ...opts, issuers: [...opts.issuers, { iss, name: '--trust', keys: ctx.shcKeys }] });
}

/**
 * A SMART Health Card: one QR text (chunks joined by line breaks), a bare JWS, or a `.smart-health-card` file
 * (every card in it must be valid; a check is false if it is false for any, null if null for any).
 */
function inspectShcText(inputs: readonly ShcInput[], ctx: InspectContext): Inspected {
  const reports = inputs.map((i) => inspectOneShc(i, ctx));
  if (reports.length === 1) {
    const r = reports[0];
    return {
      format: 'shc',
      valid: r.valid,
      checks: { ...r.checks },
      errors: [...r.errors],
      payload: r.payload,
      ...(r.kid === undefined ? {} : { kid: r.kid }),
      ...(r.issuer === undefined ? {} : { shcIssuer: r.issuer }),
    };
  }
  const checks: Checks = {};
  for (const c of SHC_CHECKS) {
    const values = reports.map((r) => r.checks[c]);
    checks[c] = values.includes(false) ? false : values.includes(null) ? null : values.length > 0;
  }
  return {
    format: 'shc',
    valid: reports.length > 0 && reports.every((r) => r.valid),
    checks,
    errors: reports.length === 0 ? ['SHC_JWS_INVALID'] : [...new Set(reports.flatMap((r) => r.errors))],
    payload: reports.map((r) => r.payload),
  };
}

/**
 * Inspect one QR text. A Singgah link, a SMART Health Card (`shc:/`, JWS or file); anything else is read as
 * an EU DCC (prefix false if not `HC1:`).
 */
export async function inspectText(text: string, ctx: InspectContext): Promise<Inspected> {
  if (SINGGAH_LINK.test(text)) return inspectSinggah(text, ctx);
  const shc = shcInputsOf(text);
  if (shc) return inspectShcText(shc, ctx);
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

/** Only the JSON-lines fields, in their fixed order (the checks of the record's format, in theirs). */
export const recordOf = (r: InspectRecord): InspectRecord => ({
  format: r.format,
  valid: r.valid,
  checks: Object.fromEntries(checkNames(r.format).map((c) => [c, r.checks[c as DccCheck] ?? null])) as Checks,
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

/** What a check trusts besides the bundle: DCC signers, SHC issuers, and SHC keys that name no issuer. */
export interface TrustSet {
  readonly signers: DccSigner[];
  readonly shcIssuers: ShcIssuer[];
  readonly shcKeys: ShcIssuerKey[];
}

/**
 * SMART Health Card trust in a JSON text, or undefined when it is not one: a JWKS `{"keys"}` (keys for the
 * card's own iss) or a VCI snapshot `{"issuerInfo"}`. Keys are read as an import reads them.
 */
export function shcTrustOfText(text: string, what: string): { issuers: ShcIssuer[]; keys: ShcIssuerKey[] } | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const o = json !== null && typeof json === 'object' ? (json as Record<string, unknown>) : undefined;
  if (Array.isArray(o?.keys)) {
    const keys: ShcIssuerKey[] = [];
    for (const [i, jwk] of o.keys.entries()) {
      try {
        keys.push(keyOfJwk(jwk, `${what} key ${i + 1}`));
      } catch (e) {
        if (!(e instanceof AuthorityError)) throw e;
      }
    }
    if (keys.length === 0) throw new AuthorityError('SHC_ISSUER_INVALID', `${what}: no usable SMART Health Card key`);
    return { issuers: [], keys };
  }
  if (Array.isArray(o?.issuerInfo)) return { issuers: readShcImportJson(o, what), keys: [] };
  return undefined;
}

const readShcImportJson = (json: unknown, what: string): ShcIssuer[] => readShcImport([], {}, [[what, json]]).issuers;

/** Trust from `trust` entries (PEM text, base64 DER, a JWKS or a VCI snapshot), read leniently (a check, not an import). */
export function trustOfTexts(texts: readonly string[]): TrustSet & { errors: string[] } {
  const set: TrustSet = { signers: [], shcIssuers: [], shcKeys: [] };
  const errors: string[] = [];
  texts.forEach((t, i) => {
    try {
      const shc = shcTrustOfText(t, `trust[${i}]`);
      if (shc) {
        set.shcIssuers.push(...shc.issuers);
        set.shcKeys.push(...shc.keys);
        return;
      }
      set.signers.push(
        ...readSigners(Buffer.from(t, 'utf8'), `trust[${i}]`, { lenient: true }).signers.map((s) => s.signer),
      );
    } catch (e) {
      if (!(e instanceof AuthorityError)) throw e;
      errors.push(e.code === 'SHC_ISSUER_INVALID' ? 'SHC_ISSUER_INVALID' : 'DCC_SIGNER_INVALID');
    }
  });
  return { ...set, errors: [...new Set(errors)] };
}

export interface LineDefaults {
  /** The time for lines without "at": --at, else now. */
  readonly now: UnixSeconds;
  /** `--trust` files' signers and issuers; undefined = the bundle's. */
  readonly trust?: TrustSet;
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
  const own = trust === undefined ? undefined : trustOfTexts(trust as string[]);
  const result = recordOf(await inspectText(text, { ...contextOf(own ?? d.trust, d.bundle()), at: time }));
  if (!own || own.errors.length === 0) return result;
  return { ...result, valid: false, errors: [...own.errors, ...result.errors] };
}

export const bundleSigners = (bundle: InspectContext['bundle']): readonly DccSigner[] =>
  'error' in bundle ? [] : (bundle.dccSigners ?? []);

export const bundleRevocations = (bundle: InspectContext['bundle']): DccRevocations | undefined =>
  'error' in bundle ? undefined : bundle.dccRevocations;

/** What a text is checked against: the given trust only, or (none given) the bundle's signers and issuers. */
export function contextOf(trust: TrustSet | undefined, bundle: InspectContext['bundle']): Omit<InspectContext, 'at'> {
  if (trust) return { bundle, signers: trust.signers, shcIssuers: trust.shcIssuers, shcKeys: trust.shcKeys };
  const revocations = bundleRevocations(bundle);
  return {
    bundle,
    signers: bundleSigners(bundle),
    shcIssuers: 'error' in bundle ? [] : (bundle.shcIssuers ?? []),
    ...(revocations ? { revocations } : {}),
  };
}

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

/** The facts of a SMART Health Card payload (or of each card of a file) in words, as the rules would see them. */
function shcFacts(payload: unknown): string[] {
  const lines: string[] = [];
  for (const p of Array.isArray(payload) ? payload : [payload]) {
    const parsed = parseShcPayload(p);
    if (!parsed.ok) continue;
    const c = readShcContents(parsed.value);
    lines.push(
      `Holder:    ${[...c.holder.given, c.holder.family ?? ''].join(' ').trim()}, born ${c.holder.birthDate || '?'}`,
    );
    lines.push(`Issuer:    ${parsed.value.iss}, issued ${new Date(parsed.value.nbf * 1000).toISOString()}`);
    for (const i of c.immunizations) {
      const code = i.vaccine ? `${i.vaccine.code}` : '?';
      const dose = i.dose === null ? 'not counted' : `dose ${i.dose} of ${i.doses}`;
      lines.push(
        `Vaccination: ${i.product ?? `unknown vaccine ${code}`}, ${dose}, ${i.date ?? '?'} (${i.status}${i.lotNumber ? `, lot ${i.lotNumber}` : ''}${i.performer ? `, ${i.performer}` : ''})`,
      );
    }
    // Only the tests the rules read are listed: a card may carry a whole panel of other observations.
    for (const t of c.labResults.filter((x) => x.testType !== null)) {
      const when = t.sampleTime === null ? '?' : new Date(t.sampleTime * 1000).toISOString();
      lines.push(
        `Test:      ${t.testType} (LOINC ${t.test?.code}), ${t.result ?? `result ${t.resultCode?.code ?? '?'}`}, sampled ${when} (${t.status})`,
      );
    }
    const others = c.labResults.filter((x) => x.testType === null).length;
    if (others > 0) lines.push(`Other:     ${others} observation(s) that are not SARS-CoV-2 tests the rules use`);
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
  const format =
    r.format === 'eu-dcc'
      ? 'EU Digital COVID Certificate'
      : r.format === 'shc'
        ? 'SMART Health Card'
        : r.format === 'singgah'
          ? 'Singgah'
          : '?';
  const by = r.signer
    ? `, signed by ${r.signer.country} signer ${r.signer.kid}`
    : r.shcIssuer
      ? `, issued by ${r.shcIssuer.name} (${r.shcIssuer.iss}), key ${r.kid}`
      : r.kid
        ? `, kid ${r.kid}`
        : '';
  lines.push(`Format:    ${format}${by}`);
  if (r.certificate) lines.push(...singgahFacts(r.certificate));
  else if (r.payload !== null && r.format === 'eu-dcc') lines.push(...dccFacts(r.payload));
  else if (r.format === 'shc') lines.push(...shcFacts(r.payload));
  lines.push(
    `Checks:    ${checkNames(r.format)
      .map((c) => `${c} ${mark(r.checks[c as DccCheck] ?? null)}`)
      .join(', ')}`,
  );
  if (r.errors.length > 0) lines.push(`Errors:    ${r.errors.join(', ')}`);
  lines.push(`Result:    ${r.valid ? 'VALID' : 'NOT VALID'}`);
  return lines.map((l, i) => (i === 0 ? l : `  ${l}`));
}
