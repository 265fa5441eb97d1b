/**
 * The confirmation before a person whose entry cannot be verified on this phone (CANNOT_VERIFY) is ticked: the
 * guard must check their certificate by hand. A modal <dialog> (focus moves into it, Escape cancels), never a
 * tooltip: the warning is read before anything is recorded.
 */
import { useEffect, useRef } from 'preact/hooks';
import { useI18n } from '../i18n';

export function HandCheckDialog({
  name,
  onConfirm,
  onCancel,
}: {
  name: string;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      class="hand-check"
      aria-labelledby="hand-check-title"
      aria-describedby="hand-check-text"
      data-testid="hand-check"
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
    >
      <h2 id="hand-check-title">{t('door.handCheckTitle', { name })}</h2>
      <p id="hand-check-text">{t('door.handCheckText', { name })}</p>
      <div class="hand-check__actions">
        <button type="button" class="button button--primary" data-testid="hand-check-confirm" onClick={onConfirm}>
          {t('door.handCheckConfirm')}
        </button>
        <button type="button" class="button" data-testid="hand-check-cancel" onClick={onCancel}>
          {t('door.handCheckCancel')}
        </button>
      </div>
    </dialog>
  );
}
