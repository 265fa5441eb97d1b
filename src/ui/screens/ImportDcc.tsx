/**
 * /c#HC1:…: an EU DCC to import. Shows what it says (holder as written and transliterated, birth date,
 * country, type, the facts in words) and whether the bundle's DCC signers verify it now; saves it on
 * confirmation. One that does not verify is shown with its reason and not offered for saving: it would
 * never count. Without rules it may be saved (offline-first) and counts once it verifies.
 */
import { useMemo, useState } from 'preact/hooks';
import { dccHolderName } from '../../core/held-certificate';
import { decodeDcc } from '../../core/held-dcc';
import { nowSeconds } from '../../sync/bundle-pull';
import { ScreenTitle } from '../components/Common';
import { DccFacts, DccRuleNote, DccVerificationBadge, verificationOfDcc } from '../components/DccFacts';
import { ImportActions, ImportError } from '../components/ImportActions';
import { PersonChoice, useCandidates } from '../components/PersonChoice';
import { useI18n } from '../i18n';
import { useApp, useModel } from '../model-context';

export function ImportDcc({ text }: { text: string }) {
  const { t } = useI18n();
  const app = useApp();
  const model = useModel();
  const [at] = useState(nowSeconds);
  const payload = app.bundle.bundle?.payload;
  const decoded = useMemo(() => decodeDcc(text), [text]);
  // Several people on the phone match this holder: the user says which one (or none); never guessed.
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

  const dcc = decoded.value;
  const v = verificationOfDcc(dcc, payload, at);
  const saved = app.certificates.some((c) => c.record.contentId === dcc.contentId);

  return (
    <>
      <ScreenTitle>{t('import.title')}</ScreenTitle>
      <section class="card" aria-labelledby="cert-title" data-testid="import-dcc">
        <p class="muted">{t('dcc.format')}</p>
        <h2 id="cert-title" class="truncate-lines" data-testid="certificate-holder">
          {dccHolderName(dcc.holder)}
        </h2>
        <p data-testid="import-dcc-verification">
          <DccVerificationBadge v={v} />
        </p>
        <DccFacts dcc={dcc} />
        {v.state === 'unverifiable' && <p class="warning">{t('import.unverified')}</p>}
      </section>
      <section class="actions" aria-live="polite">
        {v.state === 'invalid' ? (
          <ImportError code={v.code}>
            <DccRuleNote v={v} />
            <p>{t('dcc.notCounted')}</p>
          </ImportError>
        ) : (
          <ImportActions saved={saved} save={() => model.saveCertificate(dcc, chosen)}>
            <PersonChoice candidates={candidates} chosen={chosen} choose={setChosen} />
          </ImportActions>
        )}
      </section>
    </>
  );
}
