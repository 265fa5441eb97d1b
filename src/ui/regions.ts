/**
 * Province names for the first two digits of a region code (BPS = Kemendagri for 11–82). Papua's codes were
 * renumbered after the 2022 split and differ between the two lists, so 9x is shown as a code only.
 */
const PROVINCES: Readonly<Record<string, string>> = {
  '11': 'Aceh',
  '12': 'Sumatera Utara',
  '13': 'Sumatera Barat',
  '14': 'Riau',
  '15': 'Jambi',
  '16': 'Sumatera Selatan',
  '17': 'Bengkulu',
  '18': 'Lampung',
  '19': 'Kepulauan Bangka Belitung',
  '21': 'Kepulauan Riau',
  '31': 'DKI Jakarta',
  '32': 'Jawa Barat',
  '33': 'Jawa Tengah',
  '34': 'DI Yogyakarta',
  '35': 'Jawa Timur',
  '36': 'Banten',
  '51': 'Bali',
  '52': 'Nusa Tenggara Barat',
  '53': 'Nusa Tenggara Timur',
  '61': 'Kalimantan Barat',
  '62': 'Kalimantan Tengah',
  '63': 'Kalimantan Selatan',
  '64': 'Kalimantan Timur',
  '65': 'Kalimantan Utara',
  '71': 'Sulawesi Utara',
  '72': 'Sulawesi Tengah',
  '73': 'Sulawesi Selatan',
  '74': 'Sulawesi Tenggara',
  '75': 'Gorontalo',
  '76': 'Sulawesi Barat',
  '81': 'Maluku',
  '82': 'Maluku Utara',
};

/** Every listed province, for pickers when the bundle names no regions (guard mode). */
export const PROVINCE_CODES: readonly string[] = Object.keys(PROVINCES);

/** "Kalimantan Timur (64)", "Jawa Tengah · 3374", or the bare code when the province is not listed. */
export function regionLabel(code: string): string {
  const province = PROVINCES[code.slice(0, 2)];
  if (!province) return code;
  return code.length === 2 ? `${province} (${code})` : `${province} · ${code}`;
}
