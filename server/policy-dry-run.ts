/**
 * Dry-run of a policy before it is signed: every category's entry rules are run, with the phone's own
 * decision code (src/core/eligibility.ts), on a fixed set of example people, and the result is a table
 * person × category → ALLOWED / DENIED / CANNOT_VERIFY. The example certificates are signed with a
 * throw-away key added only to the dry-run's copy of the bundle: they go through the same signature and
 * validity checks as real ones, and the real certificate key (possibly offline) is not needed.
 */
import { randomBytes } from 'node:crypto';
import type { BundlePayload, Status } from '../src/core/bundle';
import { toBase64Url } from '../src/core/bytes';
import {
  type Certificate,
  decodeCertificate,
  encodeCertificate,
  type SignedCertificate,
} from '../src/core/certificate';
import { keyIdOf, keyPairFromSeed } from '../src/core/ed25519';
import { decidePerson, type Outcome, type Reason } from '../src/core/eligibility';
import type { UnixSeconds } from '../src/core/schema';
import type { Venue } from '../src/core/venue';

const DAY = 86_400;
const HOUR = 3_600;
/** Venues of the dry-run are in Jakarta (DKI, region 3171); the visitor comes from Bali (5171). */
export const DRY_RUN_VENUE_REGION = '3171';

type Draft = (now: UnixSeconds) => readonly Omit<Certificate, 'id' | 'holder' | 'kid' | 'issuedAt'>[];

interface ExamplePerson {
  readonly label: string;
  readonly region: string;
  readonly certificates: Draft;
  /** Exposure notices the person confirmed, as seconds before now. */
  readonly exposedAgo?: number;
}

const dateBefore = (now: UnixSeconds, days: number) => new Date((now - days * DAY) * 1000).toISOString().slice(0, 10);
const vaccination = (now: UnixSeconds, dose: number, doses: number, daysAgo: number) =>
  ({
    kind: 'vaccination',
    product: 'Sinovac',
    dose,
    doses,
    date: dateBefore(now, daysAgo),
    expiresAt: now + 300 * DAY,
  }) as const;
const test = (now: UnixSeconds, testType: 'pcr' | 'antigen', result: 'neg' | 'pos', hoursAgo: number) =>
  ({
    kind: 'test',
    testType,
    result,
    sampleTime: now - hoursAgo * HOUR,
    // As `cert issue` does: valid 72 h after sampling. An older test has expired and counts as no test.
    expiresAt: now - hoursAgo * HOUR + 72 * HOUR,
  }) as const;

/** The built-in example people (home region Jakarta unless said otherwise). */
export const EXAMPLE_PEOPLE: readonly ExamplePerson[] = [
  { label: 'vaccinated, 2 of 2 doses', region: '3171', certificates: (now) => [vaccination(now, 2, 2, 30)] },
  { label: 'vaccinated, booster (3 of 3)', region: '3171', certificates: (now) => [vaccination(now, 3, 3, 30)] },
  { label: 'vaccinated, 1 of 2 doses', region: '3171', certificates: (now) => [vaccination(now, 1, 2, 20)] },
  { label: 'no certificate', region: '3171', certificates: () => [] },
  { label: 'PCR negative, 24 h ago', region: '3171', certificates: (now) => [test(now, 'pcr', 'neg', 24)] },
  { label: 'PCR negative, 5 days ago', region: '3171', certificates: (now) => [test(now, 'pcr', 'neg', 120)] },
  { label: 'antigen negative, 12 h ago', region: '3171', certificates: (now) => [test(now, 'antigen', 'neg', 12)] },
  { label: 'PCR positive, 2 days ago', region: '3171', certificates: (now) => [test(now, 'pcr', 'pos', 48)] },
  {
    label: 'recovered (positive 40 days ago)',
    region: '3171',
    certificates: (now) => [{ kind: 'recovery', firstPositiveDate: dateBefore(now, 40), expiresAt: now + 140 * DAY }],
  },
  {
    label: 'vaccinated 2/2, exposed 2 days ago',
    region: '3171',
    certificates: (now) => [vaccination(now, 2, 2, 30)],
    exposedAgo: 2 * DAY,
  },
  {
    label: 'visitor from Bali, vaccinated 2/2',
    region: '5171',
    certificates: (now) => [vaccination(now, 2, 2, 30)],
  },
  {
    label: 'visitor from Bali, 2/2 + PCR neg 24 h',
    region: '5171',
    certificates: (now) => [vaccination(now, 2, 2, 30), test(now, 'pcr', 'neg', 24)],
  },
];

export interface DryRunCell {
  readonly category: string;
  readonly outcome: Outcome;
  readonly reasons: readonly Reason[];
}

export interface DryRunRow {
  readonly person: string;
  readonly status?: Status;
  readonly cells: readonly DryRunCell[];
}

/** Decide every example person at a venue of every category of `payload`, at `now`. */
export function dryRunPolicy(payload: BundlePayload, now: UnixSeconds): DryRunRow[] {
  const pair = keyPairFromSeed(new Uint8Array(randomBytes(32)));
  const kid = keyIdOf(pair.publicKey);
  const bundle: BundlePayload = {
    ...payload,
    keys: [
      ...payload.keys,
      {
        kid,
        publicKey: toBase64Url(pair.publicKey),
        role: 'certificate',
        validFrom: now - 400 * DAY,
        validTo: now + 400 * DAY,
      },
    ],
  };
  const ctx = { bundle, now, trustedTime: now, appVersion: payload.minAppVersion };
  return EXAMPLE_PEOPLE.map((person, p) => {
    const certs: SignedCertificate[] = person.certificates(now).map((draft, i) => {
      const certificate = {
        ...draft,
        id: `DRYRUN${p}X${i}`,
        holder: { name: person.label.slice(0, 80), birthDate: '1990-01-01', region: person.region },
        kid,
        // Issued before it expired (an old test was issued days ago); never after now.
        issuedAt: Math.min(now - HOUR, draft.expiresAt - HOUR),
      } as Certificate;
      const decoded = decodeCertificate(encodeCertificate(certificate, pair.secretKey));
      if (!decoded.ok)
        throw new Error(`dry-run certificate does not decode: ${decoded.error.code} ${decoded.error.detail ?? ''}`);
      return decoded.value;
    });
    const extras = person.exposedAgo === undefined ? {} : { confirmedExposures: [now - person.exposedAgo] };
    let status: Status | undefined;
    const cells = bundle.categories.map(({ code }) => {
      const venue: Venue = {
        id: 'DRYRUN00',
        name: 'Dry run',
        address: 'Dry run',
        category: code,
        region: DRY_RUN_VENUE_REGION,
        capacity: 100,
        stayMinutes: 60,
        kid,
        issuedAt: now,
      };
      const decision = decidePerson(certs, person.region, venue, ctx, extras);
      status ??= decision.status;
      return { category: code, outcome: decision.outcome, reasons: decision.reasons };
    });
    return { person: person.label, ...(status ? { status } : {}), cells };
  });
}

/** The decision table as fixed-width text (outcomes in words: readable without colour). */
export function formatDryRun(rows: readonly DryRunRow[]): string {
  if (rows.length === 0) return '';
  const categories = rows[0].cells.map((c) => c.category);
  const header = ['person', 'status', ...categories];
  const body = rows.map((r) => [r.person, r.status ?? '-', ...r.cells.map((c) => c.outcome)]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

/** Rules that failed to evaluate for some example person: a policy bug every phone would hit. */
export function ruleErrors(rows: readonly DryRunRow[]): string[] {
  const ids = new Set<string>();
  for (const r of rows)
    for (const c of r.cells)
      for (const reason of c.reasons) {
        if (reason.code === 'RULE_ERROR' && reason.ruleId) ids.add(reason.ruleId);
      }
  return [...ids];
}
