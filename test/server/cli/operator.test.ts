/**
 * The operator commands (keys rotate/revoke, venue import/posters, cert import/revoke/suspend, notices, reports, and
 * the dry-run in `bundle sign`), run in process through runCli with real keys, a real PGlite database and a temp
 * data dir: happy paths and bad inputs, and that a failed import writes nothing.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ingestCheckIns } from '../../../server/checkins';
import { openDb } from '../../../server/db';
import { type KeyFile, readTrust, setKeyPassphrase } from '../../../server/keys';
import { migrate } from '../../../server/migrations';
import { verifyCertificate } from '../../../src/core/certificate';
import { checkInProofOf } from '../../../src/core/checkin-upload';
import { verifyNotice } from '../../../src/core/notice';
import { parseScanned } from '../../../src/core/qr-link';
import { suspensionIdOf } from '../../../src/core/suspension';
import { verifyVenue } from '../../../src/core/venue';
import { createTestAuthority, DEMO_POLICY as POLICY, publishedPayload, runCliIn } from '../../support/cli-authority';

const HEADER = 'name,address,category,region,capacity,stay\n';
// pdf.js reads the standard 14 fonts' metrics from here (Node: a file path with a trailing slash).
const STANDARD_FONTS = `${resolve(import.meta.dirname, '../../../node_modules/pdfjs-dist/standard_fonts')}/`;

let root: string;
let dataDir: string;

const cli = (args: readonly string[], dir = dataDir) => runCliIn(dir, args);

async function ok(args: readonly string[], dir = dataDir) {
  const run = await cli(args, dir);
  if (run.code !== 0) throw new Error(`singgah ${args.join(' ')} → ${run.code}: ${run.stderr}`);
  return run;
}

function file(name: string, text: string): string {
  const path = join(root, name);
  writeFileSync(path, text, { mode: 0o600 }); // passphrase files among them must not be readable by others
  return path;
}

const payload = (dir = dataDir) => publishedPayload(dir);

async function withData<T>(fn: (db: Awaited<ReturnType<typeof openDb>>) => Promise<T>): Promise<T> {
  const db = await openDb({ dataDir });
  try {
    await migrate(db);
    return await fn(db);
  } finally {
    await db.close();
  }
}

const venueCount = () =>
  withData(async (db) => Number((await db.query<{ n: number }>('select count(*)::int as n from venues'))[0].n));

beforeAll(async () => {
  ({ root, dataDir } = await createTestAuthority('operator'));
}, 120_000);

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

afterEach(() => setKeyPassphrase(undefined));

describe('help', () => {
  it('every command listed in `singgah --help` has its own --help (exit 0)', async () => {
    const main = await ok(['--help']);
    const names = [...main.stdout.matchAll(/^ {2}([a-z-]+(?: [a-z-]+)?) {2,}\S/gm)].map((m) => m[1]);
    for (const expected of [
      'keys rotate',
      'keys revoke',
      'venue import',
      'venue posters',
      'cert import',
      'cert revoke',
      'cert suspend',
      'notice publish',
      'notice list',
      'report occupancy',
      'report hourly',
      'bundle sign',
    ]) {
      expect(names).toContain(expected);
    }
    for (const name of names) {
      const run = await cli([...name.split(' '), '--help']);
      expect(run.code, name).toBe(0);
      expect(run.stdout, name).toContain(`Usage: singgah ${name}`);
      expect(run.stdout, name).toContain('--passphrase-file');
    }
    for (const group of ['notice', 'report']) {
      const run = await cli([group, '--help']);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`singgah ${group} —`);
    }
  }, 60_000);
});

describe('bundle sign dry-run', () => {
  it('prints the decision table per example person and category before publishing', async () => {
    const before = payload().version;
    const dry = await ok(['bundle', 'sign', POLICY, '--dry-run']);
    expect(dry.stdout).toMatch(/person +status +gov +worship +mall +resto +transit +health/);
    expect(dry.stdout).toMatch(/vaccinated, 2 of 2 doses +green +ALLOWED +ALLOWED/);
    expect(dry.stdout).toMatch(/no certificate +red +DENIED/);
    expect(dry.stdout).toMatch(/visitor from Bali, vaccinated 2\/2 +green +DENIED/);
    expect(dry.stdout).toContain('not published');
    expect(payload().version).toBe(before);

    const signed = await ok(['bundle', 'sign', POLICY]);
    expect(signed.stdout).toContain('PCR positive, 2 days ago');
    expect(payload().version).toBe(before + 1);
  });

  it('refuses a policy whose rule fails to evaluate (every phone would say CANNOT_VERIFY)', async () => {
    const policy = JSON.parse(readFileSync(POLICY, 'utf8'));
    // A number where a boolean must come out: certlogic evaluates it, eligibility treats it as a rule error.
    policy.entryRules[0].logic = { '+': [1, 2] };
    const before = payload().version;
    const run = await cli(['bundle', 'sign', file('broken-rule.json', JSON.stringify(policy))]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('CANNOT_VERIFY');
    expect(run.stderr).toContain(policy.entryRules[0].id);
    expect(payload().version).toBe(before);
  });
});

describe('venue import', () => {
  it('imports a CSV (quoted commas, BOM, CRLF) with signed venues that verify', async () => {
    const csv = file(
      'venues.csv',
      `\uFEFF${HEADER}Kantor Camat Sungai Kunjang,"Jl. Jakarta, Samarinda",gov,6472,150,60\r\nMasjid Raya Baiturrahman,Jl. Moh. Jam,worship,11,3000,90\r\n`,
    );
    const before = await venueCount();
    const run = await ok(['venue', 'import', csv]);
    expect(run.stdout).toContain('Imported 2 venue(s)');
    expect(await venueCount()).toBe(before + 2);
    const codes = await withData((db) =>
      db.query<{ code: string; address: string }>("select code, address from venues where region in ('6472', '11')"),
    );
    expect(codes.map((c) => c.address).sort()).toEqual(['Jl. Jakarta, Samarinda', 'Jl. Moh. Jam']);
    for (const { code } of codes) {
      const scanned = parseScanned(`http://x.example/v#${code}`);
      if (!scanned.ok || scanned.value.kind !== 'venue') throw new Error('not a venue');
      expect(verifyVenue(scanned.value.signed, payload()).ok).toBe(true);
    }
  });

  const bad: [string, string, RegExp][] = [
    [
      'wrong number of fields',
      `${HEADER}A,B,gov,64,10,60\nC,D,gov,64,10\n`,
      /(?:^|singgah: )line 3: 5 field\(s\), the header has 6/m,
    ],
    [
      'unclosed quote',
      `${HEADER}A,B,gov,64,10,60\n"C,D,gov,64,10,60\n`,
      /(?:^|singgah: )line 3: a quoted field is never closed/m,
    ],
    [
      'unknown category',
      `${HEADER}A,B,gov,64,10,60\nC,D,casino,64,10,60\n`,
      /(?:^|singgah: )line 3: unknown category "casino"/m,
    ],
    [
      'region not real',
      `${HEADER}A,B,gov,64,10,60\nC,D,gov,6499,10,60\n`,
      /(?:^|singgah: )line 3: region 6499 is not an Indonesian/m,
    ],
    ['province not real', `${HEADER}C,D,gov,99,10,60\n`, /(?:^|singgah: )line 2: region 99 is not an Indonesian/m],
    ['region malformed', `${HEADER}C,D,gov,640,10,60\n`, /(?:^|singgah: )line 2: region must be a BPS code/m],
    [
      'capacity not a number',
      `${HEADER}C,D,gov,64,lots,60\n`,
      /(?:^|singgah: )line 2: capacity must be a whole number/m,
    ],
    ['stay out of range', `${HEADER}C,D,gov,64,10,2000\n`, /(?:^|singgah: )line 2: stay \(1–1440 minutes\)/m],
    [
      'duplicate in file',
      `${HEADER}Toko A,Jl. B,mall,64,10,60\ntoko  a,JL. B,mall,64,10,60\n`,
      /(?:^|singgah: )line 3: duplicate venue: same name and address as line 2/m,
    ],
    [
      'unknown column',
      'name,adress,category,region,capacity,stay\n',
      /(?:^|singgah: )line 1: unknown column "adress"/m,
    ],
    ['header only', HEADER, /header but no venues/],
  ];
  for (const [what, text, message] of bad) {
    it(`refuses ${what} with the line number and writes nothing`, async () => {
      const before = await venueCount();
      const run = await cli(['venue', 'import', file('bad.csv', text)]);
      expect(run.code, run.stdout).toBe(1);
      expect(run.stderr).toMatch(message);
      expect(await venueCount()).toBe(before);
    });
  }

  it('reports every bad line at once, and refuses venues already registered', async () => {
    const many = await cli([
      'venue',
      'import',
      file('many.csv', `${HEADER}A,B,nope,64,10,60\nC,D,gov,0000,10,60\nE,F,gov,64,10,60\n`),
    ]);
    expect(many.code).toBe(1);
    expect(many.stderr).toMatch(
      /line 2: unknown category[\s\S]*line 3: region[\s\S]*nothing was imported \(2 problem\(s\)\)/,
    );

    const before = await venueCount();
    const again = await cli([
      'venue',
      'import',
      file(
        'again.csv',
        `${HEADER}Fresh Place,Jl. Baru 1,resto,3171,10,60\nKANTOR CAMAT SUNGAI KUNJANG,"Jl. Jakarta,  Samarinda",gov,6472,150,60\n`,
      ),
    ]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/(?:^|singgah: )line 3: duplicate venue: already registered as [0-9A-Z]{8}/m);
    expect(await venueCount()).toBe(before); // not even the fresh row
  });
});

describe('keys: passphrase, rotation, revocation', () => {
  it('encrypts new keys with --passphrase-file, never prints it, and needs it to sign', async () => {
    const dir = join(root, 'locked');
    const secret = `correct horse ${randomBytes(6).toString('hex')}`;
    const passFile = file('pass.txt', `${secret}\n`);
    const created = await ok(['--passphrase-file', passFile, 'keys', 'create'], dir);
    setKeyPassphrase(undefined);
    const keyFiles = readdirSync(join(dir, 'keys')).filter((f) => f.endsWith('.json') && f !== 'trust.json');
    expect(keyFiles).toHaveLength(5);
    for (const f of keyFiles) {
      const text = readFileSync(join(dir, 'keys', f), 'utf8');
      const key = JSON.parse(text) as KeyFile;
      expect(key.secretKey).toBeUndefined();
      expect(key.encryptedSecretKey).toMatchObject({ kdf: 'scrypt', cipher: 'aes-256-gcm', N: 2 ** 17 });
      expect(text).not.toContain(secret);
    }
    expect(created.stdout + created.stderr).not.toContain(secret);

    const locked = await cli(['bundle', 'sign', POLICY], dir);
    expect(locked.code).toBe(1);
    expect(locked.stderr).toContain('is encrypted: give the passphrase');

    const wrong = await cli(['--passphrase-file', file('wrong.txt', 'nope\n'), 'bundle', 'sign', POLICY], dir);
    setKeyPassphrase(undefined);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('wrong passphrase');

    const signed = await ok(['--passphrase-file', passFile, 'bundle', 'sign', POLICY], dir);
    setKeyPassphrase(undefined);
    expect(signed.stdout).toContain('Signed bundle version 1');
    expect(signed.stdout + signed.stderr).not.toContain(secret);

    // SINGGAH_PASSPHRASE works too (read when no --passphrase-file is given).
    process.env.SINGGAH_PASSPHRASE = secret;
    try {
      const env = await ok(['venue', 'import', file('one.csv', `${HEADER}Pos Ronda,Jl. A,gov,64,5,30\n`)], dir);
      expect(env.stdout).toContain('Imported 1 venue(s)');
      expect(env.stdout + env.stderr).not.toContain(secret);
    } finally {
      delete process.env.SINGGAH_PASSPHRASE;
    }
  }, 120_000);

  it('rotates the venue key, then revokes the old one: its venues stop verifying', async () => {
    const oldKid = payload().keys.find((k) => k.role === 'venue')?.kid as string;
    const oldVenue = await withData(
      async (db) => (await db.query<{ code: string }>('select code from venues order by created_at limit 1'))[0].code,
    );
    const refused = await cli(['keys', 'revoke', oldKid]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('only venue key');

    const rotated = await ok(['keys', 'rotate', 'venue']);
    const newKid = rotated.stdout.match(/Created venue key ([0-9a-f]+)/)?.[1];
    expect(newKid).toBeDefined();
    expect(
      payload()
        .keys.filter((k) => k.role === 'venue')
        .map((k) => k.kid)
        .sort(),
    ).toEqual([oldKid, newKid].sort());

    const revoked = await ok(['keys', 'revoke', oldKid]);
    expect(revoked.stdout).toContain(`Revoked venue key ${oldKid}`);
    expect(payload().revocations.keys).toContain(oldKid);
    const scanned = parseScanned(`http://x.example/v#${oldVenue}`);
    if (!scanned.ok || scanned.value.kind !== 'venue') throw new Error('not a venue');
    const verdict = verifyVenue(scanned.value.signed, payload());
    expect(verdict.ok ? 'ok' : verdict.error.code).toBe('KEY_REVOKED');

    // A later `bundle sign` keeps the revocation, and new venues are signed with the new key.
    await ok(['bundle', 'sign', POLICY]);
    expect(payload().revocations.keys).toContain(oldKid);
    const venue = await ok([
      'venue',
      'import',
      file('after.csv', `${HEADER}Halte Busway,Jl. Thamrin,transit,3171,50,15\n`),
    ]);
    expect(venue.code).toBe(0);

    const root = readTrust(dataDir).keys[0].kid;
    const rootRun = await cli(['keys', 'revoke', root]);
    expect(rootRun.code).toBe(1);
    expect(rootRun.stderr).toContain('rotate-root');
    expect((await cli(['keys', 'rotate', 'root'])).code).toBe(2);
    expect((await cli(['keys', 'revoke', 'ffff'])).stderr).toContain('no key ffff');
  }, 120_000);
});

describe('certificates from CSV, revocation', () => {
  it('issues all rows as links and a PDF with one page each; revoking one makes phones reject it', async () => {
    const out = join(root, 'certs');
    const csv = file(
      'certs.csv',
      'kind,name,birth_date,region,product,dose,doses,date,test_type,result,sample_time,first_positive_date\n' +
        'vaccination,Siti Rahayu,1985-03-12,3171,Sinovac,2,2,2026-01-10,,,,\n' +
        `test,Budi Santoso,1990-07-01,6472,,,,,pcr,neg,${new Date(Date.now() - 3_600_000).toISOString().slice(0, 19)}Z,\n` +
        'recovery,Agus Salim,1970-12-30,64,,,,,,,,2026-10-01\n',
    );
    const run = await ok(['cert', 'import', csv, '--out', out]);
    expect(run.stdout).toContain('Issued 3 certificate(s)');
    const rows = readFileSync(join(out, 'certificates.csv'), 'utf8').trim().split('\n').slice(1);
    expect(rows.map((r) => r.split(',')[1])).toEqual(['vaccination', 'test', 'recovery']);
    const doc = await getDocument({
      data: new Uint8Array(readFileSync(join(out, 'certificates.pdf'))),
      standardFontDataUrl: STANDARD_FONTS,
    }).promise;
    expect(doc.numPages).toBe(3);
    const text = (await (await doc.getPage(2)).getTextContent()).items.map((i) => ('str' in i ? i.str : ''));
    expect(text).toContain('Budi Santoso');
    await doc.destroy();

    const [id, , , url] = rows[0].split(',');
    const scanned = parseScanned(url);
    if (!scanned.ok || scanned.value.kind !== 'certificate') throw new Error('not a certificate');
    const now = Math.floor(Date.now() / 1000);
    expect(verifyCertificate(scanned.value.signed, payload(), now).ok).toBe(true);
    const revoked = await ok(['cert', 'revoke', id]);
    expect(revoked.stdout).toContain(`Revoked certificate ${id}`);
    expect(payload().revocations.certificates).toContain(id);
    const after = verifyCertificate(scanned.value.signed, payload(), now);
    expect(after.ok ? 'ok' : after.error.code).toBe('CERTIFICATE_REVOKED');
    expect((await cli(['cert', 'revoke', 'not an id!'])).code).toBe(1);
  }, 120_000);

  it('cert suspend: hashed ids with an until-time in the next bundle make the holder black until then', async () => {
    const ids = ['SUSPEND-A', 'SUSPEND-B'];
    const now = Math.floor(Date.now() / 1000);
    const before = payload().version;
    const run = await ok(['cert', 'suspend', ids.join(','), '--days', '10']);
    expect(run.stdout).toMatch(
      /^Suspended 2 certificates until \d{4}-\d{2}-\d{2}T[\d:]+Z; re-signed bundle version \d+/,
    );
    const p = payload();
    expect(p.version).toBe(before + 1);
    // Hashed, never the ids themselves: the list does not say whose certificates they are.
    expect(JSON.stringify(p.suspensions)).not.toContain('SUSPEND-A');
    expect(p.suspensions?.map((s) => s.id).sort()).toEqual(ids.map(suspensionIdOf).sort());
    const until = p.suspensions?.[0].until ?? 0;
    expect(until - now).toBeGreaterThanOrEqual(10 * 86_400 - 5);
    expect(until - now).toBeLessThanOrEqual(10 * 86_400 + 5);
    // Again with an earlier end: the window is never shortened; a later one extends it.
    await ok(['cert', 'suspend', 'SUSPEND-A', '--days', '1']);
    expect(payload().suspensions?.find((s) => s.id === suspensionIdOf('SUSPEND-A'))?.until).toBe(until);
    await ok(['cert', 'suspend', 'SUSPEND-A', '--until', String(until + 3600)]);
    expect(payload().suspensions?.find((s) => s.id === suspensionIdOf('SUSPEND-A'))?.until).toBe(until + 3600);
    // Re-signing kept the issuer names the demo policy gives every key.
    expect(payload().keys.every((k) => k.name?.id === 'Kementerian Kesehatan RI')).toBe(true);
    // A later `bundle sign` keeps the running suspensions.
    await ok(['bundle', 'sign', POLICY]);
    expect(payload().suspensions).toHaveLength(2);
    // Bad input: no window, both, a past end, a bad id — refused, the bundle unchanged.
    const version = payload().version;
    expect((await cli(['cert', 'suspend', 'X1'])).code).not.toBe(0);
    expect((await cli(['cert', 'suspend', 'X1', '--days', '1', '--until', '2030-01-01'])).code).not.toBe(0);
    expect((await cli(['cert', 'suspend', 'X1', '--until', '2020-01-01'])).stderr).toContain('future');
    expect((await cli(['cert', 'suspend', 'not an id!', '--days', '1'])).code).toBe(1);
    expect(payload().version).toBe(version);
  }, 120_000);

  it('refuses a CSV with a bad row (line number) and issues nothing', async () => {
    const count = () =>
      withData(async (db) =>
        Number((await db.query<{ n: number }>('select count(*)::int as n from issued_certificates'))[0].n),
      );
    const before = await count();
    const run = await cli([
      'cert',
      'import',
      file(
        'bad-certs.csv',
        'kind,name,birth_date,region,product,dose,doses,date\n' +
          'vaccination,Siti,1985-03-12,3171,Sinovac,2,2,2026-01-10\n' +
          'vaccination,Budi,1985-03-12,9999,Sinovac,3,2,2026-01-10\n' +
          'passport,Agus,1985-03-12,64,,,,\n',
      ),
      '--out',
      join(root, 'bad-certs'),
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/(?:^|singgah: )line 3: region 9999 is not/m);
    expect(run.stderr).toMatch(/(?:^|singgah: )line 4: kind must be vaccination, test or recovery/m);
    expect(await count()).toBe(before);
  });
});

describe('notices and reports', () => {
  it('publishes a manual notice that verifies, lists it, and refuses bad windows and unknown venues', async () => {
    const venueId = await withData(
      async (db) => (await db.query<{ id: string }>("select id from venues where region = '6472' limit 1"))[0].id,
    );
    const now = Math.floor(Date.now() / 1000);
    const from = new Date((now - 7200) * 1000).toISOString();
    const to = new Date((now - 3600) * 1000).toISOString();
    const run = await ok(['notice', 'publish', '--venue', venueId, '--from', from, '--to', to]);
    const seq = Number(run.stdout.match(/Published notice (\d+)/)?.[1]);
    expect(seq).toBeGreaterThan(0);
    const [stored] = await withData((db) =>
      db.query<{ payload: string; sig: string }>('select payload, sig from notices where seq = $1', [seq]),
    );
    const notice = verifyNotice(payload(), { seq, ...stored });
    if (!notice.ok) throw new Error(notice.error.code);
    expect(notice.value).toMatchObject({ venueId, from: now - 7200, to: now - 3600 });
    const list = await ok(['notice', 'list']);
    expect(list.stdout).toMatch(new RegExp(`^ *${seq} +${venueId} `, 'm'));
    expect(list.stdout).toContain('Kantor Camat Sungai Kunjang');

    const bad = await Promise.all([
      cli(['notice', 'publish', '--venue', 'NOSUCHID', '--from', from, '--to', to]),
      cli(['notice', 'publish', '--venue', venueId, '--from', to, '--to', from]),
      cli([
        'notice',
        'publish',
        '--venue',
        venueId,
        '--from',
        from,
        '--to',
        new Date((now + 7200) * 1000).toISOString(),
      ]),
      cli(['notice', 'publish', '--venue', venueId, '--from', '2026-01-01', '--to', '2026-02-01']),
      cli(['notice', 'publish', '--venue', venueId, '--from', 'yesterday', '--to', to]),
    ]);
    expect(bad.map((r) => r.code)).toEqual([1, 1, 1, 1, 1]);
    expect(bad[0].stderr).toContain('no venue NOSUCHID');
    expect(bad[1].stderr).toContain('--to must be after --from');
    expect(bad[2].stderr).toContain('in the future');
    expect(bad[3].stderr).toContain('longer than 14 days');
    expect(bad[4].stderr).toContain('--from must be ISO 8601');
  }, 60_000);

  it('reports occupancy now and check-ins per hour per region from uploaded check-ins', async () => {
    const now = Math.floor(Date.now() / 1000);
    const hourStart = Math.floor(now / 3600) * 3600;
    const venues = await withData((db) =>
      db.query<{ id: string; region: string; code: string }>(
        "select id, region, code from venues where region in ('6472', '11', '3171')",
      ),
    );
    const samarinda = venues.find((v) => v.region === '6472')?.id as string;
    const aceh = venues.find((v) => v.region === '11')?.id as string;
    const hex = () => randomBytes(16).toString('hex');
    const checkIn = (venueId: string, at: number, people: number) => {
      const id = hex();
      const code = venues.find((v) => v.id === venueId)?.code ?? '';
      return {
        id,
        op: 'checkin' as const,
        venueId,
        at,
        autoCheckOutAt: at + 3600,
        people,
        proof: checkInProofOf(id, code),
      };
    };
    const leaving = checkIn(samarinda, hourStart - 1800, 1);
    await withData((db) =>
      ingestCheckIns(
        db,
        [
          // At the top of this hour (≤ now): counted in this hour's row and inside now.
          checkIn(samarinda, hourStart, 3),
          checkIn(samarinda, hourStart, 2),
          leaving,
          { id: leaving.id, op: 'checkout', at: hourStart - 1500 },
          checkIn(samarinda, hourStart - 3600 - 600, 1),
          checkIn(aceh, hourStart, 4),
        ],
        now,
      ),
    );

    const occupancy = await ok(['report', 'occupancy', '--region', '64']);
    expect(occupancy.stdout).toMatch(new RegExp(`^${samarinda} +5 +150 +low +Kantor Camat`, 'm'));
    expect(occupancy.stdout).not.toContain(aceh);
    const everywhere = await ok(['report', 'occupancy', '--limit', '2']);
    expect(everywhere.stdout.trim().split('\n')).toHaveLength(4); // title, header, 2 venues
    expect(everywhere.stdout).toMatch(new RegExp(`^${samarinda} +5 `, 'm'));
    expect(everywhere.stdout).toMatch(new RegExp(`^${aceh} +4 `, 'm'));

    const hourly = await ok(['report', 'hourly', '--region', '6472', '--from', String(hourStart - 7200)]);
    const lines = hourly.stdout.split('\n').filter((l) => /^\d{4}-/.test(l));
    expect(lines).toHaveLength(3);
    expect(lines.map((l) => l.split(/\s+/).slice(1, 3).join(' '))).toEqual(['1 1', '1 1', '2 5']);
    expect(hourly.stdout).toContain('Kota Samarinda');
    expect(hourly.stdout).toContain('total: 4 check-in(s)');

    const province = await ok(['report', 'hourly', '--region', '64', '--from', String(hourStart)]);
    expect(province.stdout).toContain('total: 2 check-in(s)');

    const bad = await Promise.all([
      cli(['report', 'hourly', '--region', '6499']),
      cli(['report', 'hourly']),
      cli(['report', 'occupancy', '--limit', 'many']),
    ]);
    expect(bad.map((r) => r.code)).toEqual([1, 2, 1]);
    expect(bad[0].stderr).toContain('not an Indonesian province');
  }, 60_000);
});
