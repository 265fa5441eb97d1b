/**
 * Real Indonesian region codes: 2-digit provinces and 4-digit regencies/cities in the Kemendagri numbering
 * (the same as BPS for provinces and almost all regencies; DKI Jakarta's cities are numbered differently),
 * read from the npm package `idn-area-data` (code MIT; data ODbL 1.0, used unmodified from node_modules,
 * never copied into this repository — see docs/OPERATIONS.md). The package's CSVs write a regency as
 * "64.72"; Singgah's wire form drops the dot ("6472", src/core/schema.ts regionCode).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface Region {
  readonly code: string;
  readonly name: string;
}

let cache: ReadonlyMap<string, Region> | undefined;

/** The package's data folder, found through its package.json (its `exports` may hide data/). */
function dataDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('idn-area-data/package.json')), 'data');
}

/** First two columns of `code,…,name` rows (names never contain commas in these files; checked below). */
function readCsv(file: string, nameColumn: number): Region[] {
  const lines = readFileSync(join(dataDir(), file), 'utf8').split(/\r?\n/).slice(1);
  return lines
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const cells = line.split(',');
      const code = cells[0].replace('.', '');
      if (!/^\d{2}(\d{2})?$/.test(code)) throw new Error(`idn-area-data ${file}: unexpected code in "${line}"`);
      return { code, name: cells.slice(nameColumn).join(',') };
    });
}

/** Every province and regency/city by code (loaded once, ~550 entries). */
export function regions(): ReadonlyMap<string, Region> {
  cache ??= new Map([...readCsv('provinces.csv', 1), ...readCsv('regencies.csv', 2)].map((r) => [r.code, r] as const));
  return cache;
}

/** The region with this code, or undefined when no province or regency/city has it. */
export const findRegion = (code: string): Region | undefined => regions().get(code);
