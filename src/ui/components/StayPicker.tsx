/**
 * "How long are you staying?" at the door: the venue's default stay, or longer up to the signed policy's cap
 * (core stay.ts) — an 8-hour working day at an office whose QR says 2 hours. The choice sets the automatic
 * check-out; checking out by hand ends the visit earlier as always.
 */
import { type I18n, useI18n } from '../i18n';

/** "2 jam" / "2 hours", "90 menit" / "90 minutes": the language's own unit names and plurals. */
export function formatStay(minutes: number, i18n: I18n): string {
  const hours = minutes % 60 === 0;
  return new Intl.NumberFormat(i18n.locale, {
    style: 'unit',
    unit: hours ? 'hour' : 'minute',
    unitDisplay: 'long',
  }).format(hours ? minutes / 60 : minutes);
}

export function StayPicker({
  choices,
  value,
  onChange,
  disabled,
}: {
  choices: readonly number[];
  value: number;
  onChange: (minutes: number) => void;
  disabled?: boolean;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  // Nothing to choose (no signed cap above the venue's default): just say how long the stay is.
  if (choices.length < 2) return <p class="muted">{t('door.stayFixed', { stay: formatStay(value, i18n) })}</p>;
  return (
    <p class="stay-picker">
      <label for="stay-minutes">{t('door.stayLabel')}</label>
      <select
        id="stay-minutes"
        data-testid="stay-minutes"
        value={String(value)}
        disabled={disabled}
        onChange={(e) => onChange(Number((e.currentTarget as HTMLSelectElement).value))}
      >
        {choices.map((m, i) => (
          <option key={m} value={String(m)}>
            {i === 0 ? t('door.stayDefault', { stay: formatStay(m, i18n) }) : formatStay(m, i18n)}
          </option>
        ))}
      </select>
    </p>
  );
}
