/**
 * `GET /v1/roots`: the signed root rotations (`published/roots/<version>.json`) for installed apps to walk
 * from the root they were built with. The phone verifies the chain; this only serves the files.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Hono } from 'hono';
import type { Logger } from 'pino';
import { fromUtf8 } from '../../src/core/bytes';
import { etagOf, ifNoneMatchHits, NO_CACHE } from '../http';
import { publishedRootsDir } from '../keys';

/** A root file bigger than this is not served (core's own cap on one root envelope is 64 KiB). */
export const MAX_ROOT_FILE_BYTES = 65_536;

interface LoadedRoots {
  readonly key: string;
  readonly bytes: Uint8Array;
  readonly etag: string;
  readonly versions: readonly number[];
}

/**
 * `published/roots/<version>.json`, as a JSON array of the files' texts (each one root envelope string,
 * exactly as the CLI wrote it), oldest version first. The phone verifies the chain itself (core
 * walkRootChain from its pinned root), so this serves the files as they are — even a broken one, which
 * the phone then shows as rejected — and only skips what cannot be a root file at all (name, size,
 * encoding). Re-read whenever a file is added, removed or changed.
 */
export class RootsDir {
  private loaded: LoadedRoots | undefined;

  constructor(
    private readonly dataDir: string,
    private readonly logger: Logger,
  ) {}

  async get(): Promise<LoadedRoots> {
    const dir = publishedRootsDir(this.dataDir);
    const names = await readdir(dir).catch(() => [] as string[]);
    const files = names
      .flatMap((name) => {
        const m = /^([1-9]\d{0,8})\.json$/.exec(name);
        return m ? [{ name, version: Number(m[1]) }] : [];
      })
      .sort((a, b) => a.version - b.version);
    const infos = await Promise.all(files.map((f) => stat(join(dir, f.name)).catch(() => undefined)));
    const key = files.map((f, i) => `${f.name}:${infos[i]?.mtimeMs}:${infos[i]?.size}`).join('|');
    if (this.loaded && this.loaded.key === key) return this.loaded;
    const texts: string[] = [];
    const versions: number[] = [];
    for (const [i, f] of files.entries()) {
      const info = infos[i];
      if (!info?.isFile() || info.size > MAX_ROOT_FILE_BYTES) {
        this.logger.error({ file: f.name }, 'published root skipped: not a file or too large');
        continue;
      }
      const text = fromUtf8(new Uint8Array(await readFile(join(dir, f.name)).catch(() => Buffer.alloc(0))));
      if (!text) {
        this.logger.error({ file: f.name }, 'published root skipped: unreadable or not UTF-8');
        continue;
      }
      texts.push(text);
      versions.push(f.version);
    }
    const bytes = new TextEncoder().encode(JSON.stringify(texts));
    this.loaded = { key, bytes, etag: etagOf(bytes), versions };
    if (versions.length > 0) this.logger.info({ versions }, 'published roots loaded');
    return this.loaded;
  }
}

export function rootsRoutes(rootsDir: RootsDir): Hono {
  const routes = new Hono();
  routes.get('/v1/roots', async (c) => {
    const roots = await rootsDir.get();
    c.header('ETag', roots.etag);
    c.header('Cache-Control', NO_CACHE);
    if (ifNoneMatchHits(c.req.header('If-None-Match'), roots.etag)) return c.body(null, 304);
    c.header('Content-Type', 'application/json');
    return c.body(roots.bytes.slice(), 200);
  });
  return routes;
}
