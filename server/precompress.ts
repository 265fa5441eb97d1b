/**
 * Precompressed copies of the built app: `X.br` and `X.gz` beside each file X they make smaller, written once at
 * build time at the highest settings (scripts/precompress-plugin.ts runs `precompressDir` on Vite's output), so
 * no request pays for compression. routes/static.ts sends them by Accept-Encoding, and only while they still
 * decode to X: a file changed after the build (the kill switch copies sw-kill.js over sw.js) goes out as it is.
 */
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, constants, gunzipSync, gzipSync } from 'node:zlib';
import type { ContentCoding } from './http';

/** The codings written and served, in the server's order of preference (brotli is smaller). */
export const CODINGS: readonly { readonly coding: ContentCoding; readonly suffix: string }[] = [
  { coding: 'br', suffix: '.br' },
  { coding: 'gzip', suffix: '.gz' },
];

export const isPrecompressedName = (name: string) => CODINGS.some(({ suffix }) => name.endsWith(suffix));

export function compress(coding: ContentCoding, bytes: Uint8Array): Uint8Array {
  return coding === 'br'
    ? brotliCompressSync(bytes, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
          [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
        },
      })
    : gzipSync(bytes, { level: constants.Z_BEST_COMPRESSION });
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
  /** Files looked at (dot folders such as Vite's `.vite/` and existing `.br` / `.gz` files excluded). */
  readonly files: number;
  /** `.br` and `.gz` files written. */
  readonly written: number;
  /** Sizes of the files that got a brotli copy, before and after. */
  readonly originalBytes: number;
  readonly brotliBytes: number;
}

/**
 * Write `X.br` and `X.gz` for every file X under `dir` that the coding makes smaller, and remove an old copy
 * when it no longer does. Running it again gives the same files.
 */
export function precompressDir(dir: string): PrecompressResult {
  let files = 0;
  let written = 0;
  let originalBytes = 0;
  let brotliBytes = 0;
  const entries = readdirSync(dir, { recursive: true, withFileTypes: true });
  for (const entry of entries) {
    if (!entry.isFile() || isPrecompressedName(entry.name)) continue;
    const path = join(entry.parentPath, entry.name);
    // Never served (routes/static.ts refuses dot segments): .vite/manifest.json and the like.
    if (
      relative(dir, path)
        .split(sep)
        .some((s) => s.startsWith('.'))
    )
      continue;
    files++;
    const bytes = readFileSync(path);
    for (const { coding, suffix } of CODINGS) {
      const encoded = compress(coding, bytes);
      if (encoded.length < bytes.length) {
        writeFileSync(path + suffix, encoded);
        written++;
        if (coding === 'br') {
          originalBytes += bytes.length;
          brotliBytes += encoded.length;
        }
      } else {
        rmSync(path + suffix, { force: true });
      }
    }
  }
  return { files, written, originalBytes, brotliBytes };
}
