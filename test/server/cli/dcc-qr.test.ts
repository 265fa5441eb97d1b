/**
 * `singgah qr decode` (server/qr-image.ts) with the app's own decoder: the 2DCODE PNG of every EU sample
 * must read as its PREFIX (EXPECTEDPICTUREDECODE), and generated pictures — a camera-like JPEG of a poster,
 * a large scan, light-on-dark — as their text. Bad files are reported, never crash the run.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { encode as encodeJpeg } from 'jpeg-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../server/cli';
import { encodePng, posterPhoto, type Rgba } from '../../support/qr-images';

const SAMPLES = resolve(import.meta.dirname, '../../vectors/eu-dcc');

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'singgah-qr-decode-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function qrDecode(files: readonly string[], json = true) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(['qr', 'decode', ...(json ? ['--json'] : []), ...files], {
    out: (s) => {
      stdout += s;
    },
    err: (s) => {
      stderr += s;
    },
  });
  return { code, stdout, stderr, lines: stdout.split('\n').filter((l) => l !== '') };
}

const jpeg = (img: Rgba, quality: number) =>
  encodeJpeg({ width: img.width, height: img.height, data: Buffer.from(img.data.buffer) }, quality).data;

/** A real `HC1:` text (577 characters): what a guard's or an operator's picture holds. */
const DCC_TEXT: string = JSON.parse(readFileSync(join(SAMPLES, 'AT/1.json'), 'utf8')).PREFIX;

describe('qr decode', () => {
  it('reads the 2DCODE PNG of every EU sample that has one as its PREFIX (EXPECTEDPICTUREDECODE)', async () => {
    const files: string[] = [];
    const expected: string[] = [];
    for (const country of readdirSync(SAMPLES)) {
      if (!statSync(join(SAMPLES, country)).isDirectory()) continue;
      for (const name of readdirSync(join(SAMPLES, country)).filter((f) => f.endsWith('.json'))) {
        const sample = JSON.parse(readFileSync(join(SAMPLES, country, name), 'utf8'));
        // The IE cases flag the picture but carry no PNG (upstream keeps theirs in separate files).
        if (sample['2DCODE'] === undefined) continue;
        expect(sample.EXPECTEDRESULTS.EXPECTEDPICTUREDECODE).toBe(true);
        const png = join(root, `${country}-${name}.png`);
        writeFileSync(png, Buffer.from(sample['2DCODE'], 'base64'));
        files.push(png);
        expected.push(sample.PREFIX);
      }
    }
    expect(files).toHaveLength(18);
    const run = await qrDecode(files);
    expect(run.code, run.stderr).toBe(0);
    expect(run.lines.map((l) => JSON.parse(l))).toEqual(files.map((file, i) => ({ file, text: expected[i] })));
  });

  it('reads a camera-like JPEG of a poster, a large JPEG scan, and a light-on-dark PNG', async () => {
    // A phone photo of a poster at a slight angle, blurred and noisy; an A4 page scanned at 300 dpi; a
    // light-on-dark poster.
    const photo = posterPhoto(DCC_TEXT, {
      width: 1280,
      height: 960,
      corners: [
        [330, 40],
        [930, 70],
        [950, 930],
        [310, 900],
      ],
      blur: 1,
      noise: 4,
      seed: 7,
    });
    const page: [[number, number], [number, number], [number, number], [number, number]] = [
      [0, 0],
      [2480, 0],
      [2480, 3508],
      [0, 3508],
    ];
    const scan = posterPhoto(DCC_TEXT, { width: 2480, height: 3508, corners: page, qrShare: 0.5, seed: 3 });
    const inverted = posterPhoto(DCC_TEXT, {
      width: 900,
      height: 900,
      corners: [
        [200, 0],
        [700, 0],
        [700, 900],
        [200, 900],
      ],
      invert: true,
      seed: 5,
    });
    const files = [
      [join(root, 'photo.jpg'), jpeg(photo, 85)],
      [join(root, 'scan.jpeg'), jpeg(scan, 75)],
      [join(root, 'inverted.png'), encodePng(inverted)],
    ] as const;
    for (const [path, bytes] of files) writeFileSync(path, bytes);
    const run = await qrDecode(files.map(([path]) => path));
    expect(run.code, run.stderr).toBe(0);
    expect(run.lines.map((l) => JSON.parse(l).text)).toEqual([DCC_TEXT, DCC_TEXT, DCC_TEXT]);
    const words = await qrDecode([files[0][0]], false);
    expect(words.stdout).toBe(`${files[0][0]}: ${DCC_TEXT}\n`);
  });

  it('a picture without a code gives null; a file that is no image is reported; the rest are still read', async () => {
    const blank: Rgba = { width: 200, height: 200, data: new Uint8ClampedArray(200 * 200 * 4).fill(255) };
    const files = [
      join(root, 'blank.png'),
      join(root, 'notes.txt'),
      join(root, 'broken.jpg'),
      join(root, 'missing.png'),
      join(root, 'good.png'),
    ];
    writeFileSync(files[0], encodePng(blank));
    writeFileSync(files[1], 'hello');
    writeFileSync(files[2], Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]));
    const poster = posterPhoto('https://singgah.example/C#123', {
      width: 600,
      height: 850,
      corners: [
        [0, 0],
        [600, 0],
        [600, 850],
        [0, 850],
      ],
    });
    writeFileSync(files[4], encodePng(poster));
    const run = await qrDecode(files);
    expect(run.code).toBe(1);
    expect(run.lines.map((l) => JSON.parse(l))).toEqual([
      ...files.slice(0, 4).map((file) => ({ file, text: null })),
      { file: files[4], text: 'https://singgah.example/C#123' },
    ]);
    expect(run.stderr).toContain(`${files[1]}: not a PNG or JPEG image`);
    expect(run.stderr).toContain(`${files[2]}: unreadable image`);
    expect(run.stderr).toContain(`cannot read ${files[3]}`);
    expect(run.stderr).toContain('singgah: 4 of 5 file(s) without a readable QR code');
    const words = await qrDecode([files[0]], false);
    expect(words.stdout).toBe(`${files[0]}: no QR code found\n`);
  });
});
