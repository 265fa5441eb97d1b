/**
 * The built app (vite's output in `distDir`): static files with long-lived caching for hashed assets and
 * revalidation for what must never go stale (the service worker, index.html, the manifest), and the SPA
 * fallback to index.html for app paths. Each file goes out brotli- or gzip-compressed when the build left a
 * copy (server/precompress.ts) that still decodes to it and the client accepts that coding (Accept-Encoding).
 */
import type { Stats } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import type { Context } from 'hono';
import { Hono } from 'hono';
import { type ContentCoding, errorBody, IMMUTABLE, ifNoneMatchHits, NO_CACHE, preferredEncoding } from '../http';
import { CODINGS, decompress, isPrecompressedName } from '../precompress';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

/** Files that must be revalidated on every load (an old service worker strands users). */
const isNoCacheFile = (name: string) =>
  name === 'sw.js' ||
  name === 'registerSW.js' ||
  /^workbox-[\w-]+\.js$/.test(name) ||
  name === 'index.html' ||
  name === 'manifest.webmanifest';

/**
 * Map a request path to a file inside `root`, or undefined for anything suspicious: undecodable,
 * NUL or backslash, `..` or dot segments, or a resolved path outside root.
 */
export function resolveStaticPath(root: string, rawPath: string): string | undefined {
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    return undefined;
  }
  if (path.includes('\0') || path.includes('\\') || !path.startsWith('/')) return undefined;
  const segments = path.split('/').slice(1);
  if (segments.some((s) => s === '..' || (s.startsWith('.') && s !== ''))) return undefined;
  const full = resolve(root, ...segments);
  return full === root || full.startsWith(root + sep) ? full : undefined;
}

/**
 * Which precompressed copies of a file may be sent: those that decode to exactly the file's bytes. Checked once
 * per version of the pair (mtime and size of both) and remembered, one entry per copy on disk.
 */
class PrecompressedCopies {
  private readonly checked = new Map<string, { readonly key: string; readonly valid: boolean }>();

  /** The codings with a valid copy of `file`, in the server's order of preference. */
  async of(file: string, info: Stats): Promise<ContentCoding[]> {
    const valid: ContentCoding[] = [];
    for (const { coding, suffix } of CODINGS) {
      const copy = file + suffix;
      const copyInfo = await stat(copy).catch(() => undefined);
      if (!copyInfo?.isFile()) continue;
      const key = `${info.mtimeMs}:${info.size}:${copyInfo.mtimeMs}:${copyInfo.size}`;
      let known = this.checked.get(copy);
      if (known?.key !== key) {
        const [original, encoded] = await Promise.all([readFile(file), readFile(copy)]);
        // One byte over the original's size is enough to tell a longer decode from an equal one.
        const decoded = decompress(coding, encoded, original.length + 1);
        known = { key, valid: decoded !== undefined && original.equals(decoded) };
        this.checked.set(copy, known);
      }
      if (known.valid) valid.push(coding);
    }
    return valid;
  }
}

export function staticRoutes(distDir: string): Hono {
  const distRoot = resolve(distDir);
  const copies = new PrecompressedCopies();
  const routes = new Hono();
  routes.get('*', async (c) => {
    const rawPath = new URL(c.req.url).pathname;
    const file = resolveStaticPath(distRoot, rawPath);
    if (!file) return c.json(errorBody('NOT_FOUND', 'not found'), 404);
    const lastSegment = rawPath.slice(rawPath.lastIndexOf('/') + 1);
    const hasExtension = lastSegment.includes('.');
    // A copy is only ever sent as its original's representation, with Content-Encoding.
    if (isPrecompressedName(lastSegment)) return c.json(errorBody('NOT_FOUND', 'not found'), 404);

    const info = await stat(file).catch(() => undefined);
    if (info?.isFile()) return sendFile(c, file, info, rawPath, copies);
    // A missing file with an extension is a 404 — never index.html, which a module script would
    // reject as "Expected a JavaScript module, got text/html".
    if (hasExtension) return c.json(errorBody('NOT_FOUND', 'not found'), 404);
    // SPA fallback: /, /v, /c, /scan, /history, … (the fragment carrying a QR never reaches us).
    const index = join(distRoot, 'index.html');
    const indexInfo = await stat(index).catch(() => undefined);
    if (!indexInfo?.isFile()) {
      return c.json(errorBody('APP_NOT_BUILT', 'the app is not built (run `npm run build`)'), 503);
    }
    return sendFile(c, index, indexInfo, '/index.html', copies);
  });
  return routes;
}

/**
 * One file, in the coding the client prefers among its valid copies. Each representation has its own ETag (a
 * 304 confirms the bytes the client holds), `Vary: Accept-Encoding` whenever there is a choice, and an exact
 * Content-Length. Range is not supported: a ranged request gets the whole representation with 200, which
 * RFC 9110 allows, and no slice of compressed bytes can be misread as one of the original.
 */
async function sendFile(c: Context, file: string, info: Stats, urlPath: string, copies: PrecompressedCopies) {
  const name = file.slice(file.lastIndexOf(sep) + 1);
  const immutable = urlPath.startsWith('/assets/') && !isNoCacheFile(name);
  const available = await copies.of(file, info);
  const coding = preferredEncoding(c.req.header('Accept-Encoding'), available);
  c.header('Cache-Control', immutable ? IMMUTABLE : NO_CACHE);
  c.header('Content-Type', CONTENT_TYPES[extname(name).toLowerCase()] ?? 'application/octet-stream');
  if (available.length > 0) c.header('Vary', 'Accept-Encoding');
  const version = `${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}`;
  const etag = `W/"${coding ? `${version}-${coding}` : version}"`;
  c.header('ETag', etag);
  if (ifNoneMatchHits(c.req.header('If-None-Match'), etag)) return c.body(null, 304);
  const suffix = CODINGS.find((x) => x.coding === coding)?.suffix ?? '';
  const bytes = new Uint8Array(await readFile(file + suffix));
  if (coding) c.header('Content-Encoding', coding);
  c.header('Content-Length', String(bytes.length));
  return c.body(bytes, 200);
}
