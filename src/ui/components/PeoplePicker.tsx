/**
 * "Who is entering?" at the door: one checkbox per person on the phone. The first time everyone is ticked;
 * after a check-in the group that went in becomes the default (localStorage `singgah.group`, holder keys
 * only — never names), so a family that always goes out together taps once.
 */
import type { PersonDecision } from '../../core/eligibility';
import { useI18n } from '../i18n';

const GROUP_KEY = 'singgah.group';

/** The remembered group among `keys`; everyone when nothing (or no one still on the phone) is remembered. */
export function defaultGroup(keys: readonly string[]): string[] {
  let saved: unknown;
  try {
    saved = JSON.parse(localStorage.getItem(GROUP_KEY) ?? 'null');
  } catch {
    saved = null;
  }
  const chosen = Array.isArray(saved) ? keys.filter((k) => saved.includes(k)) : [];
  return chosen.length > 0 ? chosen : [...keys];
}

export function rememberGroup(keys: readonly string[]): void {
  try {
    localStorage.setItem(GROUP_KEY, JSON.stringify(keys));
  } catch {
    // Storage refused: the default stays "everyone".
  }
}

export interface PickerRow {
  readonly key: string;
  readonly name: string;
  readonly decision: PersonDecision;
}

export function PeoplePicker({
  rows,
  chosen,
  onChange,
  disabled,
}: {
  rows: readonly PickerRow[];
  chosen: readonly string[];
  onChange: (keys: string[]) => void;
  disabled?: boolean;
}) {
  const { t } = useI18n();
  const toggle = (key: string, on: boolean) =>
    onChange(rows.map((r) => r.key).filter((k) => (k === key ? on : chosen.includes(k))));
  return (
    <fieldset class="people-picker" data-testid="people-picker">
      <legend>{t('checkin.who')}</legend>
      {rows.map((r) => (
        <label key={r.key} class="people-picker__row">
          <input
            type="checkbox"
            data-testid="people-picker-person"
            data-name={r.name}
            checked={chosen.includes(r.key)}
            disabled={disabled}
            onChange={(e) => toggle(r.key, (e.currentTarget as HTMLInputElement).checked)}
          />
          <span class="truncate">{r.name}</span>
          <span class="muted">{t(`outcome.${r.decision.outcome}`)}</span>
        </label>
      ))}
      <p class="muted">{t('checkin.whoHint')}</p>
      {chosen.length === 0 && (
        <p class="warning" role="alert" data-testid="people-picker-empty">
          {t('checkin.nobody')}
        </p>
      )}
    </fieldset>
  );
}
