/**
 * The PDF 1.4 and SVG writers for printable A4 pages made of centred text lines and one QR code. Both outputs
 * come from the same `Page` so the poster looks the same in either format. The PDF (pdf-lib) embeds subsets of
 * the Noto fonts of poster-fonts.ts, so a name in any script prints and can be searched and copied; the QR is
 * drawn as filled rectangles (one per run of dark modules), in a Flate-compressed content stream.
 */

import { deflateSync } from 'node:zlib';
import type * as fontkit from 'fontkit';
import { PDFDocument, type PDFFont } from 'pdf-lib';
import QRCode from 'qrcode';
import { type LoadedFont, layoutLine } from './poster-fonts';

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
const round = (n: number) => Math.round(n * 100) / 100;
const num = (n: number) => String(round(n));

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
<svg xmlns="http://www.w3.org/2000/svg" width="210mm" height="297mm" viewBox="0 0 ${A4.width} ${A4.height}" font-family="'Noto Sans', 'Noto Naskh Arabic', 'Noto Sans Javanese', 'Noto Sans SC', Helvetica, Arial, sans-serif" role="img" aria-label="${xml(page.title)}">
<title>${xml(page.title)}</title>
<rect width="100%" height="100%" fill="#fff"/>
${parts.join('\n')}
</svg>
`;
}

// ---------------------------------------------------------------- PDF

/**
 * pdf-lib's font engine: fontkit 2 (pdf-lib bundles fontkit 1, whose Javanese shaper needs a global
 * `regeneratorRuntime`), given the fonts poster-fonts.ts already parsed instead of parsing them again per
 * document, with two adaptations: fontkit 2 encodes a subset in one call where pdf-lib expects fontkit 1's
 * stream, and a right-to-left ligature (Arabic lām-alif) lists its characters in printed order, so that a text
 * extractor, which reverses right-to-left text back to reading order, gets the letters in the right order.
 */
const parsed = new WeakMap<Uint8Array, LoadedFont>();
const engine = {
  create(bytes: Uint8Array): fontkit.Font {
    const loaded = parsed.get(bytes);
    if (!loaded) throw new Error('poster-pdf: embed only the fonts of poster-fonts.ts');
    const font = loaded.font;
    return Object.create(font, {
      layout: {
        value(text: string, features?: Record<string, boolean>) {
          const run = font.layout(text, features);
          if (run.direction === 'rtl') {
            run.glyphs = run.glyphs.map((g) =>
              g.codePoints.length > 1 ? Object.create(g, { codePoints: { value: [...g.codePoints].reverse() } }) : g,
            );
          }
          return run;
        },
      },
      createSubset: {
        value() {
          const subset = font.createSubset();
          return Object.create(subset, {
            encodeStream: {
              value() {
                const on: Record<string, (arg?: unknown) => void> = {};
                queueMicrotask(() => {
                  try {
                    on.data?.(subset.encode());
                    on.end?.();
                  } catch (e) {
                    on.error?.(e);
                  }
                });
                const stream = {
                  on(event: string, listener: (arg?: unknown) => void) {
                    on[event] = listener;
                    return stream;
                  },
                };
                return stream;
              },
            },
          });
        },
      },
    }) as fontkit.Font;
  },
};

/** One page's items as PDF operators and text, fonts embedded (as subsets) into `doc` on first use. */
async function drawPage(doc: PDFDocument, page: Page, embedded: Map<LoadedFont, PDFFont>): Promise<void> {
  const pdfPage = doc.addPage([A4.width, A4.height]);
  for (const item of page.items) {
    if (item.kind === 'text') {
      const runs = layoutLine(item.text, item.size, item.bold ?? false);
      let x = (A4.width - runs.reduce((sum, r) => sum + r.width, 0)) / 2;
      for (const run of runs) {
        let font = embedded.get(run.font);
        if (!font) {
          parsed.set(run.font.bytes, run.font);
          font = await doc.embedFont(run.font.bytes, { subset: true });
          embedded.set(run.font, font);
        }
        pdfPage.drawText(run.text, { x: round(x), y: round(A4.height - item.y), size: item.size, font });
        x += run.width;
      }
    } else {
      // The QR as one path of filled rectangles, one per run of dark modules, filled at once (no seams between
      // runs), written as our own Flate stream: ~1,000 rectangles as pdf-lib operator objects cost more than the
      // rest of the page.
      const { modules, runs } = qrRuns(item.text);
      const unit = item.size / (modules + 2 * QUIET);
      const x0 = (A4.width - item.size) / 2 + QUIET * unit;
      const top = A4.height - item.y - QUIET * unit;
      const ops = ['q', '0 g'];
      for (const [x, y, w] of runs) {
        ops.push(`${num(x0 + x * unit)} ${num(top - (y + 1) * unit)} ${num(w * unit)} ${num(unit)} re`);
      }
      ops.push('f', 'Q');
      const qr = doc.context.stream(deflateSync(Buffer.from(ops.join('\n'), 'latin1')), { Filter: 'FlateDecode' });
      pdfPage.node.addContentStream(doc.context.register(qr));
    }
  }
}

/** A PDF 1.4 document with one A4 page per `Page` (bytes), the fonts embedded as subsets of the glyphs used. */
export async function pagesPdf(pages: readonly Page[]): Promise<Uint8Array> {
  if (pages.length === 0) throw new Error('a PDF needs at least one page');
  // No creation date or producer of pdf-lib's own: the same pages give the same bytes.
  const doc = await PDFDocument.create({ updateMetadata: false });
  // pdf-lib types fontkit 1's API; the calls it makes are the ones adapted above.
  doc.registerFontkit(engine as unknown as Parameters<PDFDocument['registerFontkit']>[0]);
  doc.setTitle(pages[0].title);
  doc.setProducer('Singgah');
  const embedded = new Map<LoadedFont, PDFFont>();
  for (const page of pages) await drawPage(doc, page, embedded);
  // Without object streams and cross-reference streams (PDF 1.5) nothing in the file is newer than PDF 1.4, but
  // pdf-lib always writes a 1.7 header: say 1.4, which older printers and readers accept (same length, so every
  // byte offset in the cross-reference table stays right). objectsPerTick: no timer pause between objects.
  const bytes = await doc.save({ useObjectStreams: false, objectsPerTick: Number.POSITIVE_INFINITY });
  const header = Buffer.from(bytes.buffer, bytes.byteOffset, 8);
  if (header.toString('latin1') !== '%PDF-1.7') throw new Error('poster-pdf: unexpected header from pdf-lib');
  header.write('%PDF-1.4', 'latin1');
  return bytes;
}
