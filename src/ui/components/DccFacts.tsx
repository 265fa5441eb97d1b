/**
 * What an EU DCC says, as label/value rows, and whether it verifies: shared by the import screen and the
 * wallet, as CertificateFacts is for Singgah certificates. Codes are shown in words from the bundle's DCC
 * value sets (core/dcc/value-sets.ts), test types and results the rules know in the reader's language; any
 * other code is shown as it is, marked unknown — never guessed.
 */
import type { BundlePayload, DccValueSets, EuDccRule } from '../../core/bundle';
import type { DccErrorCode } from '../../core/dcc';
import { dccRuleDescription, dccRuleNamed } from '../../core/dcc/rules';
import { nameOfCode, VALUE_SET } from '../../core/dcc/value-sets';
import { installedDccCodec } from '../../core/dcc-codec';
import { dccHolderName, type HeldDcc } from '../../core/held-certificate';
import type { UnixSeconds } from '../../core/schema';
import { formatDateTime, formatIsoDate } from '../format';
import { type I18n, useI18n } from '../i18n';
import { useApp } from '../model-context';
import { VerificationChip } from './VerificationChip';

const TEST_TYPE: Readonly<Record<string, 'pcr' | 'antigen'>> = { 'LP6464-4': 'pcr', 'LP217198-3': 'antigen' };
const RESULT: Readonly<Record<string, 'neg' | 'pos'>> = { '260415000': 'neg', '260373001': 'pos' };

function countryName(code: string, lang: string): string {
  try {
    return new Intl.DisplayNames([lang], { type: 'region' }).of(code) ?? code;
  } catch {
    return code;
  }
}

/** A DCC date-time (`sc`) in the reader's words; as written when it is not one. */
function dateTime(s: string, lang: I18n['lang']): string {
  const ms = Date.parse(s);
  return Number.isNaN(ms) ? s : formatDateTime(Math.floor(ms / 1000), lang);
}

/** A code in words from its value set; the code itself, marked unknown, when the set does not list it. */
export function named(sets: DccValueSets | undefined, setId: string, code: string, t: I18n['t']): string {
  const n = nameOfCode(sets, setId, code);
  return n.known ? n.name : t('dcc.unknownCode', { code });
}

function rows(d: HeldDcc, sets: DccValueSets | undefined, { t, lang }: I18n): [string, string][] {
  const h = d.holder;
  const out: [string, string][] = [
    [t('import.holder'), dccHolderName(h)],
    [t('dcc.transliterated'), [h.fnt, h.gnt].filter(Boolean).join(' / ')],
    [t('import.birthDate'), h.dob === '' ? t('dcc.unknown') : formatIsoDate(h.dob, lang)],
    [t('import.kind'), t(`kind.${d.kind}`)],
  ];
  const v = d.payload.v?.[0];
  const te = d.payload.t?.[0];
  const r = d.payload.r?.[0];
  const entry = v ?? te ?? r;
  if (entry) {
    out.push([t('dcc.country'), countryName(entry.co, lang)]);
    out.push([t('dcc.disease'), named(sets, VALUE_SET.disease, entry.tg, t)]);
  }
  if (v) {
    out.push([t('import.product'), named(sets, VALUE_SET.vaccine, v.mp, t)]);
    out.push([t('dcc.vaccineType'), named(sets, VALUE_SET.vaccineType, v.vp, t)]);
    out.push([t('dcc.manufacturer'), named(sets, VALUE_SET.vaccineMaker, v.ma, t)]);
    out.push([t('kind.vaccination'), t('import.dose', { dose: v.dn, doses: v.sd })]);
    out.push([t('import.vaccinationDate'), formatIsoDate(v.dt.slice(0, 10), lang)]);
  } else if (te) {
    const type = TEST_TYPE[te.tt];
    const result = RESULT[te.tr];
    out.push([t('import.testType'), type ? t(`test.${type}`) : named(sets, VALUE_SET.testType, te.tt, t)]);
    if (te.ma) out.push([t('dcc.testDevice'), named(sets, VALUE_SET.testDevice, te.ma, t)]);
    out.push([t('import.result'), result ? t(`test.${result}`) : named(sets, VALUE_SET.testResult, te.tr, t)]);
    out.push([t('import.sampleTime'), dateTime(te.sc, lang)]);
    if (te.tc) out.push([t('dcc.centre'), te.tc]);
  } else if (r) {
    out.push([t('import.firstPositive'), formatIsoDate(r.fr.slice(0, 10), lang)]);
    out.push([t('dcc.validFrom'), formatIsoDate(r.df.slice(0, 10), lang)]);
    out.push([t('dcc.validUntil'), formatIsoDate(r.du.slice(0, 10), lang)]);
  }
  if (entry) {
    out.push([t('dcc.issuer'), entry.is]);
    out.push([t('dcc.uci'), entry.ci]);
  }
  out.push([t('import.issued'), formatDateTime(d.issuedAt, lang)]);
  out.push([t('import.expires'), formatDateTime(d.expiresAt, lang)]);
  return out;
}

export function DccFacts({ dcc }: { dcc: HeldDcc }) {
  const i18n = useI18n();
  const sets = useApp().bundle.bundle?.payload.dccValueSets;
  return (
    <dl class="facts" data-testid="dcc-facts">
      {rows(dcc, sets, i18n).map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd class="truncate-lines">{v}</dd>
        </div>
      ))}
    </dl>
  );
}

export type DccVerification =
  | { readonly state: 'verified'; readonly country: string }
  | { readonly state: 'unverifiable' }
  /** `rule`: the EU acceptance rule it failed (or that could not be evaluated), when that is why. */
  | { readonly state: 'invalid'; readonly code: DccErrorCode; readonly rule?: EuDccRule };

/** What the bundle's DCC signers and EU rules say about it at `now` (signatures cached per bundle in core). */
export function verificationOfDcc(dcc: HeldDcc, bundle: BundlePayload | undefined, now: UnixSeconds): DccVerification {
  // The codec is loaded wherever a HeldDcc exists (core dcc-codec.ts).
  const codec = installedDccCodec();
  if (!bundle || !codec) return { state: 'unverifiable' };
  const r = codec.verifyHeldDcc(dcc.code, bundle, now);
  if (r.ok) return { state: 'verified', country: r.value.signerCountry };
  const code = r.error.code as DccErrorCode;
  const rule = code.startsWith('DCC_RULE_')
    ? dccRuleNamed(bundle.dccRules, r.error.detail, dcc.payload, now)
    : undefined;
  return rule ? { state: 'invalid', code, rule } : { state: 'invalid', code };
}

/** The acceptance rule a DCC failed, in the reader's language (id, else en, else the first), with its id. */
export function DccRuleNote({ v }: { v: DccVerification }) {
  const { t, lang } = useI18n();
  if (v.state !== 'invalid' || !v.rule) return null;
  return (
    <p class="warning" data-testid="dcc-rule" data-rule={v.rule.Identifier}>
      {t('dcc.rule', { id: v.rule.Identifier, description: dccRuleDescription(v.rule, lang) })}
    </p>
  );
}

/** "Signed by Indonesia's signer", not yet verifiable, or the translated reason: icon + words, never colour. */
export function DccVerificationBadge({ v }: { v: DccVerification }) {
  const { t, lang, errorText } = useI18n();
  return (
    <VerificationChip state={v.state} testId="dcc-verification">
      {v.state === 'verified'
        ? t('dcc.signedBy', { country: countryName(v.country, lang) })
        : v.state === 'unverifiable'
          ? t('walletScreen.unverifiable')
          : `${t('walletScreen.invalid')} — ${errorText(v.code)}`}
    </VerificationChip>
  );
}
