/**
 * /c#<digits>: show what the certificate says, check it against the rules if we have them, and save it on
 * confirmation. Without rules its signature cannot be checked yet: it may still be saved (offline-first),
 * and decisions ignore it until it verifies.
 */
import { useMemo, useState } from 'preact/hooks';
import { decodeCertificate, verifyCertificate } from '../../core/certificate';
import { isDccText, isShcText } from '../../core/held-certificate';
import { nowSeconds } from '../../sync/bundle-pull';
import { CertificateFacts } from '../components/CertificateFacts';
import { ScreenTitle } from '../components/Common';
import { ImportActions, ImportError } from '../components/ImportActions';
import { useI18n } from '../i18n';
import { lazyScreen } from '../lazy-screen';
import { useApp, useModel } from '../model-context';

// The DCC screen brings the DCC decoder with it (core held-dcc): fetched only for an HC1 text.
const ImportDcc = lazyScreen(() => import('./ImportDcc').then((m) => m.ImportDcc));
// Likewise the card screen and the card decoder (core held-shc), only for `shc:/` texts.
const ImportShc = lazyScreen(() => import('./ImportShc').then((m) => m.ImportShc));

/** A Singgah certificate link, an EU DCC's `HC1:` text or a card's `shc:/` text(s) (each its own screen). */
export function ImportCertificate({ code }: { code: string }) {
  if (isDccText(code)) return <ImportDcc text={code} />;
  return isShcText(code) ? <ImportShc text={code} /> : <ImportSinggah code={code} />;
}

function ImportSinggah({ code }: { code: string }) {
  const { t } = useI18n();
  const app = useApp();
  const model = useModel();
  const [at] = useState(nowSeconds);
  const payload = app.bundle.bundle?.payload;

  const decoded = useMemo(() => decodeCertificate(code), [code]);
  const verified = useMemo(
    () => (decoded.ok && payload ? verifyCertificate(decoded.value, payload, at) : undefined),
    [decoded, payload, at],
  );

  if (!app.ready) return <p role="status">{t('app.loading')}</p>;

  const invalid = !decoded.ok ? decoded.error : verified && !verified.ok ? verified.error : undefined;
  if (invalid || !decoded.ok) {
    return (
      <>
        <ScreenTitle>{t('import.title')}</ScreenTitle>
        <ImportError code={invalid?.code} />
      </>
    );
  }

  const signed = decoded.value;
  const saved = app.certificates.some((c) => c.record.contentId === signed.blob.contentId);

  return (
    <>
      <ScreenTitle>{t('import.title')}</ScreenTitle>
      {/* First screen at 360×640: whose certificate and of what kind, then the button; every fact after it. */}
      <p class="import-summary" data-testid="import-summary">
        <strong class="truncate">{signed.certificate.holder.name}</strong>
        <span>{t(`kind.${signed.certificate.kind}`)}</span>
      </p>
      {!payload && <p class="warning">{t('import.unverified')}</p>}
      <section class="actions" aria-live="polite">
        <ImportActions saved={saved} save={() => model.saveCertificate(signed)} />
      </section>
      <section class="card" aria-labelledby="cert-title">
        <h2 id="cert-title" class="truncate-lines" data-testid="certificate-holder">
          {signed.certificate.holder.name}
        </h2>
        <CertificateFacts certificate={signed.certificate} />
      </section>
    </>
  );
}
