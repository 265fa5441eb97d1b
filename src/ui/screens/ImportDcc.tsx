/**
 * /c#HC1:…: an EU DCC to import. Shows what it says (holder as written and transliterated, birth date,
 * country, type, the facts in words) and whether the bundle's DCC signers verify it now; saves it on
 * confirmation. One that does not verify is shown with its reason and not offered for saving: it would
 * never count. Without rules it may be saved (offline-first) and counts once it verifies.
 */
import { useMemo, useState } from 'preact/hooks';
import type { Holder } from '../../core/certificate';
import { dccHolderName, isDcc, personOfDcc } from '../../core/held-certificate';
import { decodeDcc } from '../../core/held-dcc';
import type { StoreErrorCode } from '../../store';
import { nowSeconds } from '../../sync/bundle-pull';
import { Link, ScreenTitle } from '../components/Common';
import { DccFacts, DccRuleNote, DccVerificationBadge, verificationOfDcc } from '../components/DccFacts';
import { formatIsoDate } from '../format';
import { useI18n } from '../i18n';
import { useApp, useModel } from '../model-context';

type Phase =
  | { step: 'review' }
  | { step: 'saving' }
  | { step: 'done'; already: boolean }
  | { step: 'failed'; code: StoreErrorCode };

export function ImportDcc({ text }: { text: string }) {
  const { t, lang, errorText } = useI18n();
  const app = useApp();
  const model = useModel();
  const [phase, setPhase] = useState<Phase>({ step: 'review' });
  const [at] = useState(nowSeconds);
  const payload = app.bundle.bundle?.payload;
  const decoded = useMemo(() => decodeDcc(text), [text]);
  // Several people on the phone match this holder: the user says which one (or none); never guessed.
  const [chosen, setChosen] = useState<string | undefined>();
  const candidates = useMemo(() => {
    if (!decoded.ok) return [];
    const holders = new Map<string, Holder>();
    for (const c of app.certificates)
      if (!isDcc(c.signed)) holders.set(c.record.holderKey, c.signed.certificate.holder);
    return personOfDcc(decoded.value, holders).candidates.map((key) => ({ key, holder: holders.get(key) as Holder }));
  }, [decoded, app.certificates]);

  if (!app.ready) return <p role="status">{t('app.loading')}</p>;
  if (!decoded.ok) {
    return (
      <>
        <ScreenTitle>{t('import.title')}</ScreenTitle>
        <div class="error" role="alert" data-testid="import-error" data-code={decoded.error.code}>
          <p>{t('import.invalid')}</p>
          <p>{errorText(decoded.error.code)}</p>
        </div>
        <p>
          <Link href="/" class="button">
            {t('nav.back')}
          </Link>
        </p>
      </>
    );
  }

  const dcc = decoded.value;
  const v = verificationOfDcc(dcc, payload, at);
  const saved = app.certificates.some((c) => c.record.contentId === dcc.contentId);
  const done = phase.step === 'done' ? phase : saved && phase.step === 'review' ? { already: true } : undefined;
  const confirm = async () => {
    setPhase({ step: 'saving' });
    const r = await model.saveCertificate(dcc, chosen);
    setPhase(r.ok ? { step: 'done', already: r.value.alreadySaved } : { step: 'failed', code: r.error.code });
  };

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
          <div class="error" role="alert" data-testid="import-error" data-code={v.code}>
            <p>{t('import.invalid')}</p>
            <p>{errorText(v.code)}</p>
            <DccRuleNote v={v} />
            <p>{t('dcc.notCounted')}</p>
            <Link href="/" class="button">
              {t('nav.back')}
            </Link>
          </div>
        ) : done ? (
          <div class="success" role="status" data-testid="import-done">
            <p>{done.already ? t('import.already') : t('import.done')}</p>
            <Link href="/" class="button">
              {t('nav.done')}
            </Link>
          </div>
        ) : (
          <>
            {candidates.length > 1 && (
              <fieldset class="dcc-choose" data-testid="dcc-choose">
                <legend>{t('dcc.choosePerson')}</legend>
                {[...candidates, undefined].map((c) => (
                  <label key={c?.key ?? '-'}>
                    <input
                      type="radio"
                      name="dcc-person"
                      checked={chosen === c?.key}
                      onChange={() => setChosen(c?.key)}
                    />{' '}
                    {c ? `${c.holder.name} (${formatIsoDate(c.holder.birthDate, lang)})` : t('dcc.separatePerson')}
                  </label>
                ))}
              </fieldset>
            )}
            {phase.step === 'failed' && (
              <p class="error" role="alert" data-testid="import-save-error">
                {errorText(phase.code)}
              </p>
            )}
            <button
              type="button"
              class="button button--primary button--big"
              data-testid="import-confirm"
              disabled={phase.step === 'saving'}
              onClick={confirm}
            >
              {phase.step === 'saving' ? t('import.saving') : t('import.confirm')}
            </button>
          </>
        )}
      </section>
    </>
  );
}
