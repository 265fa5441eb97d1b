/**
 * What both import screens (screens/ImportCertificate.tsx for Singgah certificates, screens/ImportDcc.tsx for
 * EU DCCs) show under a certificate: why it cannot be saved, or the confirm button with its saving and
 * failure states, then "saved" (or "already saved") with the way back.
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type { StoreErrorCode, StoreResult } from '../../store';
import { useI18n } from '../i18n';
import type { AppErrorCode } from '../i18n/codes';
import { useApp } from '../model-context';
import { Link } from './Common';

/** The refusal: "cannot be saved", the translated reason, anything the screen adds, and the way back. */
export function ImportError({ code, children }: { code: AppErrorCode | undefined; children?: ComponentChildren }) {
  const { t, errorText } = useI18n();
  return (
    <div class="error" role="alert" data-testid="import-error" data-code={code}>
      <p>{t('import.invalid')}</p>
      <p>{code ? errorText(code) : ''}</p>
      {children}
      <p>
        <Link href="/" class="button">
          {t('nav.back')}
        </Link>
      </p>
    </div>
  );
}

type Phase =
  | { step: 'review' }
  | { step: 'saving' }
  | { step: 'done'; already: boolean }
  | { step: 'failed'; code: StoreErrorCode };

export interface ImportActionsProps {
  /** The certificate is in the store already (opened a second time). */
  readonly saved: boolean;
  readonly save: () => Promise<StoreResult<{ alreadySaved: boolean }>>;
  /** Shown above the confirm button while it is offered (e.g. which person a DCC belongs to). */
  readonly children?: ComponentChildren;
}

export function ImportActions({ saved, save, children }: ImportActionsProps) {
  const { t, errorText } = useI18n();
  const app = useApp();
  const [phase, setPhase] = useState<Phase>({ step: 'review' });
  const done = phase.step === 'done' ? phase : saved && phase.step === 'review' ? { already: true } : undefined;
  const confirm = async () => {
    setPhase({ step: 'saving' });
    const r = await save();
    setPhase(r.ok ? { step: 'done', already: r.value.alreadySaved } : { step: 'failed', code: r.error.code });
  };
  if (done) {
    return (
      <div class="success" role="status" data-testid="import-done">
        <p>{done.already ? t('import.already') : t('import.done')}</p>
        {app.persisted !== undefined && (
          <p class="muted">{app.persisted ? t('storage.persisted') : t('storage.notPersisted')}</p>
        )}
        <Link href="/" class="button">
          {t('nav.done')}
        </Link>
      </div>
    );
  }
  return (
    <>
      {children}
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
  );
}
