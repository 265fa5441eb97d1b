/**
 * Which person on the phone an imported EU DCC or SMART Health Card belongs to, when its name and birth date
 * match several Singgah holders (core held-certificate personOfForeign): the user says which one, or none —
 * never guessed. Shared by screens/ImportDcc.tsx and screens/ImportShc.tsx.
 */
import { useMemo } from 'preact/hooks';
import type { Holder } from '../../core/certificate';
import { type ForeignCertificate, isForeign, personOfForeign } from '../../core/held-certificate';
import { formatIsoDate } from '../format';
import { useI18n } from '../i18n';
import { useApp } from '../model-context';

/** The Singgah holders `c` matches (none or one: nothing to ask). */
export function useCandidates(c: ForeignCertificate | undefined): { key: string; holder: Holder }[] {
  const app = useApp();
  return useMemo(() => {
    if (!c) return [];
    const holders = new Map<string, Holder>();
    for (const s of app.certificates)
      if (!isForeign(s.signed)) holders.set(s.record.holderKey, s.signed.certificate.holder);
    return personOfForeign(c, holders).candidates.map((key) => ({ key, holder: holders.get(key) as Holder }));
  }, [c, app.certificates]);
}

export function PersonChoice(props: {
  candidates: readonly { key: string; holder: Holder }[];
  chosen: string | undefined;
  choose: (key: string | undefined) => void;
}) {
  const { t, lang } = useI18n();
  if (props.candidates.length < 2) return null;
  return (
    <fieldset class="dcc-choose" data-testid="dcc-choose">
      <legend>{t('dcc.choosePerson')}</legend>
      {[...props.candidates, undefined].map((c) => (
        <label key={c?.key ?? '-'}>
          <input
            type="radio"
            name="dcc-person"
            checked={props.chosen === c?.key}
            onChange={() => props.choose(c?.key)}
          />{' '}
          {c ? `${c.holder.name} (${formatIsoDate(c.holder.birthDate, lang)})` : t('dcc.separatePerson')}
        </label>
      ))}
    </fieldset>
  );
}
