/**
 * Our own EU DCCs, made the way an issuer makes them (Node crypto: ES256 with raw r‖s, RSA-PSS with a
 * 32-byte salt; CBOR; zlib; base45) — and every way one can be wrong: wrong or misplaced kid, wrong alg,
 * missing hcert claim, trailing bytes, zip bomb, deep or huge CBOR, expiry, key usage, revocation,
 * tampering. Test-only: core never signs DCCs.
 */
import { constants, createHash, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { encodeCbor, Tag } from '../../server/cbor-encode';
import type { DccSigner, DccType } from '../../src/core/dcc';
import { toBase45 } from '../../src/core/dcc';
import { signerFromKey } from './dcc-signers';

// The CBOR encoder is the authority's own (server/cbor-encode.ts): one encoder for issuing and for these tests.
export { encodeCbor, Raw, Tag } from '../../server/cbor-encode';

// ─── Signers ────────────────────────────────────────────────────────────────────────────────────────

export interface TestSigner {
  readonly signer: DccSigner;
  readonly privateKey: KeyObject;
  readonly kid: Uint8Array;
}

let serial = 0;
export function makeSigner(
  alg: 'ES256' | 'PS256',
  extra: {
    country?: string;
    notBefore?: number;
    notAfter?: number;
    usages?: readonly DccType[];
    rsaBits?: number;
  } = {},
): TestSigner {
  const { privateKey, publicKey } =
    alg === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : generateKeyPairSync('rsa', { modulusLength: extra.rsaBits ?? 2048 });
  // A kid as the hcert spec derives it (first 8 bytes of a SHA-256); here of the key and a counter.
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  const kid = createHash('sha256').update(spki).update(String(serial++)).digest().subarray(0, 8);
  return { signer: signerFromKey(publicKey, kid, { country: 'ID', ...extra }), privateKey, kid: new Uint8Array(kid) };
}

// ─── Payloads ───────────────────────────────────────────────────────────────────────────────────────

const nam = { fn: 'Santoso', fnt: 'SANTOSO', gn: 'Budi', gnt: 'BUDI' };
export const PAYLOADS = {
  v: {
    ver: '1.3.0',
    nam,
    dob: '1980-02-03',
    v: [
      {
        tg: '840539006',
        vp: 'J07BX03',
        mp: 'EU/1/20/1528',
        ma: 'ORG-100030215',
        dn: 2,
        sd: 2,
        dt: '2021-08-01',
        co: 'ID',
        is: 'Kementerian Kesehatan',
        ci: 'URN:UVCI:01:ID:TESTV0001#K',
      },
    ],
  },
  t: {
    ver: '1.3.0',
    nam,
    dob: '1980-02',
    t: [
      {
        tg: '840539006',
        tt: 'LP6464-4',
        nm: 'Roche LightCycler qPCR',
        sc: '2021-08-01T08:30:00+07:00',
        tr: '260415000',
        tc: 'Lab Kesehatan Daerah',
        co: 'ID',
        is: 'Kementerian Kesehatan',
        ci: 'URN:UVCI:01:ID:TESTT0001#L',
      },
    ],
  },
  r: {
    ver: '1.3.0',
    nam,
    dob: '1980',
    r: [
      {
        tg: '840539006',
        fr: '2021-07-01',
        co: 'ID',
        is: 'Kementerian Kesehatan',
        df: '2021-07-12',
        du: '2021-12-28',
        ci: 'URN:UVCI:01:ID:TESTR0001#M',
      },
    ],
  },
};

/** 2021-08-02T00:00:00Z: the DCCs below are issued then and valid for a year unless told otherwise. */
export const ISSUED = 1_627_862_400;
export const YEAR = 365 * 86_400;

// ─── Signing ────────────────────────────────────────────────────────────────────────────────────────

export interface DccSpec {
  readonly by: TestSigner;
  readonly payload?: unknown;
  readonly iat?: number;
  readonly exp?: number;
  readonly iss?: string;
  /** Where the kid goes; default protected. */
  readonly kid?: 'protected' | 'unprotected' | 'none' | { protected?: Uint8Array; unprotected?: Uint8Array };
  /** COSE alg in the protected header; default the signer's (−7 or −37). */
  readonly alg?: number;
  /** The CWT claims map as signed; default iss/iat/exp/hcert. */
  readonly claims?: (claims: Map<number, unknown>) => Map<number, unknown> | Uint8Array;
  /** Bytes appended after the COSE message (before compression). */
  readonly trailing?: Uint8Array;
  readonly compress?: boolean;
  readonly wrap?: 'cose' | 'cwt' | 'none';
  /** Applied to the payload bytes after signing: a tampered certificate. */
  readonly tamper?: (payload: Uint8Array) => Uint8Array;
  /** ES256: make S high (n − s when the signer gave a low one); the signature stays valid. */
  readonly highS?: boolean;
}

const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

export interface SignedDcc {
  readonly text: string;
  readonly cose: Uint8Array;
  readonly signature: Uint8Array;
}

export function signDccDetailed(spec: DccSpec): SignedDcc {
  const { by } = spec;
  const claims = new Map<number, unknown>([
    [1, spec.iss ?? 'ID'],
    [4, spec.exp ?? ISSUED + YEAR],
    [6, spec.iat ?? ISSUED],
    [-260, new Map([[1, spec.payload ?? PAYLOADS.v]])],
  ]);
  const edited = spec.claims ? spec.claims(claims) : claims;
  const payload = edited instanceof Uint8Array ? edited : encodeCbor(edited);
  const alg = spec.alg ?? (by.signer.alg === 'ES256' ? -7 : -37);
  const kidSpec = spec.kid ?? 'protected';
  const protKid = kidSpec === 'protected' ? by.kid : typeof kidSpec === 'object' ? kidSpec.protected : undefined;
  const unprotKid = kidSpec === 'unprotected' ? by.kid : typeof kidSpec === 'object' ? kidSpec.unprotected : undefined;
  const prot = encodeCbor(
    new Map<number, unknown>([[1, alg], ...(protKid ? [[4, protKid] as [number, unknown]] : [])]),
  );
  const unprot = new Map<number, unknown>(unprotKid ? [[4, unprotKid]] : []);
  const toBeSigned = encodeCbor(['Signature1', prot, new Uint8Array(0), payload]);
  let signature: Uint8Array =
    by.signer.alg === 'ES256'
      ? sign('sha256', toBeSigned, { key: by.privateKey, dsaEncoding: 'ieee-p1363' })
      : sign('sha256', toBeSigned, {
          key: by.privateKey,
          padding: constants.RSA_PKCS1_PSS_PADDING,
          saltLength: 32,
        });
  if (spec.highS && by.signer.alg === 'ES256') {
    const low = BigInt(`0x${Buffer.from(signature.subarray(32)).toString('hex')}`);
    const s = low > P256_N / 2n ? P256_N - low : low;
    const flipped = Buffer.from((P256_N - s).toString(16).padStart(64, '0'), 'hex');
    signature = Uint8Array.from([...signature.subarray(0, 32), ...flipped]);
  }
  const sent = spec.tamper ? spec.tamper(payload) : payload;
  const msg = [prot, unprot, sent, new Uint8Array(signature)];
  const wrap = spec.wrap ?? 'cose';
  const coseOnly = encodeCbor(
    wrap === 'none' ? msg : wrap === 'cwt' ? new Tag(61, new Tag(18, msg)) : new Tag(18, msg),
  );
  const cose = spec.trailing ? Uint8Array.from([...coseOnly, ...spec.trailing]) : coseOnly;
  const body = spec.compress === false ? cose : new Uint8Array(deflateSync(cose, { level: 9 }));
  return { text: `HC1:${toBase45(body)}`, cose, signature: new Uint8Array(signature) };
}

export const signDcc = (spec: DccSpec): string => signDccDetailed(spec).text;

/** An `HC1:` text whose zlib stream inflates to `size` zero bytes. */
export const zipBomb = (size: number): string =>
  `HC1:${toBase45(new Uint8Array(deflateSync(Buffer.alloc(size), { level: 9 })))}`;

/** Arrays nested `depth` deep, as CBOR. */
export const deepCbor = (depth: number): Uint8Array => Uint8Array.from([...Array(depth).fill(0x81), 0x00]);
