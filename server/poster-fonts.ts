/**
 * The fonts the printed pages use, and how a line of text in any mix of scripts is cut into runs that one font
 * can shape. Noto fonts shipped as npm packages (SIL Open Font License): Noto Sans for Latin, Greek and Cyrillic,
 * Noto Naskh Arabic, Noto Sans Javanese, Noto Sans SC (as "Noto Sans Hans"). Each is read from node_modules the
 * first time a page needs it and parsed once per process; a PDF embeds only the glyphs it uses (poster-pdf.ts).
 *
 * Shaping is fontkit's (OpenType GSUB: Arabic joining and ligatures, Javanese conjuncts and vowel reordering);
 * bidi-js orders right-to-left and left-to-right runs on a line (Unicode Bidirectional Algorithm, rule L2 by
 * run). Glyph positioning (GPOS kerning, mark offsets) is not applied by the PDF writer: marks sit where the font
 * draws them by default.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import bidiFactory from 'bidi-js';
import * as fontkit from 'fontkit';

export type FontFace = 'latin' | 'arabic' | 'javanese' | 'sc';
/** In fallback order: a character takes the first face that has a glyph for it. */
const FACES: readonly FontFace[] = ['latin', 'arabic', 'javanese', 'sc'];

const require = createRequire(import.meta.url);
/** A file of a package whose `exports` list only its JavaScript entry: found next to that entry. */
const besideEntry = (pkg: string, ...path: string[]) => join(dirname(require.resolve(pkg)), '..', ...path);

const FILES: Record<FontFace, Record<'regular' | 'bold', () => string>> = {
  latin: {
    regular: () => besideEntry('@embedpdf/fonts-latin', 'fonts', 'NotoSans-Regular.ttf'),
    bold: () => besideEntry('@embedpdf/fonts-latin', 'fonts', 'NotoSans-Bold.ttf'),
  },
  arabic: {
    regular: () => besideEntry('@embedpdf/fonts-arabic', 'fonts', 'NotoNaskhArabic-Regular.ttf'),
    bold: () => besideEntry('@embedpdf/fonts-arabic', 'fonts', 'NotoNaskhArabic-Bold.ttf'),
  },
  javanese: {
    regular: () => require.resolve('@fontsource/noto-sans-javanese/files/noto-sans-javanese-javanese-400-normal.woff'),
    bold: () => require.resolve('@fontsource/noto-sans-javanese/files/noto-sans-javanese-javanese-700-normal.woff'),
  },
  sc: {
    regular: () => besideEntry('@embedpdf/fonts-sc', 'fonts', 'NotoSansHans-Regular.otf'),
    bold: () => besideEntry('@embedpdf/fonts-sc', 'fonts', 'NotoSansHans-Bold.otf'),
  },
};

export interface LoadedFont {
  readonly face: FontFace;
  readonly bold: boolean;
  /** The file's bytes: what the PDF embeds (a subset of). */
  readonly bytes: Uint8Array;
  readonly font: fontkit.Font;
}

const loaded = new Map<string, LoadedFont>();

/** The parsed font of a face and weight, read and parsed on first use (the Chinese one is ~8 MB). */
export function fontOf(face: FontFace, bold: boolean): LoadedFont {
  const key = `${face}/${bold ? 'bold' : 'regular'}`;
  let f = loaded.get(key);
  if (!f) {
    const bytes = readFileSync(FILES[face][bold ? 'bold' : 'regular']());
    f = { face, bold, bytes, font: fontkit.create(bytes) as fontkit.Font };
    loaded.set(key, f);
  }
  return f;
}

/** Which face draws `cp`: the run's current face if it has the glyph (spaces, digits), else the first that has. */
function faceFor(cp: number, current: FontFace | undefined, bold: boolean): FontFace {
  if (current && fontOf(current, bold).font.hasGlyphForCodePoint(cp)) return current;
  // Nothing has it: the Latin font draws its "missing glyph" box, never a silent "?".
  return FACES.find((face) => fontOf(face, bold).font.hasGlyphForCodePoint(cp)) ?? 'latin';
}

export interface TextRun {
  /** In logical order; the shaper reverses a right-to-left run itself. */
  readonly text: string;
  readonly font: LoadedFont;
  /** Width in points at the line's size. */
  readonly width: number;
}

const bidi = bidiFactory();
const widths = new Map<string, number>();
const MAX_CACHED_WIDTHS = 10_000;

/**
 * A run's width at `size` points: the advances of its shaped glyphs (ligatures and contextual forms included),
 * without GPOS adjustments — what the PDF writer places, so a centred line is centred as printed.
 */
function runWidth(font: LoadedFont, text: string, size: number): number {
  const key = `${font.face}/${font.bold}/${text}`;
  let units = widths.get(key);
  if (units === undefined) {
    units = font.font.layout(text).glyphs.reduce((sum, g) => sum + g.advanceWidth, 0);
    // Word wrap measures every prefix of a line; the fixed lines of a poster recur on every page. Bounded.
    if (widths.size >= MAX_CACHED_WIDTHS) widths.clear();
    widths.set(key, units);
  }
  return (units * size) / font.font.unitsPerEm;
}

/**
 * A line cut into runs of one face and one bidi level, in visual order (left to right as printed). The
 * paragraph direction is that of the line's first strong character, so an Arabic name reads right to left.
 */
export function layoutLine(text: string, size: number, bold: boolean): TextRun[] {
  const { levels } = bidi.getEmbeddingLevels(text);
  const logical: { text: string; face: FontFace; level: number }[] = [];
  let i = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    const level = levels[i];
    i += ch.length;
    const last = logical.at(-1);
    const face = faceFor(cp, last?.level === level ? last.face : undefined, bold);
    if (last && last.level === level && last.face === face) last.text += ch;
    else logical.push({ text: ch, face, level });
  }
  // Rule L2 on whole runs: from the highest level down to the lowest odd one, reverse every stretch at or above it.
  const order = logical.map((_, k) => k);
  const max = Math.max(0, ...logical.map((r) => r.level));
  const lowestOdd = Math.min(...logical.map((r) => r.level | 1), max + 1);
  for (let level = max; level >= lowestOdd; level--) {
    for (let start = 0; start < order.length; start++) {
      if (logical[order[start]].level < level) continue;
      let end = start;
      while (end + 1 < order.length && logical[order[end + 1]].level >= level) end++;
      order.splice(start, end - start + 1, ...order.slice(start, end + 1).reverse());
      start = end;
    }
  }
  return order.map((k) => {
    const font = fontOf(logical[k].face, bold);
    return { text: logical[k].text, font, width: runWidth(font, logical[k].text, size) };
  });
}

/** Width of `text` in points at `size`, as printed. */
export const textWidth = (text: string, size: number, bold = false): number =>
  layoutLine(text, size, bold).reduce((sum, run) => sum + run.width, 0);

/** Greedy word wrap to `maxWidth` points; a single word longer than the line (or a line of Chinese) is cut. */
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
    while (textWidth(line, size, bold) > maxWidth && [...line].length > 1) {
      const chars = [...line];
      let cut = chars.length - 1;
      while (cut > 1 && textWidth(chars.slice(0, cut).join(''), size, bold) > maxWidth) cut--;
      lines.push(chars.slice(0, cut).join(''));
      line = chars.slice(cut).join('');
    }
  }
  if (line) lines.push(line);
  return lines;
}
