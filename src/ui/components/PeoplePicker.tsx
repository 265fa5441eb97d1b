/**
 * "Who is entering?" at the door: one checkbox per person on the phone. Only people who may enter are ticked by
 * default (core admission.defaultSelection): the remembered group (localStorage `singgah.group`, holder keys only
 * — never names) when any of them may enter, else everyone ALLOWED. A DENIED person's box cannot be ticked; a
 * CANNOT_VERIFY person's box asks first (HandCheckDialog): ticked only once the user confirms that the guard
 * checks them by hand.
 */
import { useState } from 'preact/hooks';
import { selectabilityOf } from '../../core/admission';
import type { PersonDecision } from '../../core/eligibility';
import { useI18n } from '../i18n';
import { HandCheckDialog } from './HandCheckDialog';

const GROUP_KEY = 'singgah.group';

/** The group that checked in last time (holder keys); empty when nothing readable is remembered. */
export function rememberedGroup(): string[] {
  let saved: unknown;
  try {
    saved = JSON.parse(localStorage.getItem(GROUP_KEY) ?? 'null');
  } catch {
    saved = null;
  }
  return Array.isArray(saved) ? saved.filter((k): k is string => typeof k === 'string') : [];
}

export function rememberGroup(keys: readonly string[]): void {
  try {
    localStorage.setItem(GROUP_KEY, JSON.stringify(keys));
  } catch {
    // Storage refused: the default stays "everyone who may enter".
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
  onHandCheck,
  disabled,
}: {
  rows: readonly PickerRow[];
  chosen: readonly string[];
  onChange: (keys: string[]) => void;
  /** The user confirmed that the guard checks this (CANNOT_VERIFY) person by hand. */
  onHandCheck: (key: string) => void;
  disabled?: boolean;
}) {
  const { t } = useI18n();
  // The person whose hand check is being asked about.
  const [asking, setAsking] = useState<PickerRow | undefined>();
  const set = (key: string, on: boolean) =>
    onChange(rows.map((r) => r.key).filter((k) => (k === key ? on : chosen.includes(k))));
  const toggle = (row: PickerRow, on: boolean) => {
    const kind = selectabilityOf(row.decision.outcome);
    if (kind === 'refused') return;
    if (on && kind === 'needs-hand-check') {
      setAsking(row);
      return;
    }
    set(row.key, on);
  };
  return (
    <fieldset class="people-picker" data-testid="people-picker">
      <legend>{t('checkin.who')}</legend>
      {rows.map((r) => {
        const refused = selectabilityOf(r.decision.outcome) === 'refused';
        return (
          <label key={r.key} class="people-picker__row">
            <input
              type="checkbox"
              data-testid="people-picker-person"
              data-name={r.name}
              checked={chosen.includes(r.key)}
              disabled={disabled || refused}
              onChange={(e) => {
                const box = e.currentTarget as HTMLInputElement;
                const on = box.checked;
                // Controlled: the box shows the choice only once it is made (a hand check asks first).
                box.checked = chosen.includes(r.key);
                toggle(r, on);
              }}
            />
            <span class="truncate">{r.name}</span>
            <span class="muted">{t(`outcome.${r.decision.outcome}`)}</span>
          </label>
        );
      })}
      {chosen.length === 0 && (
        <p class="warning" role="alert" data-testid="people-picker-empty">
          {t('checkin.nobody')}
        </p>
      )}
      {asking && (
        <HandCheckDialog
          name={asking.name}
          onConfirm={() => {
            onHandCheck(asking.key);
            set(asking.key, true);
            setAsking(undefined);
          }}
          onCancel={() => setAsking(undefined)}
        />
      )}
    </fieldset>
  );
}
