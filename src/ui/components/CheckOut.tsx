/** Checking out from a list row (Home's open visits, History): one hook for the write, one button. */
import { useState } from 'preact/hooks';
import { useI18n } from '../i18n';
import { useModel } from '../model-context';

export function useCheckOut() {
  const { errorText } = useI18n();
  const model = useModel();
  const [busy, setBusy] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  const checkOut = async (id: string) => {
    setBusy(id);
    const r = await model.checkOut(id);
    setBusy(undefined);
    setError(r.ok ? undefined : errorText(r.error.code));
  };
  return { busy, error, checkOut };
}

export function CheckOutButton(props: {
  id: string;
  venueName: string;
  busy: string | undefined;
  onCheckOut: (id: string) => void;
  testId: string;
}) {
  const { t } = useI18n();
  return (
    <button
      type="button"
      class="button"
      data-testid={props.testId}
      aria-label={t('history.checkoutOf', { venue: props.venueName })}
      disabled={props.busy === props.id}
      onClick={() => props.onCheckOut(props.id)}
    >
      {t('history.checkout')}
    </button>
  );
}
