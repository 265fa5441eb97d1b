/**
 * What a SMART Health Card says, as label/value rows, and whether it verifies: shared by the import screen,
 * the wallet and guard mode, as DccFacts is for EU DCCs. Vaccines and tests are named from core/shc's code
 * tables (CVX, SNOMED CT, LOINC: docs/FORMATS.md); an unknown code is shown as it is, marked unknown — never
 * guessed. The issuer's name is the bundle's, known only once the card verifies.
 */
import type { BundlePayload } from '../../core/bundle';
import { installedShcCodec } from '../../core/dcc-codec';
import type { ShcErrorCode } from '../../core/errors';
import { type HeldShc, shcHolderName } from '../../core/held-certificate';
import type { UnixSeconds } from '../../core/schema';
import { formatDateTime, formatIsoDate } from '../format';
import { type I18n, useI18n } from '../i18n';
import { VerificationChip } from './VerificationChip';

function rows(c: HeldShc, { t, lang }: I18n): [string, string][] {
  const out: [string, string][] = [
    [t('import.holder'), shcHolderName(c.holder)],
    [t('import.birthDate'), c.holder.birthDate === '' ? t('dcc.unknown') : formatIsoDate(c.holder.birthDate, lang)],
  ];
  for (const i of c.immunizations) {
    const dose =
      i.dose === null || i.doses === null ? t('shc.doseUncounted') : t('import.dose', { dose: i.dose, doses: i.doses });
    const vaccine = i.product ?? t('dcc.unknownCode', { code: i.vaccine?.code ?? '?' });
    out.push([t('kind.vaccination'), `${vaccine} · ${dose} · ${i.date ? formatIsoDate(i.date, lang) : '?'}`]);
    if (i.lotNumber) out.push([t('shc.lot'), i.lotNumber]);
    if (i.performer) out.push([t('shc.performer'), i.performer]);
  }
  for (const r of c.labResults) {
    const type = r.testType ? t(`test.${r.testType}`) : t('dcc.unknownCode', { code: r.test?.code ?? '?' });
    const result = r.result ? t(`test.${r.result}`) : t('dcc.unknownCode', { code: r.resultCode?.code ?? '?' });
    out.push([t('import.testType'), type]);
    out.push([t('import.result'), result]);
    out.push([t('import.sampleTime'), r.sampleTime === null ? '?' : formatDateTime(r.sampleTime, lang)]);
    if (r.performer) out.push([t('dcc.centre'), r.performer]);
  }
  out.push([t('import.issuer'), c.iss]);
  out.push([t('import.issued'), formatDateTime(c.issuedAt, lang)]);
  if (c.expiresAt !== undefined) out.push([t('import.expires'), formatDateTime(c.expiresAt, lang)]);
  return out;
}

export function ShcFacts({ card }: { card: HeldShc }) {
  const i18n = useI18n();
  return (
    <dl class="facts" data-testid="shc-facts">
      {rows(card, i18n).map(([k, v], i) => (
        // Labels repeat (one row per dose): the index keeps keys unique.
        <div key={`${i}-${k}`}>
          <dt>{k}</dt>
          <dd class="truncate-lines">{v}</dd>
        </div>
      ))}
    </dl>
  );
}

export type ShcVerification =
  | { readonly state: 'verified'; readonly issuer: string }
  | { readonly state: 'unverifiable' }
  | { readonly state: 'invalid'; readonly code: ShcErrorCode };

/** What the bundle's trusted issuers say about the card at `now` (cached per bundle in core). */
export function verificationOfShc(card: HeldShc, bundle: BundlePayload | undefined, now: UnixSeconds): ShcVerification {
  // The codec is loaded wherever a HeldShc exists (core dcc-codec.ts).
  const codec = installedShcCodec();
  if (!bundle || !codec) return { state: 'unverifiable' };
  const r = codec.verifyHeldShc(card.code, bundle, now);
  return r.ok
    ? { state: 'verified', issuer: r.value.issuerName }
    : { state: 'invalid', code: r.error.code as ShcErrorCode };
}

/** "Issued by <issuer>", not yet verifiable, or the translated reason: icon + words, never colour. */
export function ShcVerificationBadge({ v }: { v: ShcVerification }) {
  const { t, errorText } = useI18n();
  return (
    <VerificationChip state={v.state} testId="shc-verification">
      {v.state === 'verified'
        ? t('shc.issuedBy', { issuer: v.issuer })
        : v.state === 'unverifiable'
          ? t('walletScreen.unverifiable')
          : `${t('walletScreen.invalid')} — ${errorText(v.code)}`}
    </VerificationChip>
  );
}
