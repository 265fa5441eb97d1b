/**
 * The EU DCC benchmark cases, runtime-neutral like cases.ts (Node, and bundled by Vite into the Chromium page
 * of dcc-browser.ts). The certificates come in as JSON (dcc-fixtures.ts, signed in Node).
 *
 * - dcc-es256 / dcc-ps256: `HC1:` text → verified DCC (prefix, base45, inflate, CBOR, COSE, schema, signature,
 *   key usage, time) through the app's path, `verifyHeldDcc`, on a bundle object never seen: nothing cached.
 * - shc-es256: a SMART Health Card's `shc:/` text → verified card (numeric, JWS, raw DEFLATE, payload, ES256, time,
 *   facts) through the app's path, `verifyHeldShc`, on a bundle object never seen: nothing cached.
 * - shc-door: dcc-door with a visitor holding a SMART Health Card (two doses, a PCR) added to the family.
 * - dcc-door / dcc-warm / dcc-cold: the family decision of cases.ts (door: a venue QR never seen, the family's
 *   certificates already verified under the bundle; warm: the same venue again; cold: a bundle nothing was
 *   verified under), with a family holding DCCs of both algorithms.
 */
import type { BundlePayload } from '../../src/core/bundle';
import { decodeHeldCertificate } from '../../src/core/dcc-codec';
import { decidePerson } from '../../src/core/eligibility';
import type { HeldCertificate } from '../../src/core/held-certificate';
// Evaluated for its effect too: it installs the DCC codec core's decision reaches (core/dcc-codec.ts).
import { verifyHeldDcc } from '../../src/core/held-dcc';
// Likewise for SMART Health Cards.
import { verifyHeldShc } from '../../src/core/held-shc';
import { verifyVenue } from '../../src/core/venue';
import { makeBundlePayload, NOW } from '../../test/support/authority';
import { type BenchCase, contextFor, expectAllowed, scanVenue, VENUE_LINK, venuePool } from './cases';
import type { DccFixtures } from './dcc-fixtures';

interface Member {
  readonly region: string;
  readonly certificates: readonly HeldCertificate[];
}

function decodeAll(codes: readonly string[]): HeldCertificate[] {
  return codes.map((code) => {
    const d = decodeHeldCertificate(code);
    if (!d.ok) throw new Error(`fixture certificate: ${d.error.code}`);
    return d.value;
  });
}

/** The first verification of each algorithm in this runtime (cold JIT, nothing cached), in ms. */
export function firstVerifyMs(f: DccFixtures): { es256: number; ps256: number } {
  const bundle = makeBundlePayload({ dccSigners: [...f.signers] });
  const time = (text: string) => {
    const t = performance.now();
    const r = verifyHeldDcc(text, { ...bundle }, NOW);
    const ms = performance.now() - t;
    if (!r.ok) throw new Error(`first verify: ${r.error.code}`);
    return ms;
  };
  return { es256: time(f.es256), ps256: time(f.ps256) };
}

export function dccBenchCases(f: DccFixtures, scale = 1): BenchCase[] {
  const n = (x: number) => Math.max(5, Math.round(x * scale));
  const bundle = makeBundlePayload({ dccSigners: [...f.signers], shcIssuers: [...f.shcIssuers] });
  const family: Member[] = f.family.map((m) => ({ region: m.region, certificates: decodeAll(m.codes) }));
  // A visitor from abroad (no Indonesian region) with a SMART Health Card joins the family for shc-door.
  const withVisitor: Member[] = [...family, { region: '', certificates: decodeAll([f.shcVisitor]) }];
  const certCount = family.reduce((k, m) => k + m.certificates.length, 0);
  const dccCount = f.family.reduce((k, m) => k + m.codes.filter((c) => c.startsWith('HC1:')).length, 0);
  const decideFamily = (link: string, b: BundlePayload, members = family) => {
    const v = verifyVenue(scanVenue(link), b);
    if (!v.ok) throw new Error(v.error.code);
    const ctx = contextFor(b);
    return members.map((m) => decidePerson(m.certificates, m.region, v.value.venue, ctx).outcome);
  };
  const verifyOnce = (text: string) => () => {
    const r = verifyHeldDcc(text, { ...bundle }, NOW);
    if (!r.ok) throw new Error(r.error.code);
  };
  // As in cases.ts: core's caches hold 2048 entries per bundle object, so the door case's new venues are
  // spread over several bundle objects, each with the family decided once beforehand.
  const PER_BUNDLE = 1500;
  let pool: string[] = [];
  let doorBundles: BundlePayload[] = [];
  let next = 0;
  let warmBundle = bundle;
  const family$ = `${family.length} people, ${certCount} certificates of which ${dccCount} DCCs`;
  return [
    {
      id: 'dcc-es256',
      label: 'HC1: decode + verify, ES256 (P-256, @noble/curves), uncached: `verifyHeldDcc` on a new bundle',
      iterations: n(300),
      run: verifyOnce(f.es256),
    },
    {
      id: 'dcc-ps256',
      label: 'HC1: decode + verify, PS256 (RSA-PSS 2048, BigInt), uncached: `verifyHeldDcc` on a new bundle',
      iterations: n(300),
      run: verifyOnce(f.ps256),
    },
    {
      id: 'shc-es256',
      label:
        'shc:/ decode + verify, ES256 (P-256, @noble/curves), two-dose card, uncached: `verifyHeldShc` on a new bundle',
      iterations: n(300),
      run: () => {
        const r = verifyHeldShc(f.shc.join('\n'), { ...bundle }, NOW);
        if (!r.ok) throw new Error(r.error.code);
      },
    },
    {
      id: 'shc-door',
      label: `Family decision at the door with a SMART Health Card (${family$}, + a visitor's card), new venue QR`,
      iterations: n(2000),
      warmup: 20,
      prepare: (calls) => {
        doorBundles = Array.from({ length: Math.ceil(calls / PER_BUNDLE) }, () => ({ ...bundle }));
        for (const b of doorBundles) expectAllowed(decideFamily(VENUE_LINK, b, withVisitor));
        pool = venuePool(calls);
        next = 0;
      },
      run: () => {
        const i = next++;
        if (i >= pool.length) throw new Error('venue pool exhausted');
        expectAllowed(decideFamily(pool[i], doorBundles[Math.floor(i / PER_BUNDLE)], withVisitor));
      },
    },
    {
      id: 'dcc-door',
      label: `Family decision at the door with DCCs (${family$}, already verified under this bundle): new venue QR`,
      iterations: n(2000),
      warmup: 20,
      prepare: (calls) => {
        doorBundles = Array.from({ length: Math.ceil(calls / PER_BUNDLE) }, () => ({ ...bundle }));
        for (const b of doorBundles) expectAllowed(decideFamily(VENUE_LINK, b));
        pool = venuePool(calls);
        next = 0;
      },
      run: () => {
        const i = next++;
        if (i >= pool.length) throw new Error('venue pool exhausted');
        expectAllowed(decideFamily(pool[i], doorBundles[Math.floor(i / PER_BUNDLE)]));
      },
    },
    {
      id: 'dcc-warm',
      label: 'Family decision with DCCs, warm: the same venue again (every signature check cached)',
      iterations: n(2000),
      prepare: () => {
        warmBundle = { ...bundle };
        expectAllowed(decideFamily(VENUE_LINK, warmBundle));
      },
      run: () => expectAllowed(decideFamily(VENUE_LINK, warmBundle)),
    },
    {
      id: 'dcc-cold',
      label: `Family decision with DCCs, cold: nothing verified under this bundle (1 venue + ${certCount} certificate verifies)`,
      iterations: n(50),
      run: () => expectAllowed(decideFamily(VENUE_LINK, { ...bundle })),
    },
  ];
}
