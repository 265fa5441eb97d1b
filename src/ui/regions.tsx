/**
 * Region names for region codes (Kemendagri numbering: 2-digit provinces, 4-digit regencies/cities, as in the
 * NIK a certificate's home region comes from), generated at build time from idn-area-data
 * (scripts/regions-plugin.ts). Province names come with the screens that show a region; regency/city names
 * (~514) load lazily: `useRegionLabel` shows the province at once and the full name as soon as it is there.
 */

import { PROVINCES } from 'virtual:singgah-regions/provinces';
import { useEffect, useState } from 'preact/hooks';

let regencies: Readonly<Record<string, string>> | undefined;
let loading: Promise<void> | undefined;

function loadRegencies(): Promise<void> {
  loading ??= import('virtual:singgah-regions/regencies').then(
    (m) => {
      regencies = m.REGENCIES;
    },
    () => {
      // Not loaded (an old tab after an update): provinces still name the region; try again next time.
      loading = undefined;
    },
  );
  return loading;
}

/** Every province, for pickers when the bundle names no regions (guard mode). */
export const PROVINCE_CODES: readonly string[] = Object.keys(PROVINCES);

/**
 * "Kalimantan Timur", "Kota Semarang, Jawa Tengah" (or "Jawa Tengah" until the regency names are loaded), and
 * the bare code only for a code no province has.
 */
export function regionLabel(code: string): string {
  const province = PROVINCES[code.slice(0, 2)];
  if (!province) return code;
  const regency = code.length > 2 ? regencies?.[code] : undefined;
  return regency ? `${regency}, ${province}` : province;
}

/** regionLabel, re-rendered with the regency/city name once its lazy chunk is in. */
export function useRegionLabel(code: string): string {
  const [, setLoaded] = useState(regencies !== undefined);
  useEffect(() => {
    if (code.length > 2 && !regencies) void loadRegencies().then(() => setLoaded(regencies !== undefined));
  }, [code]);
  return regionLabel(code);
}

/** A region's name as an element, for lists that cannot call a hook per row. */
export function RegionName({ code }: { code: string }) {
  return <>{useRegionLabel(code)}</>;
}
