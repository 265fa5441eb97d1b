/**
 * `GET /v1/bundle`, every phone's poll: the bundle file the CLI signed (`published/bundle.json`), checked
 * against trust.json, held in memory with its gzip and ETags. The same answers serve the Hono route and
 * main.ts's Node fast path.
 */
import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { Hono } from 'hono';
import type { Logger } from 'pino';
import { verifyBundle } from '../../src/core/bundle';
import { fromBase64Url, fromUtf8 } from '../../src/core/bytes';
import { publishedBundlePath } from '../authority';
import { errorBody, etagOf, ifNoneMatchHits, NO_CACHE, preferredEncoding } from '../http';
import { parseTrust, trustFilePath } from '../keys';

export interface LoadedBundle {
  /** Bundle file and trust.json mtime/size: a change to either re-reads and re-checks. */
  readonly key: string;
  readonly bytes: Uint8Array;
  readonly etag: string;
  /** Precomputed gzip of `bytes` and its own ETag (another representation, another tag). */
  readonly gzip: Uint8Array;
  readonly gzipEtag: string;
  readonly version: number | null;
  /** Set when the file does not verify against trust.json: served as 503, never to phones. */
  readonly invalid?: string;
}

/** The published bundle file, re-read whenever its mtime or size changes (the CLI re-signs in place). */
export class BundleFile {
  private loaded: LoadedBundle | undefined;
  private checkedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly dataDir: string,
    private readonly logger: Logger,
  ) {}

  /** The bundle loaded less than `maxAgeMs` ago, without a file check; undefined when a check is due. */
  fresh(maxAgeMs: number): LoadedBundle | undefined {
    return this.loaded && performance.now() - this.checkedAt < maxAgeMs ? this.loaded : undefined;
  }

  /**
   * The current bundle. `maxAgeMs` > 0 skips the file check when the last one is that recent: main.ts's fast
   * path uses it (a re-signed bundle then shows within half a second); the Hono route checks every time.
   */
  async get(maxAgeMs = 0): Promise<LoadedBundle | undefined> {
    const fresh = this.fresh(maxAgeMs);
    if (fresh) return fresh;
    this.checkedAt = performance.now();
    const path = publishedBundlePath(this.dataDir);
    // Synchronous stats: two cached inode lookups cost microseconds, far less than a trip through libuv's
    // thread pool on every request of the hottest route (docs/BENCHMARKS.md, server section).
    const info = statSync(path, { throwIfNoEntry: false });
    if (!info) {
      this.loaded = undefined;
      return undefined;
    }
    // trust.json changes on `keys rotate-root`: the bundle is checked again against the new root.
    const trust = statSync(trustFilePath(this.dataDir), { throwIfNoEntry: false });
    const key = `${info.mtimeMs}:${info.size}:${trust ? `${trust.mtimeMs}:${trust.size}` : '-'}`;
    if (this.loaded && this.loaded.key === key) return this.loaded;
    const bytes = new Uint8Array(await readFile(path));
    const gzip = new Uint8Array(gzipSync(bytes, { level: 9 }));
    const etag = etagOf(bytes);
    this.loaded = { key, bytes, etag, gzip, gzipEtag: `${etag.slice(0, -1)}-gz"`, ...(await this.check(bytes)) };
    if (this.loaded.invalid) this.logger.error({ reason: this.loaded.invalid }, 'published bundle rejected');
    else this.logger.info({ version: this.loaded.version }, 'published bundle loaded');
    return this.loaded;
  }

  /** Verify against trust.json (main.ts refuses to start without it; removed later, the file is served unchecked). */
  private async check(bytes: Uint8Array): Promise<{ version: number | null; invalid?: string }> {
    const source = fromUtf8(bytes);
    if (source === undefined) return { version: null, invalid: 'not UTF-8' };
    const trustText = await readFile(trustFilePath(this.dataDir), 'utf8').catch(() => undefined);
    if (trustText === undefined) return { version: unverifiedVersion(source) };
    try {
      const verified = verifyBundle(source, parseTrust(trustText));
      return verified.ok
        ? { version: verified.value.payload.version }
        : { version: null, invalid: verified.error.code };
    } catch (e) {
      return { version: null, invalid: (e as Error).message };
    }
  }
}

export interface BundleAnswer {
  readonly status: 200 | 304 | 503;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array | string | null;
}

/** The four answers a valid bundle can give, built once per loaded bundle (the route is every phone's poll). */
interface BundleAnswers {
  readonly plain: BundleAnswer;
  readonly gzip: BundleAnswer;
  readonly plainNotModified: BundleAnswer;
  readonly gzipNotModified: BundleAnswer;
}

const JSON_TYPE = { 'Content-Type': 'application/json' };
const answersByBundle = new WeakMap<LoadedBundle, BundleAnswers>();

function answersOf(bundle: LoadedBundle): BundleAnswers {
  const known = answersByBundle.get(bundle);
  if (known) return known;
  const tagged = (etag: string) => ({ ETag: etag, 'Cache-Control': NO_CACHE, Vary: 'Accept-Encoding' });
  const answers: BundleAnswers = {
    plain: { status: 200, headers: { ...tagged(bundle.etag), ...JSON_TYPE }, body: bundle.bytes },
    gzip: {
      status: 200,
      headers: { ...tagged(bundle.gzipEtag), ...JSON_TYPE, 'Content-Encoding': 'gzip' },
      body: bundle.gzip,
    },
    plainNotModified: { status: 304, headers: tagged(bundle.etag), body: null },
    gzipNotModified: { status: 304, headers: tagged(bundle.gzipEtag), body: null },
  };
  answersByBundle.set(bundle, answers);
  return answers;
}

/**
 * `GET /v1/bundle`, decided once for both adapters (the Hono route and main.ts's Node fast path): 503 when
 * none or invalid, 304 on a matching If-None-Match (either representation's tag), else the bytes from
 * memory — gzipped when the client accepts it. A valid bundle's answers are the same objects every time.
 */
export function answerBundle(
  bundle: LoadedBundle | undefined,
  ifNoneMatch: string | undefined,
  acceptEncoding: string | undefined,
): BundleAnswer {
  if (!bundle) {
    return {
      status: 503,
      headers: JSON_TYPE,
      body: JSON.stringify(errorBody('BUNDLE_NOT_PUBLISHED', 'no bundle has been published yet')),
    };
  }
  if (bundle.invalid) {
    return {
      status: 503,
      headers: JSON_TYPE,
      body: JSON.stringify(errorBody('BUNDLE_INVALID', 'the published bundle does not verify')),
    };
  }
  const answers = answersOf(bundle);
  const gzip = preferredEncoding(acceptEncoding, ['gzip']) === 'gzip';
  if (ifNoneMatchHits(ifNoneMatch, bundle.etag) || ifNoneMatchHits(ifNoneMatch, bundle.gzipEtag)) {
    return gzip ? answers.gzipNotModified : answers.plainNotModified;
  }
  return gzip ? answers.gzip : answers.plain;
}

function unverifiedVersion(source: string): number | null {
  try {
    const payload = fromBase64Url((JSON.parse(source) as { payload: string }).payload);
    const text = payload && fromUtf8(payload);
    const version = text ? (JSON.parse(text) as { version?: unknown }).version : undefined;
    return typeof version === 'number' ? version : null;
  } catch {
    return null;
  }
}

export function bundleRoutes(bundleFile: BundleFile): Hono {
  const routes = new Hono();
  routes.get('/v1/bundle', async (c) => {
    const answer = answerBundle(await bundleFile.get(), c.req.header('If-None-Match'), c.req.header('Accept-Encoding'));
    for (const [name, value] of Object.entries(answer.headers)) c.header(name, value);
    if (answer.body === null || answer.status === 304) return c.body(null, 304);
    return c.body(typeof answer.body === 'string' ? answer.body : answer.body.slice(), answer.status);
  });
  return routes;
}
