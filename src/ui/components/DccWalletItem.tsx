/**
 * An EU DCC in the wallet (and, through `ForeignWalletItem`, a SMART Health Card: ShcWalletItem.tsx): its
 * one-line summary and verification, opening to its facts and to the move to the recycle bin — the same shape
 * as a Singgah certificate's item (screens/Wallet.tsx).
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type { BundlePayload, DccValueSets } from '../../core/bundle';
import { VALUE_SET } from '../../core/dcc';
import type { HeldDcc } from '../../core/held-certificate';
import type { UnixSeconds } from '../../core/schema';
import type { StoredCertificate } from '../../store';
import { formatIsoDate } from '../format';
import { type I18n, useI18n } from '../i18n';
import { useModel } from '../model-context';
import { CertificateAction } from './DataControl';
import { DccFacts, DccRuleNote, DccVerificationBadge, named, verificationOfDcc } from './DccFacts';

function summaryOf(d: HeldDcc, sets: DccValueSets | undefined, { t, lang }: I18n): string {
  const v = d.payload.v?.[0];
  if (v)
    return `${t('kind.vaccination')} ${named(sets, VALUE_SET.vaccine, v.mp, t)}: ${t('import.dose', { dose: v.dn, doses: v.sd })}, ${formatIsoDate(v.dt.slice(0, 10), lang)}`;
  const te = d.payload.t?.[0];
  if (te) return `${t('kind.test')}: ${te.sc.slice(0, 10)}`;
  return `${t('kind.recovery')}: ${formatIsoDate((d.payload.r?.[0]?.fr ?? '').slice(0, 10), lang)}`;
}

/**
 * A foreign certificate's item: the same shape as a Singgah certificate's (screens/Wallet.tsx) — a summary line
 * with its verification chip, opening to its details and the move to the recycle bin.
 */
export function ForeignWalletItem(props: {
  c: StoredCertificate;
  format: 'eu-dcc' | 'shc';
  state: string;
  summary: string;
  badge: ComponentChildren;
  children: ComponentChildren;
}) {
  const { t } = useI18n();
  const model = useModel();
  const [busy, setBusy] = useState(false);
  const remove = async () => {
    setBusy(true);
    try {
      await model.deleteCertificate(props.c.record.contentId);
    } finally {
      setBusy(false);
    }
  };
  return (
    <li
      class="wallet-cert"
      data-testid="wallet-cert"
      data-format={props.format}
      data-kind={props.c.record.kind}
      data-state={props.state}
    >
      <details>
        <summary data-testid="wallet-cert-summary">
          <span class="truncate-lines">{props.summary}</span>
          {props.badge}
        </summary>
        <div class="wallet-cert__details" data-testid="wallet-cert-details">
          {props.children}
          <CertificateAction
            c={props.c}
            testId="certificate-delete"
            label={t('walletScreen.delete')}
            disabled={busy}
            onClick={() => void remove()}
          />
        </div>
      </details>
    </li>
  );
}

export function DccWalletItem(props: { c: StoredCertificate; dcc: HeldDcc; bundle?: BundlePayload; now: UnixSeconds }) {
  const i18n = useI18n();
  const { t } = i18n;
  const v = verificationOfDcc(props.dcc, props.bundle, props.now);
  return (
    <ForeignWalletItem
      c={props.c}
      format="eu-dcc"
      state={v.state}
      summary={`${t('dcc.format')} · ${summaryOf(props.dcc, props.bundle?.dccValueSets, i18n)}`}
      badge={<DccVerificationBadge v={v} />}
    >
      <DccFacts dcc={props.dcc} />
      {v.state === 'invalid' && <p class="warning">{t('dcc.notCounted')}</p>}
      <DccRuleNote v={v} />
      {v.state === 'unverifiable' && <p class="warning">{t('import.unverified')}</p>}
    </ForeignWalletItem>
  );
}
