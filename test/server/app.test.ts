/**
 * The HTTP surface against a real PGlite database, real keys and a real signed bundle (demo-init),
 * with a tiny fake app build in a temp dir. One database for the whole file: PGlite takes seconds to open.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app';
import { publishedBundlePath, readPolicyFile, signBundleFromPolicy } from '../../server/authority';
import { type Db, openDb } from '../../server/db';
import { claimDemoDir, DEMO_POLICY_FILE, demoInit } from '../../server/demo';
import type { DemoJson } from '../../server/demo-page';
import { readTrust } from '../../server/keys';
import { startServer } from '../../server/main';
import { MIGRATIONS, migrate } from '../../server/migrations';
import { qrVersion } from '../../server/qr';
import { type VerifiedBundle, verifyBundle } from '../../src/core/bundle';
import { holderKey, type SignedCertificate, verifyCertificate } from '../../src/core/certificate';
import { decidePerson } from '../../src/core/eligibility';
import { personOfForeign } from '../../src/core/held-certificate';
import { decodeDcc, verifyHeldDcc } from '../../src/core/held-dcc';
import { parseScanned } from '../../src/core/qr-link';
import { verifyVenue } from '../../src/core/venue';

const NOW = Math.floor(Date.now() / 1000);
const ORIGIN = 'http://127.0.0.1:41234';
const silent = pino({ level: 'silent' });

let root: string;
let dataDir: string;
let distDir: string;
let db: Db;
let app: ReturnType<typeof createApp>;

const get = (path: string, headers: Record<string, string> = {}) =>
  app.fetch(new Request(`${ORIGIN}${path}`, { headers }));

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'singgah-app-'));
  dataDir = join(root, 'data');
  distDir = join(root, 'dist');
  mkdirSync(join(distDir, 'assets'), { recursive: true });
  writeFileSync(
    join(distDir, 'index.html'),
    '<!doctype html><title>Singgah</title><script type="module" src="/assets/index-a1b2c3.js"></script>',
  );
  writeFileSync(join(distDir, 'sw.js'), 'self.addEventListener("fetch", () => {});');
  writeFileSync(join(distDir, 'workbox-1a2b3c.js'), '// workbox');
  writeFileSync(join(distDir, 'manifest.webmanifest'), '{"name":"Singgah"}');
  writeFileSync(join(distDir, 'icon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(join(distDir, 'assets', 'index-a1b2c3.js'), 'export const x = 1;');
  writeFileSync(join(distDir, 'assets', 'index-d4e5f6.css'), 'body{}');
  writeFileSync(join(root, 'secret.txt'), 'outside the dist dir');
  claimDemoDir(dataDir, NOW);
  db = await openDb({ dataDir });
  await migrate(db);
  await demoInit(dataDir, db, NOW, ORIGIN);
  app = createApp({ db, dataDir, distDir, demo: true, logger: silent, publicOrigin: ORIGIN });
});

afterAll(async () => {
  await db?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('health and bundle', () => {
  it('GET /healthz is ok and names the bundle version', async () => {
    const res = await get('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', bundleVersion: 1 });
  });

  it('GET /v1/bundle serves the signed bundle: ETag, no-cache, verifies against trust.json', async () => {
    const res = await get('/v1/bundle');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const etag = res.headers.get('etag');
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    const text = await res.text();
    expect(text).toBe(readFileSync(publishedBundlePath(dataDir), 'utf8'));
    const verified = verifyBundle(text, readTrust(dataDir));
    expect(verified.ok).toBe(true);
    expect(verified.ok && verified.value.payload.version).toBe(1);
  });

  it('gzips the bundle only for a client that accepts gzip (q-values respected)', async () => {
    for (const [accept, coding] of [
      ['gzip, deflate, br', 'gzip'],
      ['gzip;q=0.5', 'gzip'],
      ['gzip;q=0', null],
      ['br;q=1, gzip;q=0', null],
      ['identity', null],
    ] as const) {
      const res = await get('/v1/bundle', { 'accept-encoding': accept });
      expect(res.headers.get('content-encoding'), accept).toBe(coding);
      expect(res.headers.get('vary'), accept).toBe('Accept-Encoding');
    }
  });

  it('answers 304 to a matching If-None-Match (lists, weak form, *), 200 otherwise', async () => {
    const etag = (await get('/v1/bundle')).headers.get('etag') as string;
    for (const header of [etag, `W/${etag}`, `"nope", ${etag}`, '*']) {
      const res = await get('/v1/bundle', { 'if-none-match': header });
      expect(res.status, header).toBe(304);
      expect(res.headers.get('etag')).toBe(etag);
      expect(await res.text()).toBe('');
    }
    expect((await get('/v1/bundle', { 'if-none-match': '"other"' })).status).toBe(200);
  });

  it('serves a re-signed bundle at once, with a new ETag', async () => {
    const before = (await get('/v1/bundle')).headers.get('etag');
    const path = publishedBundlePath(dataDir);
    const original = readFileSync(path, 'utf8');
    try {
      signBundleFromPolicy(dataDir, readPolicyFile(DEMO_POLICY_FILE), NOW + 1);
      const res = await get('/v1/bundle');
      expect(res.headers.get('etag')).not.toBe(before);
      const verified = verifyBundle(await res.text(), readTrust(dataDir));
      expect(verified.ok && verified.value.payload.version).toBe(2);
      expect(await (await get('/healthz')).json()).toEqual({ status: 'ok', bundleVersion: 2 });
    } finally {
      writeFileSync(path, original); // later tests expect version 1 (a new mtime reloads it)
    }
  });

  it('answers 503 BUNDLE_NOT_PUBLISHED when nothing has been published', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'singgah-empty-'));
    try {
      const bare = createApp({ db, dataDir: empty, distDir, demo: false, logger: silent });
      const res = await bare.fetch(new Request(`${ORIGIN}/v1/bundle`));
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ error: { code: 'BUNDLE_NOT_PUBLISHED' } });
      const health = await bare.fetch(new Request(`${ORIGIN}/healthz`));
      expect(await health.json()).toEqual({ status: 'ok', bundleVersion: null });
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('unknown /v1 routes get a JSON 404 with a code', async () => {
    const res = await get('/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    const post = await app.fetch(new Request(`${ORIGIN}/v1/bundle`, { method: 'POST', body: '{}' }));
    expect(post.status).toBe(404);
  });

  it('rejects a /v1 request body over 1 MiB with 413', async () => {
    const res = await app.fetch(
      new Request(`${ORIGIN}/v1/check-ins`, {
        method: 'POST',
        body: 'x'.repeat(1_048_577),
        headers: { 'content-type': 'application/json' },
      }),
    );
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { code: 'BODY_TOO_LARGE' } });
  });
});

describe('static app', () => {
  it('serves sw.js, workbox and index.html with no-cache and the right types', async () => {
    for (const [path, type] of [
      ['/sw.js', 'text/javascript; charset=utf-8'],
      ['/workbox-1a2b3c.js', 'text/javascript; charset=utf-8'],
      ['/index.html', 'text/html; charset=utf-8'],
      ['/manifest.webmanifest', 'application/manifest+json'],
    ]) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('cache-control'), path).toBe('no-cache');
      expect(res.headers.get('content-type'), path).toBe(type);
    }
    expect((await get('/icon.svg')).headers.get('content-type')).toBe('image/svg+xml');
  });

  it('serves hashed assets as immutable', async () => {
    const js = await get('/assets/index-a1b2c3.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await js.text()).toBe('export const x = 1;');
    expect((await get('/assets/index-d4e5f6.css')).headers.get('content-type')).toBe('text/css; charset=utf-8');
  });

  it('revalidates static files with an ETag', async () => {
    const first = await get('/sw.js');
    const etag = first.headers.get('etag') as string;
    expect((await get('/sw.js', { 'if-none-match': etag })).status).toBe(304);
  });

  it('falls back to index.html for app routes (SPA), including /V from an upper-cased QR', async () => {
    for (const path of [
      '/',
      '/v',
      '/V',
      '/c',
      '/scan',
      '/history',
      '/settings',
      '/import',
      '/pass',
      '/some/deep/route',
    ]) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type'), path).toBe('text/html; charset=utf-8');
      expect(res.headers.get('cache-control'), path).toBe('no-cache');
      expect(await res.text(), path).toContain('<title>Singgah</title>');
    }
  });

  it('answers a missing asset with a JSON 404, never index.html', async () => {
    for (const path of ['/assets/x.js', '/assets/index-old999.js', '/missing.css', '/nope.png']) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      expect(res.headers.get('content-type'), path).not.toMatch(/html/);
    }
  });

  it('rejects path traversal and dotfiles', async () => {
    for (const path of [
      '/..%2fsecret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/%2e%2e%2fsecret.txt',
      '/assets/%2e%2e/%2e%2e/secret.txt',
      '/..%5csecret.txt',
      '/%00index.html',
      '/.env',
      '/%E0%A4%A',
    ]) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      expect(await res.text(), path).not.toContain('outside the dist dir');
    }
  });

  it('answers 503 APP_NOT_BUILT for app routes when there is no build', async () => {
    const bare = createApp({ db, dataDir, distDir: join(root, 'no-dist'), demo: false, logger: silent });
    const res = await bare.fetch(new Request(`${ORIGIN}/scan`));
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: { code: 'APP_NOT_BUILT' } });
  });
});

describe('security headers', () => {
  it('puts a strict CSP and the other headers on every response (200, 304, 404, 503)', async () => {
    const etag = (await get('/v1/bundle')).headers.get('etag') as string;
    const responses = [
      await get('/'),
      await get('/v1/bundle', { 'if-none-match': etag }),
      await get('/assets/missing.js'),
      await get('/demo'),
      await get('/healthz'),
    ];
    for (const res of responses) {
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'self'");
      // WebAssembly compilation only (the photo import's zxing-wasm fallback): no eval of strings, no other origin.
      expect(csp).toMatch(/(^|; )script-src 'self' 'wasm-unsafe-eval'(;|$)/);
      expect(csp).toContain("style-src 'self'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).not.toContain("'unsafe-eval'");
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('permissions-policy')).toBe('camera=(self)');
    }
  });
});

describe('demo', () => {
  let demo: DemoJson;
  let bundle: VerifiedBundle;

  beforeAll(async () => {
    demo = (await (await get('/demo.json')).json()) as DemoJson;
    const verified = verifyBundle(readFileSync(publishedBundlePath(dataDir), 'utf8'), readTrust(dataDir));
    if (!verified.ok) throw new Error('bundle does not verify');
    bundle = verified.value;
  });

  it('lists the demo venues with links that parse and verify against the published bundle', () => {
    expect(demo.venues.map((v) => v.name)).toEqual([
      'Kantor Gubernur Kalimantan Timur',
      'Masjid Agung Jawa Tengah',
      'Mal Simpang Lima Semarang',
      'RSUD Abdul Wahab Sjahranie',
    ]);
    for (const v of demo.venues) {
      expect(v.url).toBe(`${ORIGIN}/v#${v.code}`);
      const scanned = parseScanned(v.url);
      if (!scanned.ok || scanned.value.kind !== 'venue') throw new Error(`${v.name} does not parse`);
      expect(verifyVenue(scanned.value.signed, bundle.payload).ok).toBe(true);
      expect(scanned.value.signed.venue).toMatchObject({ id: v.id, category: v.category, region: v.region });
      // The poster form parses too and fits a version-10-M QR.
      expect(parseScanned(v.qrText).ok).toBe(true);
      expect(qrVersion(v.qrText), v.name).toBeLessThanOrEqual(10);
    }
    const kaltim = demo.venues[0];
    expect(kaltim).toMatchObject({ category: 'gov', region: '64' });
  });

  it('lists certificates that verify now and give each demo person the promised outcome', () => {
    expect(demo.certificates.map((c) => `${c.person}:${c.kind}`)).toEqual([
      'budi:vaccination',
      'siti:vaccination',
      'andi:vaccination',
      'andi:test',
      'dewi:test',
    ]);
    const byPerson = new Map<string, SignedCertificate[]>();
    for (const c of demo.certificates) {
      expect(c.url).toBe(`${ORIGIN}/c#${c.code}`);
      const scanned = parseScanned(c.url);
      if (!scanned.ok || scanned.value.kind !== 'certificate') throw new Error(`${c.holder} does not parse`);
      expect(verifyCertificate(scanned.value.signed, bundle.payload, NOW).ok).toBe(true);
      byPerson.set(c.person as string, [...(byPerson.get(c.person as string) ?? []), scanned.value.signed]);
    }
    const venueOf = (i: number) => {
      const s = parseScanned(demo.venues[i].url);
      if (!s.ok || s.value.kind !== 'venue') throw new Error('venue');
      return s.value.signed.venue;
    };
    const [kaltimOffice, mosque] = [venueOf(0), venueOf(1)];
    const ctx = { bundle: bundle.payload, now: NOW + 60, trustedTime: NOW, appVersion: '0.1.0' };
    const decide = (key: string, venue: typeof kaltimOffice) => {
      const person = demo.people.find((p) => p.key === key);
      return decidePerson(byPerson.get(key) ?? [], person?.region ?? '', venue, ctx);
    };
    expect(decide('budi', kaltimOffice)).toMatchObject({ outcome: 'ALLOWED', status: 'green' });
    expect(decide('siti', mosque)).toMatchObject({ outcome: 'ALLOWED', status: 'yellow' });
    expect(decide('siti', kaltimOffice)).toMatchObject({ outcome: 'DENIED', status: 'yellow' });
    expect(decide('andi', kaltimOffice)).toMatchObject({ outcome: 'ALLOWED', status: 'green' });
    expect(decide('dewi', mosque)).toMatchObject({ outcome: 'DENIED', status: 'black' });
    for (const p of demo.people) {
      expect(decide(p.key, kaltimOffice).status, p.key).toBe(p.expectedStatus);
    }
  });

  it('offers DCCs from its own (ID) and a trusted foreign (DE) signer; Siti’s joins her and makes her green', () => {
    expect(demo.dccs.map((d) => [d.person, d.holder, d.country])).toEqual([
      ['siti', 'Siti Rahayu', 'ID'],
      [null, 'Anna Müller', 'DE'],
    ]);
    expect(bundle.payload.dccSigners?.map((s) => s.country).sort()).toEqual(['DE', 'ID']);
    const ctx = { bundle: bundle.payload, now: NOW + 60, trustedTime: NOW, appVersion: '0.1.0' };
    const held = demo.dccs.map((d) => {
      const decoded = decodeDcc(d.text);
      if (!decoded.ok) throw new Error(decoded.error.code);
      const verified = verifyHeldDcc(d.text, bundle.payload, NOW + 60);
      expect(verified.ok && verified.value.signerCountry, d.holder).toBe(d.country);
      return decoded.value;
    });
    const siti = demo.certificates.flatMap((c) => {
      const s = parseScanned(c.url);
      return c.person === 'siti' && s.ok && s.value.kind === 'certificate' ? [s.value.signed] : [];
    });
    const holders = new Map(siti.map((s) => [holderKey(s.certificate.holder), s.certificate.holder]));
    expect(personOfForeign(held[0], holders).key).toBe(holderKey(siti[0].certificate.holder));
    const mosque = parseScanned(demo.venues[1].url);
    if (!mosque.ok || mosque.value.kind !== 'venue') throw new Error('venue');
    const region = demo.people.find((p) => p.key === 'siti')?.region ?? '';
    expect(decidePerson(siti, region, mosque.value.signed.venue, ctx).status).toBe('yellow');
    expect(decidePerson([...siti, held[0]], region, mosque.value.signed.venue, ctx)).toMatchObject({
      outcome: 'ALLOWED',
      status: 'green',
    });
    // Anna has no Indonesian region: green, and a visitor to the rules.
    expect(decidePerson([held[1]], '', mosque.value.signed.venue, ctx)).toMatchObject({ status: 'green' });
  });

  it('renders /demo in both languages with inline SVG QR codes and no inline style or script', async () => {
    const res = await get('/demo');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain('<link rel="stylesheet" href="/demo.css">');
    expect(html).toContain('Kantor Gubernur Kalimantan Timur');
    expect(html).toContain('Budi Santoso');
    expect(html).toContain('lang="en"');
    expect(html).toContain('Tempat');
    expect(html.match(/<svg /g)?.length).toBe(demo.venues.length + demo.certificates.length + demo.dccs.length);
    for (const d of demo.dccs) expect(html).toContain(`data-dcc="${d.holder}"`);
    expect(html).not.toMatch(/<style|<script|\sstyle=|\son[a-z]+=/i);
    for (const v of demo.venues) expect(html).toContain(`href="${v.url}"`);
    const css = await get('/demo.css');
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
  });

  it('has no /demo routes when demo mode is off', async () => {
    const bare = createApp({ db, dataDir, distDir, demo: false, logger: silent });
    expect((await bare.fetch(new Request(`${ORIGIN}/demo.json`))).status).toBe(404);
    // /demo is then just an app route
    expect(await (await bare.fetch(new Request(`${ORIGIN}/demo`))).text()).toContain('<title>Singgah</title>');
  });

  it('demo-init is idempotent: same venues and bundle, fresh certificates', async () => {
    const again = await demoInit(dataDir, db, NOW + 5, ORIGIN);
    expect(again.createdKeys).toEqual([]);
    expect(again.bundle).toMatchObject({ action: 'kept', version: 1 });
    expect(again.venues.map((v) => v.action)).toEqual(['kept', 'kept', 'kept', 'kept']);
    const after = (await (await get('/demo.json')).json()) as DemoJson;
    expect(after.venues.map((v) => v.id)).toEqual(demo.venues.map((v) => v.id));
    expect(after.certificates).toHaveLength(5);
    expect(after.certificates.map((c) => c.id)).not.toEqual(demo.certificates.map((c) => c.id));
    demo = after;
  });

  it('demo-init re-signs a bundle that expires within 7 days', async () => {
    const later = NOW + 24 * 86_400; // the demo policy's bundles live 30 days
    const result = await demoInit(dataDir, db, later, ORIGIN);
    expect(result.bundle).toMatchObject({ action: 'signed', version: 2 });
    expect(result.venues.map((v) => v.action)).toEqual(['kept', 'kept', 'kept', 'kept']);
  });

  it('migrations are recorded and applied once', async () => {
    expect(await migrate(db)).toEqual([]);
    const rows = await db.query<{ version: number }>('select version from schema_migrations order by version');
    expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
  });
});

describe('startServer', () => {
  it('listens on a free port, serves, rejects raw traversal, and closes', async () => {
    await db.close(); // PGlite is single-process: hand the data dir over to the server
    const server = await startServer({ port: 0, host: '127.0.0.1', dataDir, distDir, demo: true, logger: silent });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const health = await fetch(`${server.url}/healthz`);
      expect(health.status).toBe(200);
      const demo = (await (await fetch(`${server.url}/demo.json`)).json()) as DemoJson;
      expect(demo.venues[0].url.startsWith(`${server.url}/v#`)).toBe(true);
      // fetch() normalises "..": send the raw path with node:http
      for (const path of ['/../secret.txt', '/assets/../../secret.txt', '/..\\secret.txt']) {
        const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
          const req = httpRequest(`${server.url}/`, { path }, (res) => {
            let body = '';
            res.on('data', (chunk) => {
              body += chunk;
            });
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          });
          req.on('error', reject);
          req.end();
        });
        expect([400, 404], path).toContain(status);
        expect(body).not.toContain('outside the dist dir');
      }
    } finally {
      await server.close();
    }
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
    db = await openDb({ dataDir }); // for afterAll
  });
});
