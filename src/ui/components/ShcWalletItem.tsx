/** A SMART Health Card in the wallet: DccWalletItem.tsx's `ForeignWalletItem` with the card's summary and facts. */
import type { BundlePayload } from '../../core/bundle';
import type { HeldShc } from '../../core/held-certificate';
import type { UnixSeconds } from '../../core/schema';
import type { StoredCertificate } from '../../store';
import { formatDateTime, formatIsoDate } from '../format';
import { type I18n, useI18n } from '../i18n';
import { ForeignWalletItem } from './DccWalletItem';
import { ShcFacts, ShcVerificationBadge, verificationOfShc } from './ShcFacts';

/** The last counted dose ("Pfizer: dose 2 of 2, 3 Aug 2021"), else the latest test, else the kind. */
function summaryOf(c: HeldShc, { t, lang }: I18n): string {
  const doses = c.immunizations.filter((i) => i.dose !== null && i.doses !== null && i.date !== null);
  const last = doses.at(-1);
  if (last)
    return `${last.product}: ${t('import.dose', { dose: last.dose ?? 0, doses: last.doses ?? 0 })}, ${formatIsoDate(last.date ?? '', lang)}`;
  const test = c.labResults.at(-1);
  if (test?.testType && test.result && test.sampleTime !== null)
    return `${t(`test.${test.testType}`)}: ${t(`test.${test.result}`)} · ${formatDateTime(test.sampleTime, lang)}`;
  return t(`kind.${c.kind}`);
}

export function ShcWalletItem(props: {
  c: StoredCertificate;
  card: HeldShc;
  bundle?: BundlePayload;
  now: UnixSeconds;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const v = verificationOfShc(props.card, props.bundle, props.now);
  return (
    <ForeignWalletItem
      c={props.c}
      format="shc"
      state={v.state}
      summary={`${t('shc.format')} · ${summaryOf(props.card, i18n)}`}
      badge={<ShcVerificationBadge v={v} />}
    >
      <ShcFacts card={props.card} />
      {v.state === 'invalid' && <p class="warning">{t('dcc.notCounted')}</p>}
      {v.state === 'unverifiable' && <p class="warning">{t('import.unverified')}</p>}
    </ForeignWalletItem>
  );
}
