/**
 * On the pass: each EU DCC and SMART Health Card of the person that verifies now, as its own QR(s) — the
 * original `HC1:` text, or every `shc:/` part of a card, byte for byte — so a guard with Singgah or any verifier
 * of that format can scan it. One that does not verify is not shown: it does not count, and showing it would
 * invite a guard to trust it.
 */
import type { BundlePayload } from '../../core/bundle';
import { installedDccCodec, installedShcCodec } from '../../core/dcc-codec';
import { isDcc, isShc } from '../../core/held-certificate';
import type { UnixSeconds } from '../../core/schema';
import { useI18n } from '../i18n';
import type { Person } from '../people';
import { QrCode } from './QrCode';

export function ForeignPassCodes(props: { person: Person; bundle?: BundlePayload; now: UnixSeconds }) {
  const { t } = useI18n();
  const { bundle, now } = props;
  if (!bundle) return null;
  // Each codec is loaded wherever its held type exists (core dcc-codec.ts).
  const dcc = installedDccCodec();
  const shc = installedShcCodec();
  const dccs = props.person.certificates.flatMap((c) =>
    isDcc(c.signed) && dcc?.verifyHeldDcc(c.signed.code, bundle, now).ok ? [c.signed] : [],
  );
  const cards = props.person.certificates.flatMap((c) =>
    isShc(c.signed) && shc?.verifyHeldShc(c.signed.code, bundle, now).ok ? [c.signed] : [],
  );
  return (
    <>
      {dccs.map((d) => (
        <figure key={d.contentId} class="pass__qr" data-testid="pass-dcc" data-kind={d.kind}>
          <QrCode text={d.code} label={`${t('dcc.passTitle')}: ${t(`kind.${d.kind}`)}`} testId="pass-dcc-qr" />
          <figcaption>
            {t('dcc.passTitle')} · {t(`kind.${d.kind}`)}
            <br />
            <span class="muted">{t('dcc.passNote')}</span>
          </figcaption>
        </figure>
      ))}
      {cards.map((c) => {
        const parts = c.code.split('\n');
        return (
          <figure
            key={c.contentId}
            class="pass__qr"
            data-testid="pass-shc"
            data-kind={c.kind}
            data-parts={parts.length}
          >
            {parts.map((text, i) => {
              const part = parts.length > 1 ? ` (${t('shc.passPart', { index: i + 1, total: parts.length })})` : '';
              return <QrCode key={text} text={text} label={`${t('shc.passTitle')}${part}`} testId="pass-shc-qr" />;
            })}
            <figcaption>
              {t('shc.passTitle')} · {t(`kind.${c.kind}`)}
              <br />
              <span class="muted">{t('shc.passNote')}</span>
            </figcaption>
          </figure>
        );
      })}
    </>
  );
}
