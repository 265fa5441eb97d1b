/**
 * Guard mode's place: the category and region a guard checks visitors for, chosen once from the signed bundle's
 * lists (or taken from a venue QR) and remembered in localStorage on this device only.
 */
import { useState } from 'preact/hooks';
import type { Venue } from '../../core/venue';
import { useI18n } from '../i18n';
import { useApp } from '../model-context';
import { PROVINCE_CODES, regionLabel } from '../regions';

const PLACE_KEY = 'singgah.verify.place';

export interface Place {
  readonly category: string;
  readonly region: string;
  /** Set when the place came from a venue QR. */
  readonly name?: string;
}

export function loadPlace(): Place | undefined {
  try {
    const p: unknown = JSON.parse(localStorage.getItem(PLACE_KEY) ?? 'null');
    if (p && typeof p === 'object' && 'category' in p && 'region' in p) {
      const { category, region, name } = p as Record<string, unknown>;
      if (typeof category === 'string' && typeof region === 'string')
        return { category, region, name: typeof name === 'string' ? name : undefined };
    }
  } catch {
    // Unreadable or blocked storage: ask again.
  }
  return undefined;
}

export function savePlace(p: Place | undefined) {
  try {
    if (p) localStorage.setItem(PLACE_KEY, JSON.stringify(p));
    else localStorage.removeItem(PLACE_KEY);
  } catch {
    // Storage refused: the choice holds for this visit only.
  }
}

/** decidePerson wants a venue: the guard's place, with nothing else a rule could read. */
export const venueOf = (p: Place): Venue => ({
  id: 'verifier',
  name: p.name ?? p.category,
  address: '-',
  category: p.category,
  region: p.region,
  capacity: 0,
  stayMinutes: 1,
  kid: '0000',
  issuedAt: 0,
});

export function PlaceForm({ initial, onChoose }: { initial?: Place; onChoose: (p: Place) => void }) {
  const { t, lang } = useI18n();
  const payload = useApp().bundle.bundle?.payload;
  const categories = payload?.categories ?? [];
  const listed = payload?.regions ?? PROVINCE_CODES;
  // The remembered place stays selected even when its region is not listed (a venue QR's regency, e.g. 3374):
  // otherwise the select would silently show the first entry (Aceh) and "start" would check for the wrong place.
  const regions = initial && !listed.includes(initial.region) ? [initial.region, ...listed] : listed;
  const [category, setCategory] = useState(initial?.category ?? categories[0]?.code ?? '');
  const [region, setRegion] = useState(initial?.region ?? regions[0] ?? '');
  return (
    <form
      class="card verify-place"
      data-testid="verify-place-form"
      onSubmit={(e) => {
        e.preventDefault();
        onChoose({ category, region });
      }}
    >
      <p>{t('verify.intro')}</p>
      <label for="verify-category">{t('verify.category')}</label>
      <select
        id="verify-category"
        data-testid="verify-category"
        value={category}
        onChange={(e) => setCategory((e.currentTarget as HTMLSelectElement).value)}
      >
        {categories.map((c) => (
          <option key={c.code} value={c.code}>
            {c.name[lang]}
          </option>
        ))}
      </select>
      <label for="verify-region">{t('verify.region')}</label>
      <select
        id="verify-region"
        data-testid="verify-region"
        value={region}
        onChange={(e) => setRegion((e.currentTarget as HTMLSelectElement).value)}
      >
        {regions.map((r) => (
          <option key={r} value={r}>
            {regionLabel(r)}
          </option>
        ))}
      </select>
      <button type="submit" class="button button--primary" data-testid="verify-start">
        {t('verify.start')}
      </button>
      <p class="muted">{t('verify.scanVenueHint')}</p>
    </form>
  );
}
