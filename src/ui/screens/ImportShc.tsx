/**
 * /c#shc:/…: a SMART Health Card to import (one QR, or every part of a chunked card, one per line). Shows the
 * holder, birth date, every immunization and lab result in words, and whether the bundle's trusted issuers
 * verify it now; saves it on confirmation. One that does not verify is shown with its reason and not offered
 * for saving: it would never count. Without rules it may be saved (offline-first) and counts once it verifies.
 */
import { useMemo, useState } from 'preact/hooks';
import { shcHolderName } from '../../core/held-certificate';
import { decodeShc } from '../../core/held-shc';
import { nowSeconds } from '../../sync/bundle-pull';
import { ScreenTitle } from '../components/Common';
import { ImportActions, ImportError } from '../components/ImportActions';
import { PersonChoice, useCandidates } from '../components/PersonChoice';
import { ShcFacts, ShcVerificationBadge, verificationOfShc } from '../components/ShcFacts';
import { useI18n } from '../i18n';
import { useApp, useModel } from '../model-context';

export function ImportShc({ text }: { text: string }) {
  const { t } = useI18n();
  const app = useApp();
  const model = useModel();
  const [at] = useState(nowSeconds);
  const payload = app.bundle.bundle?.payload;
  const decoded = useMemo(() => decodeShc(text), [text]);
  const [chosen, setChosen] = useState<string | undefined>();
  const candidates = useCandidates(decoded.ok ? decoded.value : undefined);

  if (!app.ready) return <p role="status">{t('app.loading')}</p>;
  if (!decoded.ok) {
    return (
      <>
        <ScreenTitle>{t('import.title')}</ScreenTitle>
        <ImportError code={decoded.error.code} />
      </>
    );
  }

  const card = decoded.value;
  const v = verificationOfShc(card, payload, at);
  const saved = app.certificates.some((c) => c.record.contentId === card.contentId);

  return (
    <>
      <ScreenTitle>{t('import.title')}</ScreenTitle>
      <section class="card" aria-labelledby="cert-title" data-testid="import-shc">
        <p class="muted">{t('shc.format')}</p>
        <h2 id="cert-title" class="truncate-lines" data-testid="certificate-holder">
          {shcHolderName(card.holder)}
        </h2>
        <p>
          <ShcVerificationBadge v={v} />
        </p>
        <ShcFacts card={card} />
        {v.state === 'unverifiable' && <p class="warning">{t('import.unverified')}</p>}
      </section>
      <section class="actions" aria-live="polite">
        {v.state === 'invalid' ? (
          <ImportError code={v.code}>
            <p>{t('dcc.notCounted')}</p>
          </ImportError>
        ) : (
          <ImportActions saved={saved} save={() => model.saveCertificate(card, chosen)}>
            <PersonChoice candidates={candidates} chosen={chosen} choose={setChosen} />
          </ImportActions>
        )}
      </section>
    </>
  );
}
