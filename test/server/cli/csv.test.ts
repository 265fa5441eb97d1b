/** The CSV reader behind the imports (server/csv.ts) and the region list (server/regions.ts). */
import { describe, expect, it } from 'vitest';
import { csvLine, parseCsv } from '../../../server/csv';
import { findRegion, regions } from '../../../server/regions';

describe('parseCsv', () => {
  it('numbers records by the line they start on, across quoted line breaks, BOM, CRLF and blank lines', () => {
    const table = parseCsv('\uFEFFa,b\r\n1,"two\nlines"\r\n\r\n"say ""hi""",x\n', ['a', 'b']);
    expect(table.records).toEqual([
      { line: 2, cells: { a: '1', b: 'two\nlines' } },
      { line: 5, cells: { a: 'say "hi"', b: 'x' } },
    ]);
  });

  it('reads headers case-insensitively and in any order; refuses unknown, missing and repeated columns', () => {
    expect(parseCsv('B,A\n1,2\n', ['a', 'b']).records[0].cells).toEqual({ a: '2', b: '1' });
    expect(() => parseCsv('a,c\n', ['a'])).toThrow('line 1: unknown column "c"');
    expect(() => parseCsv('a\n', ['a', 'b'])).toThrow('line 1: missing column(s) b');
    expect(() => parseCsv('a,a\n', ['a'])).toThrow('line 1: column "a" appears twice');
    expect(() => parseCsv('', ['a'])).toThrow('line 1: the file is empty');
  });

  it('reports text after a closing quote and an unclosed quote with their lines', () => {
    expect(() => parseCsv('a,b\n1,2\n"x"y,3\n', ['a', 'b'])).toThrow('line 3: text after a closing quote');
    expect(() => parseCsv('a,b\n1,2\n3,"open\n\n', ['a', 'b'])).toThrow('line 3: a quoted field is never closed');
  });

  it('writes what it reads back', () => {
    const row = ['plain', 'with, comma', 'with "quote"', 'two\nlines'];
    const text = csvLine(['a', 'b', 'c', 'd']) + csvLine(row);
    expect(Object.values(parseCsv(text, ['a', 'b', 'c', 'd']).records[0].cells)).toEqual(row);
  });
});

describe('regions', () => {
  it('knows the 38 provinces and their regencies/cities, in Singgah’s dotless form', () => {
    const all = [...regions().keys()];
    expect(all.filter((c) => c.length === 2)).toHaveLength(38);
    expect(all.filter((c) => c.length === 4).length).toBeGreaterThan(500);
    expect(findRegion('64')?.name).toBe('Kalimantan Timur');
    expect(findRegion('6472')?.name).toBe('Kota Samarinda');
    // Kemendagri numbering (what idn-area-data follows): 31.71 is Jakarta Pusat (BPS numbers DKI's cities differently).
    expect(findRegion('3171')?.name).toBe('Kota Administrasi Jakarta Pusat');
    expect(findRegion('6499')).toBeUndefined();
    expect(findRegion('64.72')).toBeUndefined();
  });
});
