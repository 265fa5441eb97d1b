/**
 * Where the always-loaded parts of the app reach the EU DCC code (and, the same way, the SMART Health Card
 * code: `ShcCodec` below, from held-shc.ts). Decoding and verifying a DCC (held-dcc.ts
 * with dcc/: base45, inflate, CBOR, COSE, P-256, RSA-PSS, the schema) is most of the model's weight and
 * most phones hold no DCC, so it loads lazily (dcc-codec-load.ts). held-dcc.ts installs itself here when it
 * is evaluated; as a `HeldDcc` is only ever made by its `decodeDcc`, whoever holds one finds the codec
 * installed, and the synchronous core (eligibility, the pass, the store's read-back) stays synchronous.
 */
import type { BundlePayload, LocalizedText } from './bundle';
import { decodeCertificate } from './certificate';
import type { DccCertificate, DccFact } from './dcc';
import { err, type Result } from './errors';
import { type HeldCertificate, type HeldDcc, type HeldShc, isDccText, isShcText } from './held-certificate';
import type { UnixSeconds } from './schema';
import type { ShcCertificate, ShcFact } from './shc/facts';

/** A DCC's fact in the fields a Singgah certificate has: a recovery gets `expiresAt` = the end of `du`. */
export type CountedDccFact =
  | Exclude<DccFact, { kind: 'recovery' }>
  | (Extract<DccFact, { kind: 'recovery' }> & { readonly expiresAt: UnixSeconds });

/** A DCC that counts at `now` and the fact it gives. */
export interface CountedDcc {
  readonly held: HeldDcc;
  readonly fact: CountedDccFact;
}

/** An EU acceptance rule that stopped a DCC counting: its id and, when the bundle has it, its description. */
export interface DccRuleRefusal {
  readonly ruleId: string;
  readonly text?: LocalizedText;
}

export interface DccCodec {
  /** Structure only (no signer, no time): held-dcc.ts `decodeDcc`. */
  readonly decodeDcc: (text: string) => Result<HeldDcc>;
  /** Against the bundle's DCC signers and revocations at `now`, cached per bundle: held-dcc.ts. */
  readonly verifyHeldDcc: (text: string, bundle: BundlePayload, now: UnixSeconds) => Result<DccCertificate>;
  /** The DCCs among `certs` that count at `now`, each with its fact: held-dcc.ts `countedDccs`. */
  readonly countedDccs: (certs: readonly HeldCertificate[], bundle: BundlePayload, now: UnixSeconds) => CountedDcc[];
  /** Why verified DCCs among `certs` do not count: the acceptance rules they fail (held-dcc.ts). */
  readonly dccRuleRefusals: (
    certs: readonly HeldCertificate[],
    bundle: BundlePayload,
    now: UnixSeconds,
  ) => DccRuleRefusal[];
}

let installed: DccCodec | undefined;

/** Called once, by held-dcc.ts as it is evaluated. */
export function installDccCodec(codec: DccCodec): void {
  installed = codec;
}

/** The codec if its module has been loaded (always, wherever a `HeldDcc` exists). */
export const installedDccCodec = (): DccCodec | undefined => installed;

/** A SMART Health Card that counts at `now` and one fact it gives (a card may give several: one per dose). */
export interface CountedShc {
  readonly held: HeldShc;
  readonly fact: ShcFact;
}

/** The SMART Health Card codec (held-shc.ts with shc/), lazily loaded like the DCC's and installed here. */
export interface ShcCodec {
  /** Structure only (no issuer, no time): held-shc.ts `decodeShc`. */
  readonly decodeShc: (code: string) => Result<HeldShc>;
  /** Against the bundle's `shcIssuers` at `now`, cached per bundle: held-shc.ts. */
  readonly verifyHeldShc: (code: string, bundle: BundlePayload, now: UnixSeconds) => Result<ShcCertificate>;
  /** The cards among `certs` that count at `now`, one entry per fact: held-shc.ts `countedShcs`. */
  readonly countedShcs: (certs: readonly HeldCertificate[], bundle: BundlePayload, now: UnixSeconds) => CountedShc[];
}

let installedShc: ShcCodec | undefined;

/** Called once, by held-shc.ts as it is evaluated. */
export function installShcCodec(codec: ShcCodec): void {
  installedShc = codec;
}

/** The card codec if its module has been loaded (always, wherever a `HeldShc` exists). */
export const installedShcCodec = (): ShcCodec | undefined => installedShc;

/**
 * Any format from its stored or scanned text. An `HC1:` or `shc:/` text needs its codec loaded first
 * (dcc-codec-load.ts `loadCodecsFor`); before that it is refused, never taken for something else.
 */
export function decodeHeldCertificate(code: string): Result<HeldCertificate> {
  if (isShcText(code))
    return installedShc
      ? installedShc.decodeShc(code)
      : err('ENCODING_INVALID', 'SMART Health Card decoder not loaded');
  if (!isDccText(code)) return decodeCertificate(code);
  return installed ? installed.decodeDcc(code) : err('ENCODING_INVALID', 'EU DCC decoder not loaded');
}
