/**
 * The built app (vite's output in `distDir`): static files with long-lived caching for hashed assets and
 * revalidation for what must never go stale (the service worker, index.html, the manifest), and the SPA
 * fallback to index.html for app paths.
 */
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import type { Context } from 'hono';
import { Hono } from 'hono';
import { errorBody, ifNoneMatchHits, NO_CACHE } from '../http';

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

const IMMUTABLE = 'public, max-age=31536000, immutable';

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

export function staticRoutes(distDir: string): Hono {
  const distRoot = resolve(distDir);
  const routes = new Hono();
  routes.get('*', async (c) => {
    const rawPath = new URL(c.req.url).pathname;
    const file = resolveStaticPath(distRoot, rawPath);
    if (!file) return c.json(errorBody('NOT_FOUND', 'not found'), 404);
    const lastSegment = rawPath.slice(rawPath.lastIndexOf('/') + 1);
    const hasExtension = lastSegment.includes('.');

    const info = await stat(file).catch(() => undefined);
    if (info?.isFile()) return sendFile(c, file, info, rawPath);
    // A missing file with an extension is a 404 — never index.html, which a module script would
    // reject as "Expected a JavaScript module, got text/html".
    if (hasExtension) return c.json(errorBody('NOT_FOUND', 'not found'), 404);
    // SPA fallback: /, /v, /c, /scan, /history, … (the fragment carrying a QR never reaches us).
    const index = join(distRoot, 'index.html');
    const indexInfo = await stat(index).catch(() => undefined);
    if (!indexInfo?.isFile()) {
      return c.json(errorBody('APP_NOT_BUILT', 'the app is not built (run `npm run build`)'), 503);
    }
    return sendFile(c, index, indexInfo, '/index.html');
  });
  return routes;
}

async function sendFile(c: Context, file: string, info: { mtimeMs: number; size: number }, urlPath: string) {
  const name = file.slice(file.lastIndexOf(sep) + 1);
  const immutable = urlPath.startsWith('/assets/') && !isNoCacheFile(name);
  c.header('Cache-Control', immutable ? IMMUTABLE : NO_CACHE);
  c.header('Content-Type', CONTENT_TYPES[extname(name).toLowerCase()] ?? 'application/octet-stream');
  const etag = `W/"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
  c.header('ETag', etag);
  if (ifNoneMatchHits(c.req.header('If-None-Match'), etag)) return c.body(null, 304);
  return c.body(new Uint8Array(await readFile(file)), 200);
}
