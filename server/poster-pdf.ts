/**
 * A minimal PDF 1.4 and SVG writer for printable A4 pages made of centred text lines and one QR code.
 * Both outputs come from the same `Page` so the poster looks the same in either format. The PDF uses only
 * the standard Helvetica fonts (no embedding: every reader has them), WinAnsi text, and the QR drawn as
 * filled rectangles (one per run of dark modules), in a Flate-compressed content stream.
 */
import { deflateSync } from 'node:zlib';
import QRCode from 'qrcode';

/** A4 in PDF points (1/72 inch). */
export const A4 = { width: 595.28, height: 841.89 } as const;

export interface TextLine {
  readonly kind: 'text';
  readonly text: string;
  /** Baseline, points from the top of the page (converted to PDF's bottom-up y when written). */
  readonly y: number;
  readonly size: number;
  readonly bold?: boolean;
}

export interface QrBlock {
  readonly kind: 'qr';
  /** QR text (already in its compact form, see core qrText). */
  readonly text: string;
  /** Top edge, points from the top of the page; the code is centred horizontally. */
  readonly y: number;
  /** Side of the square including the 4-module quiet zone. */
  readonly size: number;
}

export type PageItem = TextLine | QrBlock;

export interface Page {
  readonly title: string;
  readonly items: readonly PageItem[];
}

// Advance widths (1/1000 em) of ASCII 32–126 in the standard Helvetica and Helvetica-Bold (Adobe AFM);
// other characters are measured as 556 (a digit): only used to centre and wrap lines.
const HELVETICA = [
  278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556,
  556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833,
  722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556,
  556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334,
  260, 334, 584,
];
const HELVETICA_BOLD = [
  278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556,
  556, 556, 556, 333, 333, 584, 584, 584, 611, 975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833,
  722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556, 333, 556, 611, 556, 611,
  556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611, 611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389,
  280, 389, 584,
];

/** Width of `text` in points at `size`. */
export function textWidth(text: string, size: number, bold = false): number {
  const table = bold ? HELVETICA_BOLD : HELVETICA;
  let units = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0) ?? 0;
    units += c >= 32 && c <= 126 ? table[c - 32] : 556;
  }
  return (units * size) / 1000;
}

/** Greedy word wrap to `maxWidth` points; a single word longer than the line is cut. */
export function wrapText(text: string, size: number, maxWidth: number, bold = false): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const candidate = line ? `${line} ${word}` : word;
    if (textWidth(candidate, size, bold) <= maxWidth) {
      line = candidate;
      continue;
    }
    if (line) lines.push(line);
    line = word;
    while (textWidth(line, size, bold) > maxWidth && line.length > 1) {
      let cut = line.length - 1;
      while (cut > 1 && textWidth(line.slice(0, cut), size, bold) > maxWidth) cut--;
      lines.push(line.slice(0, cut));
      line = line.slice(cut);
    }
  }
  if (line) lines.push(line);
  return lines;
}

type Runs = { modules: number; runs: [number, number, number][] };
/** The last QR encoded: a poster is usually written as PDF and then SVG, and encoding costs ~5 ms. */
let lastQr: { text: string; runs: Runs } | undefined;

/** The QR's dark modules as horizontal runs [x, y, length] in module units (quiet zone not included). */
function qrRuns(text: string): Runs {
  if (lastQr?.text === text) return lastQr.runs;
  const runs = encodeRuns(text);
  lastQr = { text, runs };
  return runs;
}

function encodeRuns(text: string): Runs {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const runs: [number, number, number][] = [];
  for (let y = 0; y < n; y++) {
    let x = 0;
    while (x < n) {
      if (!qr.modules.get(y, x)) {
        x++;
        continue;
      }
      const start = x;
      while (x < n && qr.modules.get(y, x)) x++;
      runs.push([start, y, x - start]);
    }
  }
  return { modules: n, runs };
}

const QUIET = 4;
const num = (n: number) => String(Math.round(n * 100) / 100);

// ---------------------------------------------------------------- SVG

const xml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** The page as a standalone SVG sized 210 × 297 mm (viewBox in points). */
export function pageSvg(page: Page): string {
  const parts: string[] = [];
  for (const item of page.items) {
    if (item.kind === 'text') {
      parts.push(
        `<text x="${num(A4.width / 2)}" y="${num(item.y)}" font-size="${item.size}"${item.bold ? ' font-weight="bold"' : ''} text-anchor="middle">${xml(item.text)}</text>`,
      );
    } else {
      const { modules, runs } = qrRuns(item.text);
      const unit = item.size / (modules + 2 * QUIET);
      const x0 = (A4.width - item.size) / 2 + QUIET * unit;
      const y0 = item.y + QUIET * unit;
      const d = runs.map(
        ([x, y, w]) => `M${num(x0 + x * unit)} ${num(y0 + y * unit)}h${num(w * unit)}v${num(unit)}h${num(-w * unit)}z`,
      );
      parts.push(
        `<rect x="${num((A4.width - item.size) / 2)}" y="${num(item.y)}" width="${num(item.size)}" height="${num(item.size)}" fill="#fff"/>`,
        // crispEdges: anti-aliased seams between runs would blur modules when printed or rasterised.
        `<path d="${d.join('')}" fill="#000" shape-rendering="crispEdges"/>`,
      );
    }
  }
  return `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="210mm" height="297mm" viewBox="0 0 ${A4.width} ${A4.height}" font-family="Helvetica, Arial, sans-serif" role="img" aria-label="${xml(page.title)}">
<title>${xml(page.title)}</title>
<rect width="100%" height="100%" fill="#fff"/>
${parts.join('\n')}
</svg>
`;
}

// ---------------------------------------------------------------- PDF

// WinAnsiEncoding = Latin-1 for 0xA0–0xFF, plus these in 0x80–0x9F; anything else prints as "?".
const WIN_ANSI_EXTRA: Record<string, number> = {
  '€': 0x80,
  '‚': 0x82,
  '„': 0x84,
  '…': 0x85,
  '‘': 0x91,
  '’': 0x92,
  '“': 0x93,
  '”': 0x94,
  '•': 0x95,
  '–': 0x96,
  '—': 0x97,
  '™': 0x99,
};

/** A PDF literal string in WinAnsi bytes (written as latin1), with ( ) \ escaped and others as octal. */
function pdfString(text: string): string {
  let out = '(';
  for (const ch of text) {
    const c = ch.codePointAt(0) ?? 63;
    const byte = (c >= 32 && c <= 126) || (c >= 0xa0 && c <= 0xff) ? c : (WIN_ANSI_EXTRA[ch] ?? 63);
    if (byte === 0x28 || byte === 0x29 || byte === 0x5c) out += `\\${String.fromCharCode(byte)}`;
    else if (byte < 32 || byte > 126) out += `\\${byte.toString(8).padStart(3, '0')}`;
    else out += String.fromCharCode(byte);
  }
  return `${out})`;
}

function contentStream(page: Page): string {
  const ops: string[] = [];
  for (const item of page.items) {
    if (item.kind === 'text') {
      const x = (A4.width - textWidth(item.text, item.size, item.bold)) / 2;
      ops.push(
        `BT /${item.bold ? 'F2' : 'F1'} ${item.size} Tf ${num(x)} ${num(A4.height - item.y)} Td ${pdfString(item.text)} Tj ET`,
      );
    } else {
      const { modules, runs } = qrRuns(item.text);
      const unit = item.size / (modules + 2 * QUIET);
      const x0 = (A4.width - item.size) / 2 + QUIET * unit;
      const top = A4.height - item.y - QUIET * unit;
      ops.push('0 g');
      for (const [x, y, w] of runs) {
        ops.push(`${num(x0 + x * unit)} ${num(top - (y + 1) * unit)} ${num(w * unit)} ${num(unit)} re`);
      }
      ops.push('f');
    }
  }
  return ops.join('\n');
}

/** A PDF 1.4 document with one A4 page per `Page` (bytes). */
export function pagesPdf(pages: readonly Page[]): Buffer {
  if (pages.length === 0) throw new Error('a PDF needs at least one page');
  // Object numbers: 1 catalog, 2 page tree, 3 Helvetica, 4 Helvetica-Bold, 5 info, then per page: page, contents.
  const objects: Buffer[] = [];
  const add = (body: string | Buffer) => objects.push(typeof body === 'string' ? Buffer.from(body, 'latin1') : body);
  const pageIds = pages.map((_, i) => 6 + 2 * i);
  add('<< /Type /Catalog /Pages 2 0 R >>');
  add(`<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pages.length} >>`);
  add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>');
  add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>');
  add(`<< /Title ${pdfString(pages[0].title)} /Producer (Singgah) >>`);
  pages.forEach((page, i) => {
    add(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${A4.width} ${A4.height}] ` +
        `/Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents ${pageIds[i] + 1} 0 R >>`,
    );
    const stream = deflateSync(Buffer.from(contentStream(page), 'latin1'));
    add(
      Buffer.concat([
        Buffer.from(`<< /Length ${stream.length} /Filter /FlateDecode >>\nstream\n`, 'latin1'),
        stream,
        Buffer.from('\nendstream', 'latin1'),
      ]),
    );
  });
  // The binary comment line tells transfer tools the file is binary (PDF spec 7.5.2).
  const chunks: Buffer[] = [Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  let offset = chunks[0].length;
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    const chunk = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`, 'latin1'), body, Buffer.from('\nendobj\n', 'latin1')]);
    offsets.push(offset);
    offset += chunk.length;
    chunks.push(chunk);
  });
  const xref = [
    'xref',
    `0 ${objects.length + 1}`,
    '0000000000 65535 f ',
    ...offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n `),
    'trailer',
    `<< /Size ${objects.length + 1} /Root 1 0 R /Info 5 0 R >>`,
    'startxref',
    String(offset),
    '%%EOF',
    '',
  ].join('\n');
  chunks.push(Buffer.from(xref, 'latin1'));
  return Buffer.concat(chunks);
}
