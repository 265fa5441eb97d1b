/**
 * The decision table: a person's certificates × venue × time × bundle state → outcome, colour, reasons.
 * Every row uses real signed certificates verified against a real signed bundle.
 */
import { describe, expect, it } from 'vitest';
import type { BundlePayload } from '../../src/core/bundle';
import { type Certificate, decodeCertificate } from '../../src/core/certificate';
import { type DecisionContext, decidePerson, type PersonExtras, statusOf } from '../../src/core/eligibility';
import type { Venue } from '../../src/core/venue';
import {
  bundleKey,
  DAY,
  HOUR,
  kaltimOffice,
  makeBundlePayload,
  NOW,
  pcr,
  recovery,
  seededKey,
  semarangMosque,
  signCertificate,
  vaccination,
} from '../support/authority';

const bundle = makeBundlePayload();
const date = (t: number) => new Date(t * 1000).toISOString().slice(0, 10);
const signed = (certs: Certificate[]) =>
  certs.map((c) => {
    const d = decodeCertificate(signCertificate(c));
    if (!d.ok) throw new Error(d.error.code);
    return d.value;
  });

const mall: Venue = { ...kaltimOffice, id: 'MALL0001', name: 'Big Mall', category: 'mall' };
const clinic: Venue = { ...semarangMosque, id: 'RS000001', name: 'RS Kariadi', category: 'health' };
const unknownCat: Venue = { ...kaltimOffice, category: 'casino' };
const bus: Venue = { ...kaltimOffice, id: 'BUS00001', name: 'Bus Kota', category: 'transit' };
const resto: Venue = { ...kaltimOffice, id: 'RM000001', name: 'Rumah Makan', category: 'resto' };

const full = (region = '6472') => [
  vaccination(1, 2, date(NOW - 90 * DAY), region),
  vaccination(2, 2, date(NOW - 60 * DAY), region),
];
const fresh = (region = '6472') => [vaccination(2, 2, date(NOW - 13 * DAY), region)];
const partial = (region = '6472') => [vaccination(1, 2, date(NOW - 30 * DAY), region)];

interface Row {
  name: string;
  certs: Certificate[];
  region: string;
  venue: Venue;
  ctx?: Partial<DecisionContext>;
  extras?: PersonExtras;
  outcome: string;
  status?: string;
  reasons?: string[];
}

const stale: BundlePayload = { ...bundle, expiresAt: NOW - 8 * DAY };
const atGraceEdge: BundlePayload = { ...bundle, expiresAt: NOW - bundle.policy.staleGraceSeconds };
const pastGraceEdge: BundlePayload = { ...bundle, expiresAt: NOW - bundle.policy.staleGraceSeconds - 1 };
const govRule = bundle.entryRules.find((r) => r.id === 'ENTRY-GOV-GREEN') as BundlePayload['entryRules'][number];
// The authority ships a relaxed version of the government-office rule ahead of time, to apply from NOW.
const relaxedGov = { ...govRule, validFrom: NOW, logic: { in: [{ var: 'person.status' }, ['green', 'yellow']] } };
const staged: BundlePayload = { ...bundle, entryRules: [...bundle.entryRules, relaxedGov] };
const govEnded: BundlePayload = {
  ...bundle,
  entryRules: bundle.entryRules.map((r) => (r.id === 'ENTRY-GOV-GREEN' ? { ...r, validTo: NOW } : r)),
};
const stranger = seededKey(60);
const strangerCert = { ...vaccination(2, 2, date(NOW - 60 * DAY)), kid: bundleKey(stranger, 'certificate').kid };
const tooNew: BundlePayload = { ...bundle, minAppVersion: '9.0.0' };

function revokedRow(): Row {
  const certs = full();
  const revocations = { keys: [], certificates: certs.map((c) => c.id) };
  return {
    name: 'revoked certificates ignored → red',
    certs,
    region: '6472',
    venue: kaltimOffice,
    ctx: { bundle: { ...bundle, revocations } },
    outcome: 'DENIED',
    status: 'red',
  };
}

const rows: Row[] = [
  // Status colours
  {
    name: 'full series 60 d ago → green',
    certs: full(),
    region: '6472',
    venue: kaltimOffice,
    outcome: 'ALLOWED',
    status: 'green',
  },
  {
    name: 'full series 13 d ago → yellow',
    certs: fresh(),
    region: '6472',
    venue: kaltimOffice,
    outcome: 'DENIED',
    status: 'yellow',
    reasons: ['ENTRY-GOV-GREEN'],
  },
  {
    name: 'full series exactly 14 d ago → green',
    certs: [vaccination(2, 2, date(NOW - 14 * DAY))],
    region: '6472',
    venue: kaltimOffice,
    outcome: 'ALLOWED',
    status: 'green',
  },
  {
    name: 'partial → yellow, gov denies',
    certs: partial(),
    region: '6472',
    venue: kaltimOffice,
    outcome: 'DENIED',
    status: 'yellow',
    reasons: ['ENTRY-GOV-GREEN'],
  },
  {
    name: 'nothing → red, gov denies',
    certs: [],
    region: '6472',
    venue: kaltimOffice,
    outcome: 'DENIED',
    status: 'red',
    reasons: ['ENTRY-GOV-GREEN'],
  },
  {
    name: 'positive 2 d ago → black, denied everywhere',
    certs: [...full(), pcr('pos', NOW - 2 * DAY)],
    region: '6472',
    venue: kaltimOffice,
    outcome: 'DENIED',
    status: 'black',
    reasons: ['ENTRY-NO-BLACK', 'ENTRY-GOV-GREEN'],
  },
  {
    name: 'positive 11 d ago → back to green',
    certs: [...full(), pcr('pos', NOW - 11 * DAY)],
    region: '6472',
    venue: kaltimOffice,
    outcome: 'ALLOWED',
    status: 'green',
  },
  {
    name: 'recovery → green',
    certs: [recovery(date(NOW - 30 * DAY))],
    region: '6472',
    venue: kaltimOffice,
    outcome: 'ALLOWED',
    status: 'green',
  },
  {
    name: 'dose dated in the future is ignored → red',
    certs: [vaccination(2, 2, date(NOW + 2 * DAY))],
    region: '6472',
    venue: kaltimOffice,
    outcome: 'DENIED',
    status: 'red',
  },
  {
    name: 'expired certificate ignored → red',
    certs: [{ ...full()[1], expiresAt: NOW - 1 }],
    region: '6472',
    venue: kaltimOffice,
    outcome: 'DENIED',
    status: 'red',
  },
  {
    name: 'booster 3 of 3 → green',
    certs: [vaccination(3, 3, date(NOW - 20 * DAY))],
    region: '6472',
    venue: kaltimOffice,
    outcome: 'ALLOWED',
    status: 'green',
  },
  {
    name: 'single-dose vaccine 1 of 1 → green',
    certs: [vaccination(1, 1, date(NOW - 20 * DAY))],
    region: '6472',
    venue: kaltimOffice,
    outcome: 'ALLOWED',
    status: 'green',
  },
  revokedRow(),
  {
    name: 'certificate from an unknown issuer ignored → red',
    certs: [strangerCert],
    region: '6472',
    venue: kaltimOffice,
    outcome: 'DENIED',
    status: 'red',
  },
  {
    name: 'positive test outranks a recovery → black',
    certs: [recovery(date(NOW - 30 * DAY)), pcr('pos', NOW - DAY)],
    region: '6472',
    venue: semarangMosque,
    outcome: 'DENIED',
    status: 'black',
  },
  {
    name: 'confirmed exposure 3 d ago → black',
    certs: full('3374'),
    region: '3374',
    venue: semarangMosque,
    extras: { confirmedExposures: [NOW - 3 * DAY] },
    outcome: 'DENIED',
    status: 'black',
    reasons: ['ENTRY-NO-BLACK', 'ENTRY-PUBLIC-GREEN-YELLOW'],
  },
  {
    name: 'confirmed exposure 11 d ago → green again',
    certs: full('3374'),
    region: '3374',
    venue: semarangMosque,
    extras: { confirmedExposures: [NOW - 11 * DAY] },
    outcome: 'ALLOWED',
    status: 'green',
  },
  {
    name: 'exposure dated in the future is ignored',
    certs: full('3374'),
    region: '3374',
    venue: semarangMosque,
    extras: { confirmedExposures: [NOW + DAY] },
    outcome: 'ALLOWED',
    status: 'green',
  },
  // Places of worship, malls, health facilities
  {
    name: 'worship admits yellow',
    certs: partial('3374'),
    region: '3374',
    venue: semarangMosque,
    outcome: 'ALLOWED',
    status: 'yellow',
  },
  {
    name: 'worship refuses red',
    certs: [],
    region: '3374',
    venue: semarangMosque,
    outcome: 'DENIED',
    status: 'red',
    reasons: ['ENTRY-PUBLIC-GREEN-YELLOW'],
  },
  { name: 'mall admits yellow', certs: partial(), region: '6472', venue: mall, outcome: 'ALLOWED', status: 'yellow' },
  { name: 'transit admits yellow', certs: partial(), region: '6472', venue: bus, outcome: 'ALLOWED', status: 'yellow' },
  {
    name: 'restaurant refuses red',
    certs: [],
    region: '6472',
    venue: resto,
    outcome: 'DENIED',
    status: 'red',
    reasons: ['ENTRY-PUBLIC-GREEN-YELLOW'],
  },
  {
    name: 'yellow visitor at a mall in another province needs a PCR too',
    certs: partial('3374'),
    region: '3374',
    venue: mall,
    outcome: 'DENIED',
    status: 'yellow',
    reasons: ['ENTRY-VISITOR-PCR'],
  },
  { name: 'health facility admits red', certs: [], region: '3374', venue: clinic, outcome: 'ALLOWED', status: 'red' },
  {
    name: 'health facility turns black away from the main door, with a warning',
    certs: [pcr('pos', NOW - DAY, '3374')],
    region: '3374',
    venue: clinic,
    outcome: 'DENIED',
    status: 'black',
    reasons: ['ENTRY-HEALTH-NO-BLACK'],
  },
  {
    name: 'health facility admits a red visitor from another province without PCR',
    certs: [],
    region: '6472',
    venue: clinic,
    outcome: 'ALLOWED',
    status: 'red',
  },
  {
    name: 'transit refuses black',
    certs: [...full(), pcr('pos', NOW - DAY)],
    region: '6472',
    venue: bus,
    outcome: 'DENIED',
    status: 'black',
    reasons: ['ENTRY-NO-BLACK', 'ENTRY-PUBLIC-GREEN-YELLOW'],
  },
  {
    name: 'visitor at a place of worship needs the PCR too',
    certs: full('6472'),
    region: '6472',
    venue: semarangMosque,
    outcome: 'DENIED',
    status: 'green',
    reasons: ['ENTRY-VISITOR-PCR'],
  },
  {
    name: 'first dose given today → yellow',
    certs: [vaccination(1, 2, date(NOW))],
    region: '3374',
    venue: semarangMosque,
    outcome: 'ALLOWED',
    status: 'yellow',
  },
  // Out-of-province visitor: Semarang (33) resident at the Kaltim (64) governor's office
  {
    name: 'visitor without PCR → denied',
    certs: full('3374'),
    region: '3374',
    venue: kaltimOffice,
    outcome: 'DENIED',
    status: 'green',
    reasons: ['ENTRY-VISITOR-PCR'],
  },
  {
    name: 'visitor, negative PCR 47 h ago → allowed',
    certs: [...full('3374'), pcr('neg', NOW - 47 * HOUR, '3374')],
    region: '3374',
    venue: kaltimOffice,
    outcome: 'ALLOWED',
    status: 'green',
  },
  {
    name: 'visitor, negative PCR exactly 48 h ago → allowed',
    certs: [...full('3374'), pcr('neg', NOW - 48 * HOUR, '3374')],
    region: '3374',
    venue: kaltimOffice,
    outcome: 'ALLOWED',
    status: 'green',
  },
  {
    name: 'visitor, negative PCR 48 h + 1 s ago → denied',
    certs: [...full('3374'), pcr('neg', NOW - 48 * HOUR - 1, '3374')],
    region: '3374',
    venue: kaltimOffice,
    outcome: 'DENIED',
    status: 'green',
    reasons: ['ENTRY-VISITOR-PCR'],
  },
  {
    name: 'visitor, PCR sampled in the future is ignored',
    certs: [...full('3374'), pcr('neg', NOW + HOUR, '3374')],
    region: '3374',
    venue: kaltimOffice,
    outcome: 'DENIED',
    reasons: ['ENTRY-VISITOR-PCR'],
  },
  {
    name: 'resident of a Kaltim regency (6472) needs no PCR in province 64',
    certs: full('6472'),
    region: '6472',
    venue: kaltimOffice,
    outcome: 'ALLOWED',
    status: 'green',
  },
  {
    name: 'visitor without PCR may still enter a health facility',
    certs: full('6472'),
    region: '6472',
    venue: clinic,
    outcome: 'ALLOWED',
    status: 'green',
  },
  // Bundle edges and staged rules
  {
    name: 'bundle exactly at expiry + grace still decides',
    certs: full(),
    region: '6472',
    venue: kaltimOffice,
    ctx: { bundle: atGraceEdge },
    outcome: 'ALLOWED',
    status: 'green',
  },
  {
    name: 'bundle 1 s past expiry + grace',
    certs: full(),
    region: '6472',
    venue: kaltimOffice,
    ctx: { bundle: pastGraceEdge },
    outcome: 'CANNOT_VERIFY',
    reasons: ['BUNDLE_STALE'],
  },
  {
    name: 'clock exactly at trusted time − skew',
    certs: full(),
    region: '6472',
    venue: kaltimOffice,
    ctx: { trustedTime: NOW + 300 },
    outcome: 'ALLOWED',
  },
  {
    name: 'clock 1 s beyond the skew',
    certs: full(),
    region: '6472',
    venue: kaltimOffice,
    ctx: { trustedTime: NOW + 301 },
    outcome: 'CANNOT_VERIFY',
    reasons: ['CLOCK_BEHIND'],
  },
  {
    name: 'staged rule: 1 s before its ValidFrom the strict rule applies',
    certs: partial(),
    region: '6472',
    venue: kaltimOffice,
    ctx: { bundle: staged, now: NOW - 1 },
    outcome: 'DENIED',
    status: 'yellow',
    reasons: ['ENTRY-GOV-GREEN'],
  },
  {
    name: 'staged rule: at its ValidFrom the relaxed version switches on, offline',
    certs: partial(),
    region: '6472',
    venue: kaltimOffice,
    ctx: { bundle: staged },
    outcome: 'ALLOWED',
    status: 'yellow',
  },
  {
    name: 'rule past its ValidTo is ignored',
    certs: partial(),
    region: '6472',
    venue: kaltimOffice,
    ctx: { bundle: govEnded },
    outcome: 'ALLOWED',
    status: 'yellow',
  },
  // Cannot verify
  {
    name: 'no bundle',
    certs: full(),
    region: '6472',
    venue: kaltimOffice,
    ctx: { bundle: undefined },
    outcome: 'CANNOT_VERIFY',
    reasons: ['NO_BUNDLE'],
  },
  {
    name: 'bundle past expiry + grace',
    certs: full(),
    region: '6472',
    venue: kaltimOffice,
    ctx: { bundle: stale },
    outcome: 'CANNOT_VERIFY',
    reasons: ['BUNDLE_STALE'],
  },
  {
    name: 'clock set before trusted time',
    certs: full(),
    region: '6472',
    venue: kaltimOffice,
    ctx: { trustedTime: NOW + DAY },
    outcome: 'CANNOT_VERIFY',
    reasons: ['CLOCK_BEHIND'],
  },
  {
    name: 'clock slightly behind within skew',
    certs: full(),
    region: '6472',
    venue: kaltimOffice,
    ctx: { trustedTime: NOW + 60 },
    outcome: 'ALLOWED',
    status: 'green',
  },
  {
    name: 'unknown category',
    certs: full(),
    region: '6472',
    venue: unknownCat,
    outcome: 'CANNOT_VERIFY',
    reasons: ['UNKNOWN_CATEGORY'],
  },
  {
    name: 'app older than minAppVersion',
    certs: full(),
    region: '6472',
    venue: kaltimOffice,
    ctx: { bundle: tooNew },
    outcome: 'CANNOT_VERIFY',
    reasons: ['APP_TOO_OLD'],
  },
];

describe('decision table', () => {
  it('has at least 40 rows', () => expect(rows.length).toBeGreaterThanOrEqual(40));

  const base: DecisionContext = { bundle, now: NOW, trustedTime: NOW - DAY, appVersion: '0.1.0' };
  it.each(rows)('$name', (row) => {
    const d = decidePerson(signed(row.certs), row.region, row.venue, { ...base, ...row.ctx }, row.extras);
    expect(d.outcome).toBe(row.outcome);
    if (row.status) expect(d.status).toBe(row.status);
    if (row.reasons) expect(d.reasons.map((r) => r.ruleId ?? r.code)).toEqual(row.reasons);
    if (d.outcome === 'DENIED') expect(d.reasons.every((r) => r.text?.id && r.text.en)).toBe(true);
  });

  it('a rule that fails to evaluate gives CANNOT_VERIFY, never ALLOWED', () => {
    const gov = bundle.entryRules.filter((r) => r.id === 'ENTRY-GOV-GREEN');
    const broken = { ...bundle, entryRules: [{ ...gov[0], logic: { '+': ['a', 1] } }] };
    const d = decidePerson(signed(full()), '6472', kaltimOffice, { ...base, bundle: broken });
    expect([d.outcome, d.reasons[0].code]).toEqual(['CANNOT_VERIFY', 'RULE_ERROR']);
  });

  it('a category with no rule in force gives CANNOT_VERIFY', () => {
    const none = { ...bundle, entryRules: [] };
    expect(decidePerson(signed(full()), '6472', kaltimOffice, { ...base, bundle: none }).outcome).toBe('CANNOT_VERIFY');
  });
});

describe('statusOf', () => {
  const base: DecisionContext = { bundle, now: NOW, trustedTime: NOW - DAY, appVersion: '0.1.0' };
  it('gives the colour and the matching rule without any venue', () => {
    const s = statusOf(signed(full()), '6472', base);
    expect([s.status, s.rule?.id]).toEqual(['green', 'STATUS-GREEN-VACCINATED']);
    expect(statusOf(signed(partial()), '6472', base).status).toBe('yellow');
    expect(statusOf([], '6472', base).status).toBe('red');
  });
  it('knows no colour without a usable bundle', () => {
    const s = statusOf(signed(full()), '6472', { ...base, bundle: undefined });
    expect([s.status, s.reasons[0].code]).toEqual([undefined, 'NO_BUNDLE']);
  });
});
