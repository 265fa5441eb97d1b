/**
 * The built app's delivery: precompressed brotli and gzip chosen by Accept-Encoding (q-values, br first), with
 * `Vary`, the right length and a tag per representation; immutable caching for hashed assets and revalidation for
 * the rest; HEAD and Range answered sanely; a precompressed file that no longer matches its original (the kill
 * switch copies sw-kill.js over sw.js) never served. The fixture's `.br` / `.gz` files are made here with
 * node:zlib, and separately by the build's `precompressDir`.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { preferredEncoding } from '../../../server/http';
import { precompressDir } from '../../../server/precompress';
import { staticRoutes } from '../../../server/routes/static';

const ORIGIN = 'http://127.0.0.1:41235';
const IMMUTABLE = 'public, max-age=31536000, immutable';

let dist: string;
let routes: ReturnType<typeof staticRoutes>;

/** Text long and repetitive enough that both codings shrink it. */
const text = (label: string) => `${label}\n${'export const greeting = "selamat datang di Singgah";\n'.repeat(40)}`;
const SCRIPT = text('// the entry chunk');
const SW = text('// the service worker');
const INDEX = `<!doctype html><title>Singgah</title>${text('<!-- shell -->')}`;
/** Bytes no coding makes smaller: SHA-256 blocks of a counter, as good as random and the same every run. */
const PNG = new Uint8Array(
  Array.from({ length: 20 }, (_, i) => [...createHash('sha256').update(String(i)).digest()]).flat(),
);

function writeWithSiblings(path: string, content: string) {
  writeFileSync(path, content);
  writeFileSync(`${path}.br`, brotliCompressSync(content));
  writeFileSync(`${path}.gz`, gzipSync(content));
}

const get = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
  routes.fetch(new Request(`${ORIGIN}${path}`, { headers, method }));

const bytesOf = async (res: Response) => new Uint8Array(await res.arrayBuffer());

beforeAll(() => {
  dist = mkdtempSync(join(tmpdir(), 'singgah-static-'));
  mkdirSync(join(dist, 'assets'));
  writeWithSiblings(join(dist, 'assets', 'index-a1b2c3d4.js'), SCRIPT);
  writeWithSiblings(join(dist, 'sw.js'), SW);
  writeWithSiblings(join(dist, 'index.html'), INDEX);
  writeWithSiblings(join(dist, 'manifest.webmanifest'), text('{"name":"Singgah"}'));
  writeFileSync(join(dist, 'icon-192.png'), PNG);
  routes = staticRoutes(dist);
});

afterAll(() => {
  rmSync(dist, { recursive: true, force: true });
});

describe('content coding by Accept-Encoding', () => {
  it('sends brotli when accepted, with Content-Encoding, its length, Vary and a tag of its own', async () => {
    const plain = await get('/assets/index-a1b2c3d4.js');
    const br = await get('/assets/index-a1b2c3d4.js', { 'Accept-Encoding': 'gzip, deflate, br, zstd' });
    expect(br.status).toBe(200);
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(br.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(br.headers.get('vary')).toBe('Accept-Encoding');
    const body = await bytesOf(br);
    expect(br.headers.get('content-length')).toBe(String(body.length));
    expect(body.length).toBeLessThan(SCRIPT.length);
    expect(brotliDecompressSync(body).toString()).toBe(SCRIPT);
    expect(br.headers.get('etag')).toMatch(/^(W\/)?"/);
    expect(br.headers.get('etag')).not.toBe(plain.headers.get('etag'));
  });

  it('sends gzip to a client that accepts gzip only', async () => {
    const res = await get('/sw.js', { 'Accept-Encoding': 'gzip' });
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(res.headers.get('vary')).toBe('Accept-Encoding');
    const body = await bytesOf(res);
    expect(res.headers.get('content-length')).toBe(String(body.length));
    expect(gunzipSync(body).toString()).toBe(SW);
  });

  it('sends the file itself without Accept-Encoding or with identity only, still with Vary', async () => {
    for (const headers of [{}, { 'Accept-Encoding': 'identity' }, { 'Accept-Encoding': '' }] as Record<
      string,
      string
    >[]) {
      const res = await get('/assets/index-a1b2c3d4.js', headers);
      expect(res.headers.get('content-encoding'), JSON.stringify(headers)).toBeNull();
      expect(res.headers.get('vary'), JSON.stringify(headers)).toBe('Accept-Encoding');
      expect(res.headers.get('content-length')).toBe(String(SCRIPT.length));
      expect(await res.text()).toBe(SCRIPT);
    }
  });

  it('respects q-values: q=0 refuses a coding, the higher q wins, br breaks a tie', async () => {
    const cases: [string, string | null][] = [
      ['br;q=0, gzip', 'gzip'],
      ['gzip;q=0.9, br;q=0.4', 'gzip'],
      ['gzip;q=0.5, br;q=0.5', 'br'],
      ['gzip, br', 'br'],
      ['BR', 'br'],
      ['*', 'br'],
      ['br;q=0, *', 'gzip'],
      ['*;q=0', null],
      ['br;q=0, gzip;q=0', null],
      ['gzip;q=0.000, br;q=0', null],
      ['identity;q=0, gzip', 'gzip'],
      ['deflate, zstd', null],
      ['br;q=bogus, gzip', 'gzip'],
    ];
    for (const [accept, expected] of cases) {
      const res = await get('/assets/index-a1b2c3d4.js', { 'Accept-Encoding': accept });
      expect(res.headers.get('content-encoding'), accept).toBe(expected);
      const body = await bytesOf(res);
      const decoded =
        expected === 'br' ? brotliDecompressSync(body) : expected === 'gzip' ? gunzipSync(body) : Buffer.from(body);
      expect(decoded.toString(), accept).toBe(SCRIPT);
    }
  });

  it('compresses the SPA fallback (index.html for app paths) the same way', async () => {
    const res = await get('/scan', { 'Accept-Encoding': 'br' });
    expect(res.headers.get('content-encoding')).toBe('br');
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(brotliDecompressSync(await bytesOf(res)).toString()).toBe(INDEX);
  });

  it('serves a file without a smaller coding as it is, with no Vary', async () => {
    const res = await get('/icon-192.png', { 'Accept-Encoding': 'br, gzip' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-encoding')).toBeNull();
    expect(res.headers.get('vary')).toBeNull();
    expect(await bytesOf(res)).toEqual(PNG);
  });

  it('never serves a .br or .gz file under its own name', async () => {
    for (const path of ['/assets/index-a1b2c3d4.js.br', '/sw.js.gz', '/index.html.br']) {
      expect((await get(path, { 'Accept-Encoding': 'br, gzip' })).status, path).toBe(404);
    }
  });
});

describe('caching', () => {
  it('hashed assets are immutable in every coding; the shell, the worker, the manifest and icons revalidate', async () => {
    for (const accept of ['br', 'gzip', 'identity']) {
      const res = await get('/assets/index-a1b2c3d4.js', { 'Accept-Encoding': accept });
      expect(res.headers.get('cache-control'), accept).toBe(IMMUTABLE);
    }
    for (const path of ['/', '/index.html', '/sw.js', '/manifest.webmanifest', '/icon-192.png', '/history']) {
      for (const accept of ['br', 'identity']) {
        const res = await get(path, { 'Accept-Encoding': accept });
        expect(res.headers.get('cache-control'), `${path} ${accept}`).toBe('no-cache');
        expect(res.headers.get('etag'), `${path} ${accept}`).toBeTruthy();
      }
    }
  });

  it('answers 304 to the tag of the representation it would send, 200 to another one', async () => {
    const br = await get('/sw.js', { 'Accept-Encoding': 'br' });
    const brTag = br.headers.get('etag') as string;
    const plainTag = (await get('/sw.js')).headers.get('etag') as string;

    const hit = await get('/sw.js', { 'Accept-Encoding': 'br', 'If-None-Match': brTag });
    expect(hit.status).toBe(304);
    expect(hit.headers.get('etag')).toBe(brTag);
    expect(hit.headers.get('vary')).toBe('Accept-Encoding');
    expect(hit.headers.get('cache-control')).toBe('no-cache');
    expect(await hit.text()).toBe('');

    // A client that cached the plain file and now takes brotli gets brotli, not a 304 for bytes it does not hold.
    const other = await get('/sw.js', { 'Accept-Encoding': 'br', 'If-None-Match': plainTag });
    expect(other.status).toBe(200);
    expect(other.headers.get('content-encoding')).toBe('br');
    expect((await get('/sw.js', { 'If-None-Match': plainTag })).status).toBe(304);
  });
});

describe('HEAD and Range', () => {
  it('HEAD has the GET headers (coding and length included) and no body', async () => {
    const getRes = await get('/assets/index-a1b2c3d4.js', { 'Accept-Encoding': 'br' });
    const head = await get('/assets/index-a1b2c3d4.js', { 'Accept-Encoding': 'br' }, 'HEAD');
    expect(head.status).toBe(200);
    for (const name of ['content-encoding', 'content-length', 'content-type', 'etag', 'vary', 'cache-control']) {
      expect(head.headers.get(name), name).toBe(getRes.headers.get(name));
    }
    expect((await bytesOf(head)).length).toBe(0);
  });

  it('ignores Range: the whole representation with 200, never a slice of compressed bytes', async () => {
    const res = await get('/assets/index-a1b2c3d4.js', { 'Accept-Encoding': 'br', Range: 'bytes=0-9' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-range')).toBeNull();
    expect(res.headers.get('accept-ranges')).toBeNull();
    expect(brotliDecompressSync(await bytesOf(res)).toString()).toBe(SCRIPT);
  });
});

describe('a precompressed file that no longer matches its original', () => {
  it('is not served: the kill switch copied over sw.js reaches a browser that accepts brotli', async () => {
    const own = mkdtempSync(join(tmpdir(), 'singgah-static-stale-'));
    try {
      writeWithSiblings(join(own, 'sw.js'), SW);
      const r = staticRoutes(own);
      const fetchSw = () => r.fetch(new Request(`${ORIGIN}/sw.js`, { headers: { 'Accept-Encoding': 'br, gzip' } }));
      expect(brotliDecompressSync(await bytesOf(await fetchSw())).toString()).toBe(SW);

      const KILL = '// kill switch: unregister and delete every cache\nself.registration.unregister();\n';
      writeFileSync(join(own, 'sw.js'), KILL);
      const res = await fetchSw();
      expect(res.headers.get('content-encoding')).toBeNull();
      expect(await res.text()).toBe(KILL);

      // Compressed again (a new build, or precompressDir): brotli again, of the new file.
      writeWithSiblings(join(own, 'sw.js'), KILL);
      const again = await fetchSw();
      expect(again.headers.get('content-encoding')).toBe('br');
      expect(brotliDecompressSync(await bytesOf(again)).toString()).toBe(KILL);
    } finally {
      rmSync(own, { recursive: true, force: true });
    }
  });
});

describe('preferredEncoding', () => {
  it('picks among the codings on offer, and none when nothing acceptable is offered', () => {
    expect(preferredEncoding('br, gzip', ['gzip'])).toBe('gzip');
    expect(preferredEncoding('gzip;q=0', ['gzip'])).toBeUndefined();
    expect(preferredEncoding(undefined, ['br', 'gzip'])).toBeUndefined();
    expect(preferredEncoding('br', [])).toBeUndefined();
  });

  it('answers the same after many distinct headers (its memory of answers is bounded and refilled)', () => {
    for (let i = 0; i < 600; i++) {
      const header = `x-custom-${i}, gzip;q=0.${(i % 9) + 1}, br;q=${i % 2}`;
      expect(preferredEncoding(header, ['br', 'gzip']), header).toBe(i % 2 ? 'br' : 'gzip');
      expect(preferredEncoding(header, ['gzip']), header).toBe('gzip');
    }
    expect(preferredEncoding('br;q=0, gzip', ['br', 'gzip'])).toBe('gzip');
    expect(preferredEncoding('gzip, br', ['br', 'gzip'])).toBe('br');
  });
});

describe('precompressDir (the build step)', () => {
  it('writes .br and .gz beside each file they shrink, skips the rest, and is idempotent', async () => {
    const out = mkdtempSync(join(tmpdir(), 'singgah-precompress-'));
    try {
      mkdirSync(join(out, 'assets'));
      mkdirSync(join(out, '.vite'));
      writeFileSync(join(out, 'assets', 'index-a1b2c3d4.js'), SCRIPT);
      writeFileSync(join(out, 'index.html'), INDEX);
      writeFileSync(join(out, 'icon-192.png'), PNG);
      // Not a compressed format by name, but incompressible: no copy either.
      writeFileSync(join(out, 'noise.bin'), PNG);
      writeFileSync(join(out, 'tiny.txt'), 'x');
      writeFileSync(join(out, '.vite', 'manifest.json'), text('{"x":1}'));

      const first = await precompressDir(out);
      const listing = () => readdirSync(out, { recursive: true, encoding: 'utf8' }).sort();
      const after = listing();
      expect(after).toEqual(
        [
          '.vite',
          '.vite/manifest.json',
          'assets',
          'assets/index-a1b2c3d4.js',
          'assets/index-a1b2c3d4.js.br',
          'assets/index-a1b2c3d4.js.gz',
          'icon-192.png',
          'index.html',
          'index.html.br',
          'index.html.gz',
          'noise.bin',
          'tiny.txt',
        ].sort(),
      );
      expect(brotliDecompressSync(readFileSync(join(out, 'assets', 'index-a1b2c3d4.js.br'))).toString()).toBe(SCRIPT);
      expect(gunzipSync(readFileSync(join(out, 'index.html.gz'))).toString()).toBe(INDEX);
      expect(first.written).toBe(4);

      await precompressDir(out);
      expect(listing()).toEqual(after);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
