/**
 * The EU DCC benchmark's Node half and its section of docs/BENCHMARKS.md (`npm run bench -- --only dcc`).
 *
 * run.ts times the cases of dcc-cases.ts in Node and in Chromium. This module adds the side-by-side run with a
 * published verifier, the Italian Ministry of Health's `dcc-utils` (npm, dev dependency, bench only), on the same
 * certificates: our own (valid ES256 and PS256, and each way one can be wrong) and the 22 EU test samples.
 * dcc-utils needs Node (zlib, Buffer, node:crypto under cose-js, jimp), so both verifiers run here, in Node, one
 * after the other per certificate. It checks only structure and signature (no time, key usage, schema or
 * revocation): its verdict is "decodes and the signature verifies", ours is core's `inspectDcc(...).valid`.
 */

import { createPublicKey } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { type DccCheck, type DccSigner, inspectDcc } from '../../src/core/dcc';
import { DAY, NOW } from '../../test/support/authority';
import { makeSigner, PAYLOADS, signDcc, type TestSigner } from '../../test/support/dcc-sign';
import { signerFromCertificate } from '../../test/support/dcc-signers';
import type { BenchResult } from './cases';
import { type DccBenchSigners, type DccFixtures, issueDcc, vaccinationDcc } from './dcc-fixtures';

export const DCC_START = '<!-- bench-dcc:start -->';
export const DCC_END = '<!-- bench-dcc:end -->';
/** The issue's targets, medians in Chromium. */
const ES256_TARGET_MS = 5;
/** The SMART Health Cards issue: decode + verify a card ≤ 5 ms median in Chromium. */
const SHC_TARGET_MS = 5;
const PS256_TARGET_MS = 10;
const DOOR_TARGET_MS = 2;

interface DccUtilsDcc {
  checkSignatureWithCertificate(pem: string): Promise<unknown>;
}
interface DccUtils {
  DCC: { fromRaw(text: string): Promise<DccUtilsDcc> };
}
const dccUtils = createRequire(import.meta.url)('dcc-utils') as DccUtils;

interface Case {
  readonly name: string;
  readonly alg: 'ES256' | 'PS256';
  readonly text: string;
  readonly signer: DccSigner;
  /** SPKI or X.509 PEM of the same key, for dcc-utils. */
  readonly pem: string;
  readonly at: number;
  /** What the hcert spec (and, for the EU samples, their EXPECTEDRESULTS) says. */
  readonly valid: boolean;
  /**
   * An EU sample's verdict covers only the steps it states (EXPECTEDRESULTS; e.g. no time check without
   * EXPECTEDEXPIRATIONCHECK); our own certificates are judged on every check.
   */
  readonly stated?: readonly DccCheck[];
}

export interface SideBySideRow {
  readonly name: string;
  readonly alg: string;
  readonly expected: boolean;
  readonly singgah: { readonly valid: boolean; readonly why: string; readonly medianMs: number };
  readonly dccUtils: { readonly valid: boolean; readonly why: string; readonly medianMs: number };
}

const spkiPem = (s: TestSigner) => createPublicKey(s.privateKey).export({ type: 'spki', format: 'pem' }).toString();
const certPem = (derBase64: string) =>
  `-----BEGIN CERTIFICATE-----\n${derBase64.match(/.{1,64}/g)?.join('\n')}\n-----END CERTIFICATE-----\n`;

/** The EU samples' flags → core's checks (as test/core/dcc/eu-samples.test.ts maps them). */
const FLAG_CHECKS: Record<string, readonly DccCheck[]> = {
  EXPECTEDUNPREFIX: ['prefix'],
  EXPECTEDB45DECODE: ['base45'],
  EXPECTEDCOMPRESSION: ['decompress'],
  EXPECTEDDECODE: ['cose', 'cbor'],
  EXPECTEDVERIFY: ['signature'],
  EXPECTEDKEYUSAGE: ['keyUsage'],
  EXPECTEDEXPIRATIONCHECK: ['time'],
  EXPECTEDSCHEMAVALIDATION: ['schema'],
  EXPECTEDVALIDJSON: ['cbor'],
  EXPECTEDVALIDOBJECT: ['cose'],
};

interface EuSample {
  PREFIX: string;
  TESTCTX: { CERTIFICATE: string; VALIDATIONCLOCK: string };
  EXPECTEDRESULTS: Record<string, boolean>;
}

function euSamples(root: string): Case[] {
  const dir = join(root, 'test', 'vectors', 'eu-dcc');
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) =>
      readdirSync(join(dir, d.name))
        .filter((f) => f.endsWith('.json'))
        .map((f) => {
          const s = JSON.parse(readFileSync(join(dir, d.name, f), 'utf8')) as EuSample;
          const signer = signerFromCertificate(s.TESTCTX.CERTIFICATE);
          return {
            name: `EU ${d.name}/${f.replace('.json', '')}`,
            alg: signer.alg,
            text: s.PREFIX,
            signer,
            pem: certPem(s.TESTCTX.CERTIFICATE),
            at: Math.floor(Date.parse(s.TESTCTX.VALIDATIONCLOCK) / 1000),
            // Valid when no step the sample states is expected to fail (the picture is not ours to read).
            valid: Object.entries(s.EXPECTEDRESULTS).every(([k, v]) => v || k === 'EXPECTEDPICTUREDECODE'),
            stated: [...new Set(Object.keys(s.EXPECTEDRESULTS).flatMap((k) => FLAG_CHECKS[k] ?? []))],
          };
        }),
    );
}

/** Our own certificates: both algorithms valid, and the ways one can be wrong that a verifier must see. */
function ownCases({ es, ps }: DccBenchSigners, f: DccFixtures): Case[] {
  const budi = PAYLOADS.v.nam;
  const payload = vaccinationDcc(budi, '1985-04-12', 2, 2, 60 * DAY);
  const other = makeSigner('ES256', { country: 'ID' });
  const testsOnly = makeSigner('ES256', { country: 'ID', usages: ['t'] });
  const flip = (bytes: Uint8Array) => Uint8Array.from(bytes, (b, i) => (i === bytes.length - 3 ? b ^ 1 : b));
  const own = (name: string, by: TestSigner, text: string, valid: boolean): Case => ({
    name,
    alg: by.signer.alg,
    text,
    signer: by.signer,
    pem: spkiPem(by),
    at: NOW,
    valid,
  });
  const iat = NOW - 100 * DAY;
  const exp = NOW + 265 * DAY;
  return [
    own('ours: vaccination, valid', es, f.es256, true),
    own('ours: vaccination, valid', ps, f.ps256, true),
    own(
      'ours: high-S signature (not normalised), valid',
      es,
      signDcc({ by: es, payload, iat, exp, highS: true }),
      true,
    ),
    own(
      'ours: kid only in the unprotected header, valid',
      es,
      signDcc({ by: es, payload, iat, exp, kid: 'unprotected' }),
      true,
    ),
    own('ours: untagged COSE_Sign1, valid', es, signDcc({ by: es, payload, iat, exp, wrap: 'none' }), true),
    own('ours: payload altered after signing', es, signDcc({ by: es, payload, iat, exp, tamper: flip }), false),
    own('ours: payload altered after signing', ps, signDcc({ by: ps, payload, iat, exp, tamper: flip }), false),
    own(
      'ours: trusted kid, another key signed',
      es,
      signDcc({ by: { ...other, kid: es.kid }, payload, iat, exp }),
      false,
    ),
    own('ours: expired (exp yesterday)', es, signDcc({ by: es, payload, iat, exp: NOW - DAY }), false),
    own('ours: not yet valid (iat tomorrow)', es, signDcc({ by: es, payload, iat: NOW + DAY, exp }), false),
    own('ours: vaccination by a test-only signer', testsOnly, issueDcc(testsOnly, payload), false),
    own(
      'ours: trailing bytes after the COSE',
      es,
      signDcc({ by: es, payload, iat, exp, trailing: Uint8Array.of(0) }),
      false,
    ),
    own('ours: not zlib-compressed', es, signDcc({ by: es, payload, iat, exp, compress: false }), false),
  ];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

async function timed(runs: number, fn: () => Promise<void> | void): Promise<number> {
  const samples: number[] = [];
  await fn(); // warm
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    samples.push(performance.now() - t);
  }
  return median(samples);
}

async function dccUtilsVerdict(c: Case): Promise<{ valid: boolean; why: string }> {
  try {
    const dcc = await dccUtils.DCC.fromRaw(c.text);
    const ok = await dcc.checkSignatureWithCertificate(c.pem);
    return ok ? { valid: true, why: '' } : { valid: false, why: 'signature' };
  } catch (e) {
    return { valid: false, why: (e instanceof Error ? e.message : String(e)).split('\n')[0].slice(0, 60) };
  }
}

export async function runDccSideBySide(
  root: string,
  signers: DccBenchSigners,
  fixtures: DccFixtures,
  scale: number,
  log: (line: string) => void,
): Promise<SideBySideRow[]> {
  const runs = Math.max(10, Math.round(40 * scale));
  const rows: SideBySideRow[] = [];
  for (const c of [...ownCases(signers, fixtures), ...euSamples(root)]) {
    const ours = () => inspectDcc(c.text, { at: c.at, signers: [c.signer] });
    const r = ours();
    const { stated } = c;
    const oursValid = stated ? stated.every((k) => r.checks[k] === true) : r.valid;
    const theirs = await dccUtilsVerdict(c);
    // Alternating per certificate, so both see about the same machine load.
    const oursMs = await timed(runs, () => {
      ours();
    });
    const theirsMs = await timed(runs, async () => {
      await dccUtilsVerdict(c);
    });
    const row: SideBySideRow = {
      name: c.name,
      alg: c.alg,
      expected: c.valid,
      singgah: { valid: oursValid, why: r.errors.join(' '), medianMs: oursMs },
      dccUtils: { ...theirs, medianMs: theirsMs },
    };
    rows.push(row);
    log(
      `  node     ${c.name.padEnd(52)} ${c.alg} expected ${c.valid ? 'valid  ' : 'invalid'} singgah ${oursValid ? 'valid  ' : 'invalid'} ${oursMs.toFixed(3)} ms  dcc-utils ${theirs.valid ? 'valid  ' : 'invalid'} ${theirsMs.toFixed(3)} ms`,
    );
  }
  return rows;
}

// ─── The section ───────────────────────────────────────────────────────────────────────────────────────

const ms = (x: number | undefined) =>
  x === undefined || !Number.isFinite(x) ? '—' : x < 0.1 ? x.toFixed(4) : x < 10 ? x.toFixed(3) : x.toFixed(1);
const verdict = (v: boolean) => (v ? 'valid' : 'invalid');

export interface DccSectionInput {
  readonly machine: string;
  readonly labels: readonly { readonly id: string; readonly label: string }[];
  readonly node: readonly BenchResult[];
  readonly chromium: readonly BenchResult[];
  readonly chromiumFirst?: { readonly es256: number; readonly ps256: number };
  readonly side: readonly SideBySideRow[];
}

export function dccSection(i: DccSectionInput): string {
  const by = (rs: readonly BenchResult[], id: string) => rs.find((r) => r.id === id);
  const cell = (r: BenchResult | undefined, k: 'medianMs' | 'p99Ms') => (!r ? '—' : r.error ? 'error' : ms(r[k]));
  const rows = i.labels.map(({ id, label }) => {
    const n = by(i.node, id);
    const b = by(i.chromium, id);
    const samples = n ? `${n.iterations} × ${n.batch}${b && b.batch !== n.batch ? ` / ${b.batch}` : ''}` : '—';
    return `| ${label} | ${samples} | ${cell(n, 'medianMs')} | ${cell(n, 'p99Ms')} | ${cell(b, 'medianMs')} | ${cell(b, 'p99Ms')} |`;
  });
  const target = (id: string, limit: number, what: string) => {
    const r = by(i.chromium, id);
    if (!r || r.error) return `- ${what} ≤ ${limit} ms median in Chromium: not measured (${r?.error ?? 'no run'}).`;
    return `- ${what} ≤ ${limit} ms median in Chromium: **${r.medianMs <= limit ? 'MET' : 'NOT MET'}** — ${ms(r.medianMs)} ms (p99 ${ms(r.p99Ms)} ms).`;
  };
  const first = i.chromiumFirst
    ? `- The page's very first verification (cold JIT, nothing cached): ES256 ${ms(i.chromiumFirst.es256)} ms, PS256 ${ms(i.chromiumFirst.ps256)} ms.`
    : '- The page’s very first verification: not measured.';

  const side = i.side;
  const disagree = side.filter((r) => r.singgah.valid !== r.dccUtils.valid);
  const wrong = (v: boolean, r: SideBySideRow) => v !== r.expected;
  const sideRows = side.map(
    (r) =>
      `| ${r.name} | ${r.alg} | ${verdict(r.expected)} | ${verdict(r.singgah.valid)}${r.singgah.why ? ` (${r.singgah.why})` : ''} | ${verdict(r.dccUtils.valid)}${r.dccUtils.why ? ` (${r.dccUtils.why.replace(/\|/g, '/')})` : ''} | ${ms(r.singgah.medianMs)} | ${ms(r.dccUtils.medianMs)} |`,
  );
  const medianOf = (alg: string, k: 'singgah' | 'dccUtils') => {
    const xs = side.filter((r) => r.alg === alg && r.expected && r.singgah.valid).map((r) => r[k].medianMs);
    return xs.length === 0 ? undefined : median(xs);
  };
  const summary = [
    `- Agreement: same verdict on **${side.length - disagree.length} of ${side.length}** certificates. Singgah matches the expected verdict on ${side.filter((r) => !wrong(r.singgah.valid, r)).length}, dcc-utils on ${side.filter((r) => !wrong(r.dccUtils.valid, r)).length}.`,
    ...disagree.map(
      (r) =>
        `  - ${r.name} (${r.alg}): Singgah ${verdict(r.singgah.valid)}, dcc-utils ${verdict(r.dccUtils.valid)}; the spec says ${verdict(r.expected)}: **${wrong(r.singgah.valid, r) ? 'dcc-utils' : 'Singgah'} is right**.`,
    ),
    `- Time, median of the per-certificate medians over the valid ones: ES256 Singgah ${ms(medianOf('ES256', 'singgah'))} ms vs dcc-utils ${ms(medianOf('ES256', 'dccUtils'))} ms; PS256 Singgah ${ms(medianOf('PS256', 'singgah'))} ms vs dcc-utils ${ms(medianOf('PS256', 'dccUtils'))} ms (Node; dcc-utils does less: no schema, time or key-usage checks).`,
  ];
  return `${DCC_START}
<!-- Generated by \`npm run bench\` (scripts/bench/run.ts, scripts/bench/dcc.ts); edits between these markers are overwritten. -->

${i.machine}

| Case | Samples × calls | Node median | Node p99 | Chromium median | Chromium p99 |
| --- | --: | --: | --: | --: | --: |
${rows.join('\n')}

${target('dcc-es256', ES256_TARGET_MS, 'HC1: decode + verify, ES256, uncached')}
${target('dcc-ps256', PS256_TARGET_MS, 'HC1: decode + verify, PS256, uncached')}
${target('shc-es256', SHC_TARGET_MS, 'shc:/ decode + verify (SMART Health Card), ES256')}
${target('dcc-door', DOOR_TARGET_MS, 'Family decision at the door with DCCs in the family')}
${target('shc-door', DOOR_TARGET_MS, 'Family decision at the door with a SMART Health Card in the family')}
${first}

Side by side with [dcc-utils](https://www.npmjs.com/package/dcc-utils) 0.4.0, in Node (it cannot run in a browser), same certificates, same run. An EU sample is judged on the steps its EXPECTEDRESULTS state; a code in brackets after "valid" is a check outside them that core also failed:

| Certificate | Alg | Expected (hcert spec / sample) | Singgah | dcc-utils | Singgah median ms | dcc-utils median ms |
| --- | --- | --- | --- | --- | --: | --: |
${sideRows.join('\n')}

${summary.join('\n')}
${DCC_END}`;
}
