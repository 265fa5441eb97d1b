/**
 * /wallet: the people on this phone, each with their certificates; a certificate opens to its details and to
 * what core's verifyCertificate says about it now (verified, not verifiable yet without rules, or invalid and
 * why). Certificates come in by scan, photo (both on the scan screen) or a pasted link; deleting one puts it in
 * the recycle bin (the same list as Settings → Data), from which it can be restored for 30 days.
 */
import { useMemo, useState } from 'preact/hooks';
import type { BundlePayload } from '../../core/bundle';
import { type SignedCertificate, verifyCertificate } from '../../core/certificate';
import type { ErrorCode } from '../../core/errors';
import { isDcc, isShc, issuedAtOf } from '../../core/held-certificate';
import type { UnixSeconds } from '../../core/schema';
import type { StoredCertificate } from '../../store';
import { CertificateFacts } from '../components/CertificateFacts';
import { Link, ScreenTitle } from '../components/Common';
import { CertificateAction, RecycleBin } from '../components/DataControl';
import { DccWalletItem } from '../components/DccWalletItem';
import { StatusIcon } from '../components/Icons';
import { ShcWalletItem } from '../components/ShcWalletItem';
import { VerificationChip } from '../components/VerificationChip';
import { formatDateTime, formatIsoDate } from '../format';
import { type I18n, useI18n } from '../i18n';
import { useApp, useModel, useNow } from '../model-context';
import { groupPeople } from '../people';
import { navigate } from '../router';

type Verification =
  | { readonly state: 'verified' }
  /** No verified rules on the phone yet: the signature cannot be checked (it will be once rules arrive). */
  | { readonly state: 'unverifiable' }
  | { readonly state: 'invalid'; readonly code: ErrorCode };

function verificationOf(signed: SignedCertificate, bundle: BundlePayload | undefined, now: UnixSeconds): Verification {
  if (!bundle) return { state: 'unverifiable' };
  const r = verifyCertificate(signed, bundle, now);
  return r.ok ? { state: 'verified' } : { state: 'invalid', code: r.error.code };
}

/** Icon shape + word (+ the reason when invalid): never colour alone. */
function VerificationBadge({ v }: { v: Verification }) {
  const { t, errorText } = useI18n();
  return (
    <VerificationChip state={v.state} testId="wallet-verification">
      {t(`walletScreen.${v.state}`)}
      {v.state === 'invalid' && <span class="chip__meaning">{` — ${errorText(v.code)}`}</span>}
    </VerificationChip>
  );
}

/** The one line that tells certificates of one person apart: doses, test result, or recovery date. */
function summaryOf(signed: SignedCertificate, { t, lang }: I18n): string {
  const cert = signed.certificate;
  if (cert.kind === 'vaccination')
    return `${t('kind.vaccination')}: ${t('import.dose', { dose: cert.dose, doses: cert.doses })}, ${formatIsoDate(cert.date, lang)}`;
  if (cert.kind === 'test')
    return `${t(`test.${cert.testType}`)}: ${t(`test.${cert.result}`)} · ${t('walletScreen.sampled', { date: formatDateTime(cert.sampleTime, lang) })}`;
  return `${t('kind.recovery')}: ${formatIsoDate(cert.firstPositiveDate, lang)}`;
}

function CertificateItem({
  c,
  signed,
  bundle,
  now,
}: {
  c: StoredCertificate;
  signed: SignedCertificate;
  bundle?: BundlePayload;
  now: UnixSeconds;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const model = useModel();
  const [busy, setBusy] = useState(false);
  const v = verificationOf(signed, bundle, now);
  const remove = async () => {
    setBusy(true);
    try {
      await model.deleteCertificate(c.record.contentId);
    } finally {
      setBusy(false);
    }
  };
  return (
    <li class="wallet-cert" data-testid="wallet-cert" data-kind={signed.certificate.kind} data-state={v.state}>
      <details>
        <summary data-testid="wallet-cert-summary">
          <span class="truncate-lines">{summaryOf(signed, i18n)}</span>
          {signed.certificate.kind === 'test' && signed.certificate.result === 'pos' && (
            // The health meaning, apart from the signature: a positive test is the black status's reason.
            <span class="chip chip--black" data-testid="wallet-result" data-result="pos">
              <StatusIcon status="black" />
              {t('test.pos')}
            </span>
          )}
          <VerificationBadge v={v} />
        </summary>
        <div class="wallet-cert__details" data-testid="wallet-cert-details">
          <CertificateFacts certificate={signed.certificate} />
          {v.state === 'unverifiable' && <p class="warning">{t('import.unverified')}</p>}
          <CertificateAction
            c={c}
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

/** A pasted certificate link (`…/c#…`, from a message or an e-mail), DCC or card opens the import screen. */
function PasteLink() {
  const { t, errorText } = useI18n();
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<string | undefined>();
  const submit = async (e: Event) => {
    e.preventDefault();
    const { foreignImportPath, parseScanned, shcPasteOf } = await import('../../core/qr-link');
    const card = shcPasteOf(text);
    const parsed = parseScanned(text.trim());
    if (card !== undefined) navigate(foreignImportPath(card));
    else if (parsed.ok && parsed.value.kind === 'dcc') navigate(foreignImportPath(parsed.value.text));
    else if (parsed.ok && parsed.value.kind === 'certificate') navigate(`/c#${parsed.value.signed.code}`);
    else setProblem(parsed.ok ? t('walletScreen.notCertificate') : errorText(parsed.error.code));
  };
  return (
    <form class="wallet-paste" onSubmit={(e) => void submit(e)}>
      <label for="wallet-paste">{t('walletScreen.pasteLabel')}</label>
      <input
        id="wallet-paste"
        type="text"
        inputMode="url"
        autoComplete="off"
        value={text}
        data-testid="wallet-paste-input"
        aria-describedby={problem ? 'wallet-paste-error' : undefined}
        onInput={(e) => setText((e.currentTarget as HTMLInputElement).value)}
      />
      <button type="submit" class="button" data-testid="wallet-paste-open">
        {t('walletScreen.pasteOpen')}
      </button>
      {problem && (
        <p id="wallet-paste-error" class="error" role="alert" data-testid="wallet-paste-error">
          {problem}
        </p>
      )}
    </form>
  );
}

export function Wallet() {
  const i18n = useI18n();
  const { t, lang } = i18n;
  const app = useApp();
  const now = useNow();
  const bundle = app.bundle.bundle?.payload;
  const people = useMemo(() => groupPeople(app.certificates), [app.certificates]);

  return (
    <>
      <ScreenTitle>{t('walletScreen.title')}</ScreenTitle>
      {people.length === 0 && <p class="muted">{t('wallet.none')}</p>}
      {people.map((p, i) => (
        <section key={p.key} class="card" data-testid="wallet-person" aria-labelledby={`wallet-person-${i}`}>
          <h2 id={`wallet-person-${i}`} class="truncate-lines">
            {p.name}
          </h2>
          <p class="muted">
            {t('import.birthDate')}: {formatIsoDate(p.birthDate, lang)} ·{' '}
            {i18n.plural(p.certificates.length, 'home.certificates')}
          </p>
          <ul class="list wallet-certs">
            {[...p.certificates]
              .sort((a, b) => issuedAtOf(b.signed) - issuedAtOf(a.signed))
              .map((c) =>
                isDcc(c.signed) ? (
                  <DccWalletItem key={c.record.contentId} c={c} dcc={c.signed} bundle={bundle} now={now} />
                ) : isShc(c.signed) ? (
                  <ShcWalletItem key={c.record.contentId} c={c} card={c.signed} bundle={bundle} now={now} />
                ) : (
                  <CertificateItem key={c.record.contentId} c={c} signed={c.signed} bundle={bundle} now={now} />
                ),
              )}
          </ul>
        </section>
      ))}

      <section class="card" aria-labelledby="wallet-add-title">
        <h2 id="wallet-add-title">{t('walletScreen.add')}</h2>
        <p>
          <Link href="/scan" class="button button--primary" data-testid="wallet-scan">
            {t('walletScreen.scan')}
          </Link>
        </p>
        <p class="muted">{t('walletScreen.photoHint')}</p>
        <PasteLink />
      </section>

      <section class="card">
        <RecycleBin headingLevel={2} />
      </section>
    </>
  );
}
