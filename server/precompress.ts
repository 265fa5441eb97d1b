/**
 * Precompressed copies of the built app: `X.br` and `X.gz` beside each file X they make smaller, written once at
 * build time at the highest settings (scripts/precompress-plugin.ts runs `precompressDir` on Vite's output), so
 * no request pays for compression. routes/static.ts sends them by Accept-Encoding, and only while they still
 * decode to X: a file changed after the build (the kill switch copies sw-kill.js over sw.js) goes out as it is.
 */
import { readdirSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, brotliDecompressSync, constants, gunzipSync, gzip } from 'node:zlib';
import type { ContentCoding } from './http';

/** The codings written and served, in the server's order of preference (brotli is smaller). */
export const CODINGS: readonly { readonly coding: ContentCoding; readonly suffix: string }[] = [
  { coding: 'br', suffix: '.br' },
  { coding: 'gzip', suffix: '.gz' },
];

export const isPrecompressedName = (name: string) => CODINGS.some(({ suffix }) => name.endsWith(suffix));

/** Formats that are compressed already: another coding would gain a few bytes for a lot of build time. */
const COMPRESSED_FORMATS = new Set([
  '.png',
  '.jpg',
  '.jpeg',
  '.webp',
  '.avif',
  '.woff2',
  '.woff',
  '.zip',
  '.gz',
  '.br',
]);

const brotliAsync = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** At the highest settings: this runs once per build, and every phone downloads the result. */
function compress(coding: ContentCoding, bytes: Uint8Array): Promise<Uint8Array> {
  return coding === 'br'
    ? brotliAsync(bytes, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
          [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
        },
      })
    : gzipAsync(bytes, { level: constants.Z_BEST_COMPRESSION });
}

/**
 * The decoded bytes, or undefined when `encoded` is not a valid stream of `coding` or would decode to more
 * than `maxBytes` (a file that large cannot be the original's copy: stop before inflating it).
 */
export function decompress(coding: ContentCoding, encoded: Uint8Array, maxBytes: number): Uint8Array | undefined {
  try {
    const options = { maxOutputLength: Math.max(1, maxBytes) };
    return coding === 'br' ? brotliDecompressSync(encoded, options) : gunzipSync(encoded, options);
  } catch {
    return undefined;
  }
}

export interface PrecompressResult {
  /** Files looked at (not dot folders such as Vite's `.vite/`, `.br` / `.gz` copies, or compressed formats). */
  readonly files: number;
  /** `.br` and `.gz` files written. */
  readonly written: number;
  /** Sizes of the files that got a brotli copy, before and after. */
  readonly originalBytes: number;
  readonly brotliBytes: number;
}

/**
 * Write `X.br` and `X.gz` for every file X under `dir` that the coding makes smaller (already-compressed image and
 * font formats skipped), and remove an old copy when it no longer does. Running it again gives the same files.
 * The files are compressed concurrently, on libuv's thread pool.
 */
export async function precompressDir(dir: string): Promise<PrecompressResult> {
  const files = readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && !isPrecompressedName(e.name) && !COMPRESSED_FORMATS.has(extname(e.name).toLowerCase()))
    .map((e) => join(e.parentPath, e.name))
    // Never served (routes/static.ts refuses dot segments): .vite/manifest.json and the like.
    .filter(
      (path) =>
        !relative(dir, path)
          .split(sep)
          .some((s) => s.startsWith('.')),
    );
  const results = await Promise.all(
    files.map(async (path) => {
      const bytes = await readFile(path);
      let written = 0;
      let brotliBytes = 0;
      for (const { coding, suffix } of CODINGS) {
        const encoded = await compress(coding, bytes);
        if (encoded.length < bytes.length) {
          await writeFile(path + suffix, encoded);
          written++;
          if (coding === 'br') brotliBytes = encoded.length;
        } else {
          await rm(path + suffix, { force: true });
        }
      }
      return { written, originalBytes: brotliBytes ? bytes.length : 0, brotliBytes };
    }),
  );
  return {
    files: files.length,
    written: results.reduce((n, r) => n + r.written, 0),
    originalBytes: results.reduce((n, r) => n + r.originalBytes, 0),
    brotliBytes: results.reduce((n, r) => n + r.brotliBytes, 0),
  };
}
