/**
 * On the pass: each EU DCC of the person that verifies now, as its own QR — the original `HC1:` text, byte
 * for byte — so a guard with Singgah or any EU DCC verifier can scan it. A DCC that does not verify is not
 * shown: it does not count, and showing it would invite a guard to trust it.
 */
import type { BundlePayload } from '../../core/bundle';
import { installedDccCodec } from '../../core/dcc-codec';
import { isDcc } from '../../core/held-certificate';
import type { UnixSeconds } from '../../core/schema';
import { useI18n } from '../i18n';
import type { Person } from '../people';
import { QrCode } from './QrCode';

export function DccPassCodes(props: { person: Person; bundle?: BundlePayload; now: UnixSeconds }) {
  const { t } = useI18n();
  const { bundle, now } = props;
  // The codec is loaded wherever a HeldDcc exists (core dcc-codec.ts).
  const codec = installedDccCodec();
  if (!bundle || !codec) return null;
  const valid = props.person.certificates.flatMap((c) =>
    isDcc(c.signed) && codec.verifyHeldDcc(c.signed.code, bundle, now).ok ? [c.signed] : [],
  );
  return (
    <>
      {valid.map((d) => (
        <figure key={d.contentId} class="pass__qr" data-testid="pass-dcc" data-kind={d.kind}>
          <QrCode text={d.code} label={`${t('dcc.passTitle')}: ${t(`kind.${d.kind}`)}`} testId="pass-dcc-qr" />
          <figcaption>
            {t('dcc.passTitle')} · {t(`kind.${d.kind}`)}
            <br />
            <span class="muted">{t('dcc.passNote')}</span>
          </figcaption>
        </figure>
      ))}
    </>
  );
}
