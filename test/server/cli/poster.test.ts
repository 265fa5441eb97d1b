/**
 * The printed venue poster, end to end: `singgah venue import --out` writes the PDF; a PDF parser (pdf.js)
 * finds the venue name, the short code and the bilingual instruction in its text; poppler's pdftoppm
 * renders it at 100 dpi, and the project's own QR decoder (src/scan/zxing-decode.ts) reads the QR from the
 * pixels: the link decodes to the same venue and verifies against the published bundle, as the app does.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishedBundlePath } from '../../../server/authority';
import { readTrust } from '../../../server/keys';
import { SCAN_TEXT_EN, SCAN_TEXT_ID } from '../../../server/poster';
import { verifyBundle } from '../../../src/core/bundle';
import { parseScanned, qrText } from '../../../src/core/qr-link';
import { verifyVenue } from '../../../src/core/venue';
import { decodeFrame } from '../../../src/scan/zxing-decode';
import { createTestAuthority, runCliIn } from '../../support/cli-authority';

// pdf.js reads the standard 14 fonts' metrics from here (Node: a file path with a trailing slash).
const STANDARD_FONTS = `${resolve(import.meta.dirname, '../../../node_modules/pdfjs-dist/standard_fonts')}/`;
const ENSURE_POPPLER = resolve(import.meta.dirname, '../../../scripts/ensure-poppler.mjs');

let dir: string;
const dataDir = () => join(dir, 'data');

const cli = (...args: string[]) => runCliIn(dataDir(), args);

async function pdfText(path: string): Promise<{ pages: number; text: string[] }> {
  const doc = await getDocument({ data: new Uint8Array(readFileSync(path)), standardFontDataUrl: STANDARD_FONTS })
    .promise;
  const page = await doc.getPage(1);
  const content = await page.getTextContent();
  const text = content.items.map((item) => ('str' in item ? item.str : ''));
  const pages = doc.numPages;
  await doc.destroy();
  return { pages, text };
}

beforeAll(async () => {
  // Like scripts/ensure-chromium.mjs for the browser tests: install poppler-utils if missing (root) or fail.
  const ensured = spawnSync(process.execPath, [ENSURE_POPPLER], { encoding: 'utf8' });
  if (ensured.status !== 0) throw new Error(`pdftoppm is missing: ${ensured.stdout}${ensured.stderr}`);
  ({ root: dir } = await createTestAuthority('poster'));
}, 120_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('venue poster', () => {
  it('is a PDF whose text has the venue name, short code and instruction, and whose QR decodes to the venue', async () => {
    const csv = join(dir, 'venues.csv');
    writeFileSync(
      csv,
      'name,address,category,region,capacity,stay\n' +
        'Kantor Gubernur Kalimantan Timur,"Jl. Gajah Mada No. 2, Samarinda",gov,64,400,120\n' +
        'Rumah Makan Padang Sederhana,Jl. Sudirman 5,resto,3171,80,60\n',
    );
    const out = join(dir, 'posters');
    const run = await cli('venue', 'import', csv, '--out', out);
    expect(run.code, run.stderr).toBe(0);
    const list = readFileSync(join(out, 'venues.csv'), 'utf8').trim().split('\n');
    expect(list[0]).toBe('id,short_code,name,url');
    const [id, shortCode, name] = list[1].split(',');
    expect(name).toBe('Kantor Gubernur Kalimantan Timur');
    expect(readdirSync(out).sort()).toEqual(
      [...list.slice(1).flatMap((l) => [`${l.split(',')[0]}.pdf`, `${l.split(',')[0]}.svg`]), 'venues.csv'].sort(),
    );

    const pdf = join(out, `${id}.pdf`);
    expect(readFileSync(pdf).subarray(0, 8).toString('latin1')).toBe('%PDF-1.4');
    const { pages, text } = await pdfText(pdf);
    expect(pages).toBe(1);
    const joined = text.join(' ');
    // The name wraps at this size; the words are there in order.
    expect(joined.replace(/\s+/g, ' ')).toContain('Kantor Gubernur Kalimantan Timur');
    expect(text).toContain(shortCode);
    expect(text).toContain(SCAN_TEXT_ID);
    expect(text).toContain(SCAN_TEXT_EN);

    // Render at 100 dpi (an A4 page is 827 × 1169.3 px; poppler rounds up) and decode the QR from the pixels,
    // with vector anti-aliasing on (a PDF viewer on screen) and off (a printer). Every poster of the import.
    // Sharp renders are where a corner choice by module size fails (docs/DECISIONS.md): every poster must read.
    let text100: string | null = null;
    for (const line of list.slice(1)) {
      const venuePdf = join(out, `${line.split(',')[0]}.pdf`);
      for (const aa of ['yes', 'no']) {
        execFileSync('pdftoppm', ['-png', '-r', '100', '-aaVector', aa, '-singlefile', venuePdf, join(dir, 'page')]);
        const png = PNG.sync.read(readFileSync(join(dir, 'page.png')));
        expect(png.width).toBe(827);
        expect(png.height).toBeGreaterThanOrEqual(1169);
        expect(png.height).toBeLessThanOrEqual(1170);
        const decoded = decodeFrame({ data: new Uint8ClampedArray(png.data), width: png.width, height: png.height });
        expect(decoded, `${venuePdf} anti-aliasing ${aa}`).toBe(qrText(line.split(',').at(-1) as string));
        if (venuePdf === pdf) text100 = decoded;
      }
    }
    const scanned = parseScanned(text100 as string);
    if (!scanned.ok || scanned.value.kind !== 'venue') throw new Error(`not a venue QR: ${text100}`);
    const signed = scanned.value.signed;
    expect(signed.venue.id).toBe(id);
    expect(signed.venue.name).toBe(name);
    const bundle = verifyBundle(readFileSync(publishedBundlePath(dataDir()), 'utf8'), readTrust(dataDir()));
    if (!bundle.ok) throw new Error(bundle.error.code);
    expect(verifyVenue(signed, bundle.value.payload).ok).toBe(true);

    // The SVG twin carries the same words and a QR path.
    const svg = readFileSync(join(out, `${id}.svg`), 'utf8');
    expect(svg).toContain('<svg xmlns="http://www.w3.org/2000/svg" width="210mm" height="297mm"');
    expect(svg).toContain(`>${shortCode}</text>`);
    expect(svg).toContain('Scan with your phone&#39;s camera or the Singgah app');
    expect(svg).toMatch(/<path d="M[\d.]+ [\d.]+h/);
  }, 120_000);

  it('venue posters re-exports from the database, for all venues or those of a CSV', async () => {
    const all = join(dir, 'all');
    const run = await cli('venue', 'posters', '--out', all, '--format', 'pdf');
    expect(run.code, run.stderr).toBe(0);
    const pdfs = readdirSync(all).filter((f) => f.endsWith('.pdf'));
    expect(pdfs.length).toBe(2);
    expect(readdirSync(all).some((f) => f.endsWith('.svg'))).toBe(false);

    // The import file itself selects venues by name and address.
    const some = join(dir, 'some');
    const csv = join(dir, 'one.csv');
    writeFileSync(
      csv,
      'name,address,category,region,capacity,stay\nRumah Makan Padang Sederhana,Jl. Sudirman 5,resto,3171,80,60\n',
    );
    const byName = await cli('venue', 'posters', csv, '--out', some, '--format', 'svg');
    expect(byName.code, byName.stderr).toBe(0);
    expect(readdirSync(some)).toHaveLength(1);

    const unknown = join(dir, 'unknown.csv');
    writeFileSync(unknown, 'id\nZZZZZZZZ\n');
    const missing = await cli('venue', 'posters', unknown, '--out', join(dir, 'none'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no venue ZZZZZZZZ');
  }, 120_000);

  it('prints a name in Arabic, Chinese or Javanese script: read back from the PDF text, QR still decodes', async () => {
    // Each script needs its own font and shaping: Arabic letters join and run right to left (the lām-alif
    // ligature included), Chinese has no spaces to wrap at, Javanese stacks a consonant under the virama.
    const names = ['مسجد الاستقلال', '北京饭店', 'ꦩꦱ꧀ꦗꦶꦢ꧀ꦲꦒꦸꦁ'];
    const csv = join(dir, 'scripts.csv');
    writeFileSync(
      csv,
      `name,address,category,region,capacity,stay\n${names.map((n) => `${n},Jl. Sudirman 5,resto,3171,80,60`).join('\n')}\n`,
    );
    const out = join(dir, 'scripts');
    const run = await cli('venue', 'import', csv, '--out', out, '--format', 'pdf');
    expect(run.code, run.stderr).toBe(0);
    const list = readFileSync(join(out, 'venues.csv'), 'utf8').trim().split('\n').slice(1);
    expect(list.map((line) => line.split(',')[2])).toEqual(names);
    for (const line of list) {
      const [id, , name, url] = line.split(',');
      const pdf = join(out, `${id}.pdf`);
      const { text } = await pdfText(pdf);
      expect(text, name).toContain(name);
      execFileSync('pdftoppm', ['-png', '-r', '100', '-singlefile', pdf, join(dir, 'page')]);
      const png = PNG.sync.read(readFileSync(join(dir, 'page.png')));
      const decoded = decodeFrame({ data: new Uint8ClampedArray(png.data), width: png.width, height: png.height });
      expect(decoded, name).toBe(qrText(url));
    }
  }, 120_000);
});
