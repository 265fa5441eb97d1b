/**
 * The decision table: a person's certificates × venue × time × bundle state → outcome, colour, reasons.
 * Every row uses real signed certificates verified against a real signed bundle.
 */
import { describe, expect, it } from 'vitest';
import type { BundlePayload } from '../../../src/core/bundle';
import { type Certificate, decodeCertificate } from '../../../src/core/certificate';
import { type DecisionContext, decidePerson, statusOf } from '../../../src/core/eligibility';
import type { Venue } from '../../../src/core/venue';
import {
  DAY,
  HOUR,
  kaltimOffice,
  makeBundlePayload,
  NOW,
  pcr,
  policy,
  recovery,
  semarangMosque,
  signCertificate,
  vaccination,
} from '../../support/authority';

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
  outcome: string;
  status?: string;
  reasons?: string[];
}

const stale: BundlePayload = { ...bundle, expiresAt: NOW - 8 * DAY };
const tooNew: BundlePayload = { ...bundle, minAppVersion: '9.0.0' };

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
  { name: 'health facility admits red', certs: [], region: '3374', venue: clinic, outcome: 'ALLOWED', status: 'red' },
  {
    name: 'health facility refuses black',
    certs: [pcr('pos', NOW - DAY, '3374')],
    region: '3374',
    venue: clinic,
    outcome: 'DENIED',
    status: 'black',
    reasons: ['ENTRY-NO-BLACK'],
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
  const base: DecisionContext = { bundle, now: NOW, trustedTime: NOW - DAY, appVersion: '0.1.0' };
  it.each(rows)('$name', (row) => {
    const d = decidePerson(signed(row.certs), row.region, row.venue, { ...base, ...row.ctx });
    expect(d.outcome).toBe(row.outcome);
    if (row.status) expect(d.status).toBe(row.status);
    if (row.reasons) expect(d.reasons.map((r) => r.ruleId ?? r.code)).toEqual(row.reasons);
    if (d.outcome === 'DENIED') expect(d.reasons.every((r) => r.text?.id && r.text.en)).toBe(true);
  });

  it('a rule that fails to evaluate gives CANNOT_VERIFY, never ALLOWED', () => {
    const broken = { ...bundle, entryRules: [{ ...bundle.entryRules[1], logic: { '+': ['a', 1] } }] };
    const d = decidePerson(signed(full()), '6472', kaltimOffice, { ...base, bundle: broken });
    expect([d.outcome, d.reasons[0].code]).toEqual(['CANNOT_VERIFY', 'RULE_ERROR']);
  });

  it('a category with no rule in force gives CANNOT_VERIFY', () => {
    const none = { ...bundle, entryRules: [] };
    expect(decidePerson(signed(full()), '6472', kaltimOffice, { ...base, bundle: none }).outcome).toBe('CANNOT_VERIFY');
  });

  it('a staged rule switches on by itself at its validFrom, offline', () => {
    const gov = policy.entryRules.find((r) => r.id === 'ENTRY-GOV-GREEN');
    if (!gov) throw new Error('demo policy lost ENTRY-GOV-GREEN');
    const relaxed = { ...gov, validFrom: NOW, logic: { in: [{ var: 'person.status' }, ['green', 'yellow']] } };
    const staged = { ...bundle, entryRules: [...bundle.entryRules, relaxed] };
    const before = decidePerson(signed(partial()), '6472', kaltimOffice, { ...base, bundle: staged, now: NOW - 1 });
    const after = decidePerson(signed(partial()), '6472', kaltimOffice, { ...base, bundle: staged, now: NOW });
    expect([before.outcome, after.outcome]).toEqual(['DENIED', 'ALLOWED']);
  });

  it('a rule past its validTo is ignored', () => {
    const rules = bundle.entryRules.map((r) => (r.id === 'ENTRY-GOV-GREEN' ? { ...r, validTo: NOW } : r));
    const d = decidePerson(signed(partial()), '6472', kaltimOffice, {
      ...base,
      bundle: { ...bundle, entryRules: rules },
    });
    expect(d.outcome).toBe('ALLOWED');
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
