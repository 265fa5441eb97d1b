/**
 * Sealed case uploads (docs/FORMATS.md "POST /v1/cases", SECURITY.md): the server, holding no secret key at all,
 * takes a sealed report with a valid code and stores ciphertext only — the test reads every table of the
 * database — and refuses what it can check without reading. `singgah case review`'s library (server/case-review.ts),
 * with the keys put back as the officer's machine has them, opens the reports, refuses claims no phone can have
 * recorded (finding 2: longer than a stay may last, older than retention, unregistered venue, more than 100
 * visits) and replays, and publishes the rest as notices phones verify.
 */
import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import nacl from 'tweetnacl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app';
import { readPublishedBundle } from '../../server/authority';
import { createCaseCode } from '../../server/case-codes';
import { MAX_CASE_VISITS } from '../../server/case-limits';
import { approveAll, openPendingUploads, publishUpload, rejectUpload } from '../../server/case-review';
import { type Db, openDb } from '../../server/db';
import { claimDemoDir, demoInit } from '../../server/demo';
import { startServer } from '../../server/main';
import { migrate } from '../../server/migrations';
import { runRetention } from '../../server/retention';
import { fromBase64Url, toBase64Url } from '../../src/core/bytes';
import { CASE_PLAINTEXT_BYTES } from '../../src/core/case-seal';
import { verifyNotice } from '../../src/core/notice';
import { maxStayMinutes } from '../../src/core/stay';
import { rowsAddedSince, snapshotRows, timesIn } from '../support/db-rows';
import { sealedReport } from '../support/sealed-case';

const NOW = Math.floor(Date.now() / 1000);
// Visit times that are no whole hour: the server's own times of a case are, so they cannot be mistaken for these.
const T = NOW - (NOW % 3600) - 7 * 3600 + 1234;
const HOUR = 3600;
const DAY = 86_400;

let root: string;
let dataDir: string;
let offline: string;
let db: Db;
let app: ReturnType<typeof createApp>;
let venues: { id: string; maxStaySeconds: number }[];
let retentionDays: number;

const post = (body: unknown) =>
  app.fetch(
    new Request('http://127.0.0.1/v1/cases', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    }),
  );
const errorCodeOf = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;
const count = async (sql: string) => Number((await db.query<{ n: string | number }>(sql))[0].n);
const countNotices = () => count('select count(*) as n from notices');
const countPending = () => count('select count(*) as n from case_uploads where sealed is not null');
const newCode = async () => (await createCaseCode(db, NOW, 24)).code;

/** The officer's machine: the secret key files, moved out of the server's data dir while the server runs. */
function withKeysBack<T>(fn: () => Promise<T>): Promise<T> {
  const move = (from: string, to: string) => {
    for (const f of readdirSync(from).filter((n) => /^(notices|cases)-/.test(n)))
      renameSync(join(from, f), join(to, f));
  };
  move(offline, join(dataDir, 'keys'));
  return fn().finally(() => move(join(dataDir, 'keys'), offline));
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'singgah-sealed-'));
  dataDir = join(root, 'data');
  claimDemoDir(dataDir, NOW - 60);
  offline = join(root, 'officer-keys');
  mkdirSync(offline);
  db = await openDb({ dataDir });
  await migrate(db);
  await demoInit(dataDir, db, NOW - 60, 'http://127.0.0.1');
  const policy = readPublishedBundle(dataDir)?.payload.policy;
  if (!policy) throw new Error('demo-init published no bundle');
  retentionDays = policy.retentionDays;
  const rows = await db.query<{ id: string; stay_minutes: number }>('select id, stay_minutes from venues order by id');
  venues = rows.map((r) => ({
    id: r.id,
    maxStaySeconds: maxStayMinutes({ stayMinutes: r.stay_minutes }, policy) * 60,
  }));
  // The server runs with neither the notices key nor the cases key in its data dir.
  for (const f of readdirSync(join(dataDir, 'keys')).filter((n) => /^(notices|cases)-/.test(n))) {
    renameSync(join(dataDir, 'keys', f), join(offline, f));
  }
  app = createApp({
    db,
    dataDir,
    distDir: join(root, 'dist'),
    demo: false,
    logger: pino({ level: 'silent' }),
    rateLimit: { perSecond: 0, burst: 0 },
  });
}, 120_000);

afterAll(async () => {
  await db?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('POST /v1/cases: sealed, stored unread, on a server holding no signing key', () => {
  it('has no notices or cases key file in its data dir, and still takes a sealed report (202)', async () => {
    expect(readdirSync(join(dataDir, 'keys')).filter((n) => /^(notices|cases)-/.test(n))).toEqual([]);
    const res = await post(sealedReport(dataDir, await newCode(), [{ venueId: venues[0].id, from: T, to: T + HOUR }]));
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ received: true });
  });

  it('stores ciphertext only: no venue id, visit time or code in any table', async () => {
    const code = await newCode();
    const visits = [
      { venueId: venues[1].id, from: T - DAY, to: T - DAY + 1800 },
      { venueId: venues[2].id, from: T - 2 * DAY + 17, to: T - 2 * DAY + 2417 },
    ];
    const before = await snapshotRows(db);
    expect((await post(sealedReport(dataDir, code, visits))).status).toBe(202);
    const added = rowsAddedSince(before, await snapshotRows(db));
    expect([...added.keys()].sort()).toEqual(['case_codes', 'case_uploads']);
    const text = [...added.values()].flat().join('\n');
    for (const v of visits) expect(text).not.toContain(v.venueId);
    const times = new Set(visits.flatMap((v) => [v.from, v.to]));
    expect(timesIn(text).filter((t) => times.has(t))).toEqual([]);
    expect(text).not.toContain(code.replaceAll('-', ''));
    // The server's own times of the case are whole hours.
    const [row] = await db.query<{ received_at: string; used_at: string }>(
      `select u.received_at, c.used_at from case_uploads u join case_codes c on c.hash = u.code_hash
       order by u.id desc limit 1`,
    );
    expect([Number(row.received_at) % HOUR, Number(row.used_at) % HOUR]).toEqual([0, 0]);
    expect(await countNotices()).toBe(0);
  });

  it('refuses what it can check unread, leaving the code unused: readable visits, another key, a malformed seal', async () => {
    const code = await newCode();
    const good = sealedReport(dataDir, code, [{ venueId: venues[0].id, from: T, to: T + HOUR }]);
    const cases: [unknown, number, string][] = [
      [{ code, visits: [{ venueId: venues[0].id, from: T, to: T + HOUR }] }, 400, 'CASE_UPLOAD_NOT_SEALED'],
      [{ ...good, sealed: { ...good.sealed, kid: 'ffff' } }, 400, 'CASE_KEY_UNKNOWN'],
      [{ ...good, sealed: { ...good.sealed, box: good.sealed.box.slice(4) } }, 400, 'REQUEST_WRONG_TYPE'],
      [{ ...good, sealed: { ...good.sealed, extra: 1 } }, 400, 'REQUEST_UNKNOWN_FIELD'],
      [{ ...good, name: 'Budi' }, 400, 'REQUEST_UNKNOWN_FIELD'],
      [{ sealed: good.sealed }, 400, 'REQUEST_WRONG_TYPE'],
      [{ ...good, code: '0000-0000-0000' }, 403, 'CASE_CODE_UNKNOWN'],
    ];
    for (const [body, status, expected] of cases) {
      const res = await post(body);
      expect(res.status, expected).toBe(status);
      expect(await errorCodeOf(res)).toBe(expected);
    }
    expect((await post(good)).status).toBe(202);
    const again = await post(sealedReport(dataDir, code, []));
    expect(again.status).toBe(403);
    expect(await errorCodeOf(again)).toBe('CASE_CODE_USED');
  });

  it('a replayed sealed report is refused (409) whatever code comes with it, and that code stays usable', async () => {
    const first = sealedReport(dataDir, await newCode(), [{ venueId: venues[0].id, from: T, to: T + HOUR }]);
    expect((await post(first)).status).toBe(202);
    const fresh = await newCode();
    const replay = await post({ code: fresh, sealed: first.sealed });
    expect(replay.status).toBe(409);
    expect(await errorCodeOf(replay)).toBe('CASE_UPLOAD_REPLAYED');
    expect((await post(sealedReport(dataDir, fresh, []))).status).toBe(202);
  });

  it('one code used by two uploads at once: exactly one is stored', async () => {
    const code = await newCode();
    const pending = await countPending();
    const results = await Promise.all([
      post(sealedReport(dataDir, code, [{ venueId: venues[0].id, from: T, to: T + HOUR }])),
      post(sealedReport(dataDir, code, [{ venueId: venues[1].id, from: T, to: T + HOUR }])),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([202, 403]);
    expect(await countPending()).toBe(pending + 1);
  });
});

describe('case review: open offline, refuse claims, publish notices', () => {
  it('without the cases key nothing opens; with it, good reports become verified notices and their ciphertext goes', async () => {
    const closed = await openPendingUploads(db, dataDir);
    expect(closed.length).toBeGreaterThan(0);
    expect(closed.every((u) => /not in this data dir's keys/.test(u.problem ?? ''))).toBe(true);

    const before = await countNotices();
    const { published, pending } = await withKeysBack(() => approveAll(db, dataDir, NOW));
    expect(pending).toEqual([]);
    const seqs = published.flatMap((p) => p.seqs);
    const visits = published.flatMap((p) => p.upload.visits);
    expect(seqs).toHaveLength(visits.length);
    expect(await countNotices()).toBe(before + visits.length);
    const bundle = readPublishedBundle(dataDir)?.payload;
    if (!bundle) throw new Error('no bundle');
    const rows = await db.query<{ seq: string; payload: string; sig: string }>(
      'select seq, payload, sig from notices order by seq',
    );
    const verified = rows.map((r) => verifyNotice(bundle, { seq: Number(r.seq), payload: r.payload, sig: r.sig }));
    expect(verified.every((r) => r.ok)).toBe(true);
    expect(await countPending()).toBe(0);
    expect(await count("select count(*) as n from case_uploads where outcome = 'published' and sealed is null")).toBe(
      published.length,
    );
  });

  it('refuses visits no phone can have recorded (finding 2), a report sealed with another code, and > 100 visits', async () => {
    const venue = venues[0];
    const stored = async (visits: { venueId: string; from: number; to: number }[], sealedCode?: string) => {
      const code = await newCode();
      expect((await post(sealedReport(dataDir, code, visits, sealedCode ?? code))).status).toBe(202);
    };
    // 336 hours at one venue: longer than any stay.
    await stored([{ venueId: venue.id, from: NOW - 14 * DAY, to: NOW - 14 * DAY + 336 * HOUR }]);
    // Begun before the retention period.
    const old = NOW - retentionDays * DAY - 2 * HOUR;
    await stored([{ venueId: venue.id, from: old, to: old + HOUR }]);
    // An unregistered venue.
    await stored([{ venueId: 'NOSUCH', from: T, to: T + HOUR }]);
    // Sealed with another (made up) code than the one that authorised the upload: a replayed report.
    await stored([{ venueId: venue.id, from: T, to: T + HOUR }], '0000-0000-0000');
    // Exactly the longest stay, at the edge of retention: what an honest phone sends.
    const edge = NOW - retentionDays * DAY + 2 * HOUR;
    await stored([{ venueId: venue.id, from: edge, to: edge + venue.maxStaySeconds }]);

    await withKeysBack(async () => {
      const opened = await openPendingUploads(db, dataDir);
      expect(opened.map((u) => u.problem === undefined)).toEqual([false, false, false, false, true]);
      expect(opened[0].visits[0].problem).toMatch(/^PAYLOAD_OUT_OF_RANGE/);
      expect(opened[1].visits[0].problem).toMatch(/^TIME_TOO_OLD/);
      expect(opened[2].visits[0].problem).toMatch(/^VENUE_UNKNOWN/);
      expect(opened[3].problem).toMatch(/not the code it was sent with/);
      const before = await countNotices();
      await expect(publishUpload(db, dataDir, opened[0], NOW)).rejects.toThrow(/cannot be published/);
      expect(await publishUpload(db, dataDir, opened[4], NOW)).toHaveLength(1);
      for (const u of opened.slice(0, 4)) await rejectUpload(db, u.id);
      expect(await countNotices()).toBe(before + 1);
      expect(await countPending()).toBe(0);
    });

    // More than 100 visits cannot be sealed by the app; one forged with tweetnacl directly is refused on opening.
    const key = readPublishedBundle(dataDir)?.payload.caseKey;
    const publicKey = key && fromBase64Url(key.publicKey);
    if (!key || !publicKey) throw new Error('no caseKey');
    const code = await newCode();
    const visits = Array.from({ length: MAX_CASE_VISITS + 1 }, (_, i) => [venue.id, T - i * HOUR, T - i * HOUR + 60]);
    const plain = new Uint8Array(CASE_PLAINTEXT_BYTES).fill(0x20);
    plain.set(
      new TextEncoder().encode(JSON.stringify({ type: 'singgah-case', v: 1, code: code.replaceAll('-', ''), visits })),
    );
    const eph = nacl.box.keyPair();
    const nonce = nacl.randomBytes(24);
    const sealed = {
      v: 1,
      kid: key.kid,
      epk: toBase64Url(eph.publicKey),
      nonce: toBase64Url(nonce),
      box: toBase64Url(nacl.box(plain, nonce, publicKey, eph.secretKey)),
    };
    expect((await post({ code, sealed })).status).toBe(202);
    await withKeysBack(async () => {
      const [forged] = await openPendingUploads(db, dataDir);
      expect(forged.problem).toMatch(/^PAYLOAD_/);
      await rejectUpload(db, forged.id);
    });
  });
});

describe('server-side retention of case reports (finding 3: uploads go after the policy says)', () => {
  const caseRows = () => count('select count(*) as n from case_uploads');
  const codeRows = () => count('select count(*) as n from case_codes');

  it('keeps reports and codes while a phone can still hold their visits, and deletes them after', async () => {
    // One report waiting for review and one reviewed (rejected: its ciphertext is gone, its row stays), a code
    // never used that expires in 24 h, and one that stays valid past the boundary of the last pass below.
    expect(
      (await post(sealedReport(dataDir, await newCode(), [{ venueId: venues[0].id, from: T, to: T + HOUR }]))).status,
    ).toBe(202);
    expect(
      (await post(sealedReport(dataDir, await newCode(), [{ venueId: venues[1].id, from: T, to: T + HOUR }]))).status,
    ).toBe(202);
    await withKeysBack(async () => {
      const [opened] = (await openPendingUploads(db, dataDir)).slice(-1);
      await rejectUpload(db, opened.id);
    });
    await newCode();
    const longLived = await createCaseCode(db, NOW, (retentionDays + 3) * 24);
    const reports = await caseRows();
    const codes = await codeRows();
    expect(await count("select count(*) as n from case_uploads where outcome = 'rejected'")).toBeGreaterThan(0);
    expect(await countPending()).toBeGreaterThan(0);

    // A day later, and two days before they are as old as the retention: nothing of the cases goes.
    for (const later of [DAY, retentionDays * DAY - 2 * DAY]) {
      const pass = await runRetention(db, dataDir, NOW + later);
      expect(pass.purged).toEqual({ cases: 0, codes: 0 });
      expect([await caseRows(), await codeRows()]).toEqual([reports, codes]);
    }

    // Past the retention since they arrived: every report goes, reviewed or not, and every code that expired
    // before the boundary; the code still valid then stays (it can still be used).
    // (Two days past, so the boundary is after every 24-hour code whatever the time of day.)
    const pass = await runRetention(db, dataDir, NOW + (retentionDays + 2) * DAY);
    expect(pass.keptFrom).toBeGreaterThanOrEqual(NOW + 2 * DAY);
    expect(pass.purged).toEqual({ cases: reports, codes: codes - 1 });
    expect(await caseRows()).toBe(0);
    const left = await db.query<{ expires_at: string | number }>('select expires_at from case_codes');
    expect(left.map((r) => Number(r.expires_at))).toEqual([longLived.expiresAt]);
    // A second pass finds nothing more.
    expect((await runRetention(db, dataDir, NOW + (retentionDays + 2) * DAY)).purged).toEqual({ cases: 0, codes: 0 });
  });
});

describe('the demo reviews its own reports, and only the demo', () => {
  it('SINGGAH_DEMO_AUTO_REVIEW without the demo is refused at start', async () => {
    await expect(startServer({ dataDir: join(root, 'never'), demo: false, demoAutoReview: true })).rejects.toThrow(
      /needs the demo/,
    );
  });

  it('a demo server with automatic review publishes a sealed report by itself', async () => {
    await db.close();
    const logger = pino({ level: 'silent' });
    const codeDb = await openDb({ dataDir });
    const code = (await createCaseCode(codeDb, NOW, 24)).code;
    await codeDb.close();
    await withKeysBack(async () => {
      const server = await startServer({
        port: 0,
        host: '127.0.0.1',
        dataDir,
        distDir: join(root, 'dist'),
        demo: true,
        demoAutoReview: true,
        logger,
        rateLimit: { perSecond: 0, burst: 0 },
      });
      try {
        const feed = async () =>
          ((await (await fetch(`${server.url}/v1/notices?after=0&limit=1000`)).json()) as { notices: unknown[] })
            .notices.length;
        const before = await feed();
        const res = await fetch(`${server.url}/v1/cases`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(sealedReport(dataDir, code, [{ venueId: venues[0].id, from: T, to: T + HOUR }])),
        });
        expect(res.status).toBe(202);
        let after = before;
        for (let i = 0; i < 100 && after === before; i++) {
          await new Promise((r) => setTimeout(r, 100));
          after = await feed();
        }
        expect(after).toBe(before + 1);
      } finally {
        await server.close();
      }
    });
    db = await openDb({ dataDir });
  });
});
