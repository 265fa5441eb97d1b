/**
 * COSE_Sign1 (RFC 9052) as the hcert spec uses it: tag 18 or untagged, optionally inside a CWT tag 61;
 * `alg` from the protected header (the spec requires it there, so nobody can change it unsigned); `kid`
 * from the protected header, else the unprotected one. Sig_structure is encoded here byte for byte:
 * ["Signature1", protected (the bytes as received), h'' (no external AAD), payload].
 */
import { concatBytes, utf8 } from '../bytes';
import { type CborKey, CborTag, type CborValue, decodeCbor, encodeHead } from './cbor';

export type CoseAlg = 'ES256' | 'PS256';
const ALGS = new Map<CborValue, CoseAlg>([
  [-7, 'ES256'],
  [-37, 'PS256'],
]);
const TAG_COSE_SIGN1 = 18;
const TAG_CWT = 61;
const LABEL_ALG = 1;
const LABEL_CRIT = 2;
const LABEL_KID = 4;

export interface CoseSign1 {
  readonly protectedBytes: Uint8Array;
  /** The algorithm named in the protected header: a supported one, or the raw value for the report. */
  readonly alg: CoseAlg | { readonly unsupported: string };
  readonly kid?: Uint8Array;
  readonly payload: Uint8Array;
  readonly signature: Uint8Array;
}

export type CoseResult =
  | { readonly ok: true; readonly value: CoseSign1 }
  | { readonly ok: false; readonly code: 'CBOR_INVALID' | 'COSE_INVALID'; readonly detail: string };

const isMap = (x: CborValue): x is ReadonlyMap<CborKey, CborValue> => x instanceof Map;
const fail = (code: 'CBOR_INVALID' | 'COSE_INVALID', detail: string): CoseResult => ({ ok: false, code, detail });

export function decodeCoseSign1(bytes: Uint8Array): CoseResult {
  const top = decodeCbor(bytes);
  if (!top.ok) return fail('CBOR_INVALID', `COSE message: ${top.detail}`);
  let msg = top.value;
  if (msg instanceof CborTag && msg.tag === TAG_CWT) msg = msg.value;
  if (msg instanceof CborTag && msg.tag === TAG_COSE_SIGN1) msg = msg.value;
  if (msg instanceof CborTag) return fail('COSE_INVALID', `tag ${msg.tag} is not COSE_Sign1`);
  if (!Array.isArray(msg) || msg.length !== 4) return fail('COSE_INVALID', 'not a 4-element array');
  const [protectedBytes, unprotected, payload, signature] = msg as readonly CborValue[];
  if (!(protectedBytes instanceof Uint8Array)) return fail('COSE_INVALID', 'protected header not a byte string');
  if (!isMap(unprotected)) return fail('COSE_INVALID', 'unprotected header not a map');
  if (!(payload instanceof Uint8Array)) return fail('COSE_INVALID', 'payload not a byte string (detached?)');
  if (!(signature instanceof Uint8Array)) return fail('COSE_INVALID', 'signature not a byte string');
  // A zero-length protected header stands for the empty map (RFC 9052 §3).
  let prot: ReadonlyMap<CborKey, CborValue> = new Map();
  if (protectedBytes.length > 0) {
    const p = decodeCbor(protectedBytes);
    if (!p.ok) return fail('CBOR_INVALID', `protected header: ${p.detail}`);
    if (!isMap(p.value)) return fail('COSE_INVALID', 'protected header not a map');
    prot = p.value;
  }
  // `crit` names header parameters a verifier must understand or reject (RFC 9052 §3.1); the hcert
  // profile defines none beyond alg and kid, so any critical parameter is one we do not understand.
  if (prot.has(LABEL_CRIT)) return fail('COSE_INVALID', 'critical header parameters');
  // Only the kid that counts must be a byte string: an odd unprotected one beside a protected kid is
  // ignored, as it is unsigned and unused.
  const kid = prot.get(LABEL_KID) ?? unprotected.get(LABEL_KID);
  if (kid !== undefined && !(kid instanceof Uint8Array)) return fail('COSE_INVALID', 'kid not a byte string');
  const rawAlg = prot.get(LABEL_ALG);
  const alg = ALGS.get(rawAlg) ?? {
    unsupported: rawAlg === undefined ? 'none in the protected header' : String(rawAlg),
  };
  return { ok: true, value: { protectedBytes, alg, kid, payload, signature } };
}

const SIGNATURE1 = utf8('Signature1');

/** The bytes that were signed (RFC 9052 §4.4). */
export function sigStructure(cose: CoseSign1): Uint8Array {
  return concatBytes(
    encodeHead(4, 4),
    encodeHead(3, SIGNATURE1.length),
    SIGNATURE1,
    encodeHead(2, cose.protectedBytes.length),
    cose.protectedBytes,
    encodeHead(2, 0),
    encodeHead(2, cose.payload.length),
    cose.payload,
  );
}
