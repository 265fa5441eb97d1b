/**
 * The benchmark cases, runtime-neutral: the same module runs in Node (scripts/bench/run.ts) and, bundled by
 * Vite, in Chromium (scripts/bench/browser.ts). Only core, the deterministic test authority, certlogic-js
 * and `performance.now()` are used.
 *
 * Core memoizes signature and key checks per bundle object (src/core/bundle.ts, verifyWithBundleKey), so
 * the family decision is measured in three states:
 * - door:  a venue QR never seen before (1 Ed25519 verify), the family's certificates already verified
 *          under the current bundle (e.g. for the Home screen's status) — the usual scan at a door;
 * - warm:  the same venue again — every signature check is a cache hit;
 * - cold:  a bundle object nothing was verified under (first decision after start or a bundle update):
 *          1 venue + 11 certificate verifies.
 */
import * as ed from '@noble/ed25519';
import { evaluate } from 'certlogic-js';
import nacl from 'tweetnacl';
import { type BundlePayload, type EntryRule, signBundle, verifyBundle } from '../../src/core/bundle';
import { type Certificate, decodeCertificate, type SignedCertificate } from '../../src/core/certificate';
import { domainMessage } from '../../src/core/ed25519';
import {
  type DecisionContext,
  decidePerson,
  factsOf,
  rulesInForce,
  validCertificates,
} from '../../src/core/eligibility';
import { parseScanned, qrText, venueLink } from '../../src/core/qr-link';
import { MAX_TIME, MIN_TIME } from '../../src/core/schema';
import { type SignedVenue, type Venue, verifyVenue } from '../../src/core/venue';
import {
  anchor,
  certKey,
  DAY,
  HOUR,
  kaltimOffice,
  makeBundlePayload,
  NOW,
  pcr,
  policy,
  root,
  signCertificate,
  signVenue,
  vaccination,
} from '../../test/support/authority';

// ─── Fixtures ───────────────────────────────────────────────────────────────────────────────────────

const bundle = makeBundlePayload();
const APP_VERSION = '0.1.0';
export const contextFor = (b: BundlePayload): DecisionContext => ({
  bundle: b,
  now: NOW,
  trustedTime: NOW - DAY,
  appVersion: APP_VERSION,
});
const ORIGIN = 'https://singgah.id';
const linkOf = (v: Venue) => qrText(venueLink(ORIGIN, signVenue(v)));
export const VENUE_LINK = linkOf(kaltimOffice);

interface Member {
  readonly name: string;
  readonly region: string;
  readonly certificates: readonly SignedCertificate[];
}

function stored(c: Certificate, name: string, birthDate: string): SignedCertificate {
  const d = decodeCertificate(signCertificate({ ...c, holder: { name, birthDate, region: c.holder.region } }));
  if (!d.ok) throw new Error(`fixture certificate: ${d.error.code}`);
  return d.value;
}

function antigen(sampleTime: number, region: string): Certificate {
  const t = pcr('neg', sampleTime, region);
  return t.kind === 'test' ? { ...t, testType: 'antigen' } : t;
}

function member(name: string, birthDate: string, region: string, certs: readonly Certificate[]): Member {
  return { name, region, certificates: certs.map((c) => stored(c, name, birthDate)) };
}

/** A family at the Kaltim governor's office: three residents and a visitor from Semarang with a PCR. */
export const FAMILY: readonly Member[] = [
  member('Budi Santoso', '1985-04-12', '6472', [
    vaccination(1, 2, '2026-04-01', '6472'),
    vaccination(2, 2, '2026-05-01', '6472'),
    vaccination(3, 3, '2026-10-01', '6472'),
  ]),
  member('Siti Aminah', '1988-09-30', '6472', [
    vaccination(1, 2, '2026-04-02', '6472'),
    vaccination(2, 2, '2026-05-02', '6472'),
  ]),
  member('Rina Santoso', '2012-02-14', '6472', [
    vaccination(1, 2, '2026-06-10', '6472'),
    vaccination(2, 2, '2026-07-10', '6472'),
    antigen(NOW - 5 * HOUR, '6472'),
  ]),
  member('Andi Wijaya', '1979-12-01', '3374', [
    vaccination(1, 2, '2026-03-01', '3374'),
    vaccination(2, 2, '2026-04-01', '3374'),
    pcr('neg', NOW - 20 * HOUR, '3374'),
  ]),
];
const CERT_COUNT = FAMILY.reduce((n, m) => n + m.certificates.length, 0);

export function scanVenue(link: string): SignedVenue {
  const s = parseScanned(link);
  if (!s.ok || s.value.kind !== 'venue') throw new Error('venue link');
  return s.value.signed;
}
const VENUE = scanVenue(VENUE_LINK).venue;

/** The timed path at the door: scanned text → venue decode + verify → one decision per family member. */
export function familyDecision(link: string, b: BundlePayload): string[] {
  const v = verifyVenue(scanVenue(link), b);
  if (!v.ok) throw new Error(v.error.code);
  const ctx = contextFor(b);
  return FAMILY.map((m) => decidePerson(m.certificates, m.region, v.value.venue, ctx).outcome);
}

export function expectAllowed(outcomes: readonly string[]): void {
  if (outcomes.some((o) => o !== 'ALLOWED')) throw new Error(`family: ${outcomes.join(',')}`);
}

/** Verify the family's certificates under `b`, so later decisions find them in core's cache. */
function verifyFamily(b: BundlePayload): void {
  for (const m of FAMILY) {
    if (validCertificates(m.certificates, b, NOW).length !== m.certificates.length) throw new Error('certificates');
  }
}

/** Distinct venue QR codes (new payloads, so never in the cache), signed ahead of the timed loop. */
export function venuePool(n: number): string[] {
  return Array.from({ length: n }, (_, i) =>
    linkOf({ ...kaltimOffice, id: `KGKT${String(i).padStart(5, '0')}`, name: `Kantor Gubernur Kaltim ${i}` }),
  );
}

// Rule evaluation without signature checks: the same steps as core's statusOf/decidePerson after
// validCertificates (facts, status rules first match, entry rules in force), on the family's real facts.
const iso = (t: number) => new Date(t * 1000).toISOString();
type Logic = Parameters<typeof evaluate>[0];
function rulesOnly(): number {
  let allowed = 0;
  const entry = rulesInForce(bundle.entryRules, VENUE.category, NOW);
  for (const m of FAMILY) {
    const facts = factsOf(m.certificates, m.region, NOW);
    const data = { now: iso(NOW), person: facts };
    const status = bundle.statusRules.find((r) => evaluate(r.logic as Logic, data) === true)?.status ?? 'red';
    const d = {
      ...data,
      person: { ...facts, status },
      venue: { category: VENUE.category, province: VENUE.region.slice(0, 2), region: VENUE.region },
    };
    if (entry.every((r) => evaluate(r.logic as Logic, d) === true)) allowed++;
  }
  return allowed;
}

// ─── Bundles ────────────────────────────────────────────────────────────────────────────────────────

const CATEGORY_CODES = policy.categories.map((c) => c.code);

/** 500 entry rules made from the demo policy's, with varied ids, categories and staged validity windows. */
export function bundleWith500Rules(): string {
  const demo = policy.entryRules;
  const entryRules: EntryRule[] = Array.from({ length: 500 }, (_, i) => {
    const base = demo[i % demo.length];
    const n = 1 + (i % CATEGORY_CODES.length);
    const categories = i % 7 === 0 ? ['*'] : [...CATEGORY_CODES.slice(i % n, (i % n) + n), CATEGORY_CODES[0]];
    return {
      ...base,
      id: `${base.id}-${String(i).padStart(3, '0')}`,
      categories: [...new Set(categories)],
      validFrom: MIN_TIME + (i % 50) * 30 * DAY,
      validTo: MAX_TIME - (i % 13) * DAY,
      description: { id: `${base.description.id} (aturan ${i})`, en: `${base.description.en} (rule ${i})` },
    };
  });
  return signBundle(makeBundlePayload({ entryRules }), [root.secretKey]);
}
const BIG_BUNDLE = bundleWith500Rules();
const BIG_BUNDLE_PAYLOAD = (() => {
  const r = verifyBundle(BIG_BUNDLE, anchor);
  if (!r.ok) throw new Error(`500-rule bundle: ${r.error.code}`);
  return r.value.payload;
})();
const DEMO_BUNDLE = signBundle(bundle, [root.secretKey]);
const utf8Length = (s: string) => new TextEncoder().encode(s).length;
export const BUNDLE_SIZES = {
  demo: utf8Length(DEMO_BUNDLE),
  big: utf8Length(BIG_BUNDLE),
  bigRules: BIG_BUNDLE_PAYLOAD.entryRules.length,
};

// ─── Raw Ed25519 ────────────────────────────────────────────────────────────────────────────────────
// Core's ed25519.ts configures @noble/ed25519's SHA-512 when imported (above, through core's modules).

const ONE = FAMILY[0].certificates[0];
const ONE_MESSAGE = domainMessage('certificate', ONE.blob.payload);
// WebCrypto wants ArrayBuffer-backed views.
const ONE_MESSAGE_AB = new Uint8Array(ONE_MESSAGE);
const ONE_SIG_AB = new Uint8Array(ONE.blob.signature);
const CERT_PUBLIC_AB = new Uint8Array(certKey.publicKey);
let webCryptoKey: CryptoKey | undefined;

// ─── Cases ──────────────────────────────────────────────────────────────────────────────────────────

export interface BenchCase {
  readonly id: string;
  readonly label: string;
  readonly iterations: number;
  /** A fixed number of warm-up calls and one call per sample (cases that consume a pool of inputs). */
  readonly warmup?: number;
  /** Runs once before timing; may reject where a feature is missing. */
  readonly prepare?: (calls: number) => Promise<void> | void;
  readonly run: () => unknown;
}

export interface BenchResult {
  readonly id: string;
  readonly label: string;
  /** Timed samples. */
  readonly iterations: number;
  /** Calls per sample: cheap cases are timed in batches so the timer's resolution does not dominate. */
  readonly batch: number;
  readonly medianMs: number;
  readonly p99Ms: number;
  readonly meanMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  readonly error?: string;
}

/** Iteration counts are fixed per case (the same in Node and Chromium) and scaled by `scale`. */
export function benchCases(scale = 1): BenchCase[] {
  const n = (x: number) => Math.max(5, Math.round(x * scale));
  // Core's cache holds up to 2048 checks per bundle object, then starts over: spread the door case's new
  // venues over several pre-warmed bundle objects so the family's certificates stay cached throughout.
  const PER_BUNDLE = 1500;
  let pool: string[] = [];
  let doorBundles: BundlePayload[] = [];
  let next = 0;
  let warmBundle: BundlePayload = bundle;
  return [
    {
      id: 'door',
      label: `Family decision at the door: new venue QR decode + verify, decidePerson × 4 (${CERT_COUNT} certificates already verified under this bundle)`,
      iterations: n(2000),
      warmup: 20,
      prepare: (calls) => {
        doorBundles = Array.from({ length: Math.ceil(calls / PER_BUNDLE) }, () => ({ ...bundle }));
        doorBundles.forEach(verifyFamily);
        pool = venuePool(calls);
        next = 0;
      },
      run: () => {
        const i = next++;
        if (i >= pool.length) throw new Error('venue pool exhausted');
        expectAllowed(familyDecision(pool[i], doorBundles[Math.floor(i / PER_BUNDLE)]));
      },
    },
    {
      id: 'warm',
      label: 'Family decision, warm: the same venue again (every signature check cached)',
      iterations: n(2000),
      prepare: () => {
        warmBundle = { ...bundle };
        expectAllowed(familyDecision(VENUE_LINK, warmBundle));
      },
      run: () => expectAllowed(familyDecision(VENUE_LINK, warmBundle)),
    },
    {
      id: 'cold',
      label: `Family decision, cold: nothing verified under this bundle yet (1 venue + ${CERT_COUNT} certificate verifies)`,
      iterations: n(50),
      run: () => expectAllowed(familyDecision(VENUE_LINK, { ...bundle })),
    },
    {
      id: 'venue-decode',
      label: '↳ venue QR: parseScanned (decode only)',
      iterations: n(2000),
      run: () => parseScanned(VENUE_LINK),
    },
    {
      id: 'venue-verify',
      label: '↳ venue QR: parseScanned + verifyVenue, uncached (1 Ed25519 verify)',
      iterations: n(300),
      run: () => {
        if (!verifyVenue(scanVenue(VENUE_LINK), { ...bundle }).ok) throw new Error('venue');
      },
    },
    {
      id: 'cert-verify',
      label: `↳ certificates: verifyCertificate × ${CERT_COUNT}, uncached (${CERT_COUNT} Ed25519 verifies)`,
      iterations: n(50),
      run: () => verifyFamily({ ...bundle }),
    },
    {
      id: 'cert-verify-cached',
      label: `↳ certificates: verifyCertificate × ${CERT_COUNT}, cached`,
      iterations: n(2000),
      prepare: () => verifyFamily(bundle),
      run: () => verifyFamily(bundle),
    },
    {
      id: 'rules',
      label: '↳ rules: facts + CertLogic status and entry rules × 4 (no signature checks)',
      iterations: n(2000),
      run: () => {
        if (rulesOnly() !== FAMILY.length) throw new Error('rules');
      },
    },
    {
      id: 'ed25519-noble',
      label: 'Ed25519 verify, @noble/ed25519 (what core uses), 1 certificate',
      iterations: n(1000),
      run: () => {
        if (!ed.verify(ONE.blob.signature, ONE_MESSAGE, certKey.publicKey, { zip215: false })) throw new Error('sig');
      },
    },
    {
      id: 'ed25519-tweetnacl',
      label: 'Ed25519 verify, tweetnacl (core before 3dd7ce6), 1 certificate',
      iterations: n(300),
      run: () => {
        if (!nacl.sign.detached.verify(ONE_MESSAGE, ONE.blob.signature, certKey.publicKey)) throw new Error('sig');
      },
    },
    {
      id: 'ed25519-webcrypto',
      label: 'Ed25519 verify, WebCrypto (alternative, async), 1 certificate',
      iterations: n(2000),
      prepare: async () => {
        webCryptoKey = await crypto.subtle.importKey('raw', CERT_PUBLIC_AB, { name: 'Ed25519' }, false, ['verify']);
      },
      run: async () => {
        const ok = await crypto.subtle.verify(
          { name: 'Ed25519' },
          webCryptoKey as CryptoKey,
          ONE_SIG_AB,
          ONE_MESSAGE_AB,
        );
        if (!ok) throw new Error('sig');
      },
    },
    {
      id: 'bundle-demo',
      label: `verifyBundle, demo bundle (${bundle.statusRules.length} status + ${bundle.entryRules.length} entry rules, ${BUNDLE_SIZES.demo.toLocaleString('en-US')} bytes)`,
      iterations: n(200),
      run: () => {
        if (!verifyBundle(DEMO_BUNDLE, anchor).ok) throw new Error('bundle');
      },
    },
    {
      id: 'bundle-500',
      label: `verifyBundle, ${BUNDLE_SIZES.bigRules} entry rules (${BUNDLE_SIZES.big.toLocaleString('en-US')} bytes): Ed25519 + parse + schema + CertLogic validation`,
      iterations: n(60),
      run: () => {
        if (!verifyBundle(BIG_BUNDLE, anchor).ok) throw new Error('bundle');
      },
    },
    {
      id: 'warm-500',
      label: 'Family decision, warm, against the 500-rule bundle',
      iterations: n(500),
      prepare: () => {
        familyDecision(VENUE_LINK, BIG_BUNDLE_PAYLOAD);
      },
      run: () => familyDecision(VENUE_LINK, BIG_BUNDLE_PAYLOAD),
    },
  ];
}

const percentile = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];

/**
 * Time one case: warm up, pick a batch size so one sample lasts ≥ 2 ms (coarse timers), then take
 * `iterations` samples of `batch` calls each. Cases with a fixed `warmup` get exactly that many warm-up
 * calls and one call per sample.
 */
export async function runCase(c: BenchCase): Promise<BenchResult> {
  const base = { id: c.id, label: c.label };
  try {
    await c.prepare?.(1 + (c.warmup ?? 0) + c.iterations);
    // The first call tells sync from async cases; sync ones are timed without an await per call.
    const first = c.run();
    const isAsync = first instanceof Promise;
    if (isAsync) await first;
    const calls = async (k: number) => {
      if (isAsync) for (let j = 0; j < k; j++) await c.run();
      else for (let j = 0; j < k; j++) c.run();
    };
    let batch = 1;
    if (c.warmup !== undefined) {
      await calls(c.warmup);
    } else {
      // At least 20 calls and 300 ms (JIT tiers, lazy inits), at most ~3 s.
      const w0 = performance.now();
      let warm = 0;
      while (warm < 20 || performance.now() - w0 < 300) {
        await calls(1);
        warm++;
        if (warm >= 5 && performance.now() - w0 > 3000) break;
      }
      batch = Math.max(1, Math.ceil(2 / ((performance.now() - w0) / warm)));
    }
    const samples: number[] = [];
    for (let i = 0; i < c.iterations; i++) {
      const t = performance.now();
      await calls(batch);
      samples.push((performance.now() - t) / batch);
    }
    const sorted = [...samples].sort((a, b) => a - b);
    return {
      ...base,
      iterations: c.iterations,
      batch,
      medianMs: percentile(sorted, 50),
      p99Ms: percentile(sorted, 99),
      meanMs: samples.reduce((a, b) => a + b, 0) / samples.length,
      minMs: sorted[0],
      maxMs: sorted[sorted.length - 1],
    };
  } catch (error) {
    const nan = Number.NaN;
    return {
      ...base,
      iterations: 0,
      batch: 0,
      medianMs: nan,
      p99Ms: nan,
      meanMs: nan,
      minMs: nan,
      maxMs: nan,
      error: error instanceof Error ? error.message : String(error),
    };
  }
}
