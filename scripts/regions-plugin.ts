/**
 * Vite plugin: the region names the app shows, generated at build time from `idn-area-data` through the same
 * reader as the server (server/regions.ts), so the app and the CLI never disagree and nothing is kept by hand.
 *   virtual:singgah-regions/provinces  → PROVINCES, code → name (38; small, imported where a region is shown)
 *   virtual:singgah-regions/regencies  → REGENCIES, code → name (~514 regencies/cities; imported lazily)
 */
import type { Plugin } from 'vite';
import { regions } from '../server/regions';

const PREFIX = 'virtual:singgah-regions/';
const EXPORTS = { provinces: ['PROVINCES', 2], regencies: ['REGENCIES', 4] } as const;

export function regionNames(): Plugin {
  return {
    name: 'singgah-regions',
    resolveId(id) {
      return id.startsWith(PREFIX) && id.slice(PREFIX.length) in EXPORTS ? `\0${id}` : undefined;
    },
    load(id) {
      if (!id.startsWith(`\0${PREFIX}`)) return undefined;
      const [name, digits] = EXPORTS[id.slice(PREFIX.length + 1) as keyof typeof EXPORTS];
      const entries = [...regions().values()].filter((r) => r.code.length === digits).map((r) => [r.code, r.name]);
      // The built app carries these names (a Produced Work under the data's ODbL 1.0): the notice goes with them.
      return `/*! Region names: idn-area-data by fityannugroho (Kemendagri data), ODbL 1.0 */\nexport const ${name} = ${JSON.stringify(Object.fromEntries(entries))};\n`;
    },
  };
}
