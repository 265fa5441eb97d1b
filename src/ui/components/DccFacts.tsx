/**
 * What an EU DCC says, as label/value rows, and whether it verifies: shared by the import screen and the
 * wallet, as CertificateFacts is for Singgah certificates. Codes the mapping knows are shown in words
 * (core/dcc/facts.ts); any other code is shown as it is, never guessed.
 */
import type { BundlePayload } from '../../core/bundle';
import type { DccErrorCode } from '../../core/dcc';
import { installedDccCodec } from '../../core/dcc-codec';
import { dccHolderName, type HeldDcc } from '../../core/held-certificate';
import type { UnixSeconds } from '../../core/schema';
import { formatDateTime, formatIsoDate } from '../format';
import { type I18n, useI18n } from '../i18n';
import { OutcomeIcon } from './Icons';

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

function rows(d: HeldDcc, { t, lang }: I18n): [string, string][] {
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
  if (entry) out.push([t('dcc.country'), countryName(entry.co, lang)]);
  if (v) {
    out.push([t('import.product'), v.mp]);
    out.push([t('kind.vaccination'), t('import.dose', { dose: v.dn, doses: v.sd })]);
    out.push([t('import.vaccinationDate'), formatIsoDate(v.dt.slice(0, 10), lang)]);
  } else if (te) {
    const type = TEST_TYPE[te.tt];
    const result = RESULT[te.tr];
    out.push([t('import.testType'), type ? t(`test.${type}`) : te.tt]);
    out.push([t('import.result'), result ? t(`test.${result}`) : te.tr]);
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
  return (
    <dl class="facts" data-testid="dcc-facts">
      {rows(dcc, i18n).map(([k, v]) => (
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
  | { readonly state: 'invalid'; readonly code: DccErrorCode };

/** What the bundle's DCC signers say about it at `now` (cached per bundle in core). */
export function verificationOfDcc(dcc: HeldDcc, bundle: BundlePayload | undefined, now: UnixSeconds): DccVerification {
  // The codec is loaded wherever a HeldDcc exists (core dcc-codec.ts).
  const codec = installedDccCodec();
  if (!bundle || !codec) return { state: 'unverifiable' };
  const r = codec.verifyHeldDcc(dcc.code, bundle, now);
  return r.ok
    ? { state: 'verified', country: r.value.signerCountry }
    : { state: 'invalid', code: r.error.code as DccErrorCode };
}

const OUTCOME_OF = { verified: 'ALLOWED', unverifiable: 'CANNOT_VERIFY', invalid: 'DENIED' } as const;
// Like Singgah certificates: who signed says nothing about health, so a verified DCC is neutral.
const CHIP_OF = { verified: 'chip--neutral', unverifiable: 'chip--unknown', invalid: 'chip--red' } as const;

/** "Signed by Indonesia's signer", not yet verifiable, or the translated reason: icon + words, never colour. */
export function DccVerificationBadge({ v }: { v: DccVerification }) {
  const { t, lang, errorText } = useI18n();
  return (
    <span class={`chip ${CHIP_OF[v.state]}`} data-testid="dcc-verification" data-state={v.state}>
      <OutcomeIcon outcome={OUTCOME_OF[v.state]} />
      {v.state === 'verified'
        ? t('dcc.signedBy', { country: countryName(v.country, lang) })
        : v.state === 'unverifiable'
          ? t('walletScreen.unverifiable')
          : `${t('walletScreen.invalid')} — ${errorText(v.code)}`}
    </span>
  );
}
