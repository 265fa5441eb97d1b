/**
 * Root rotation (after TUF). The app is built with root version 1 pinned. A later root N+1 is accepted
 * only when signed by a threshold of root N's keys AND a threshold of its own keys, with version exactly
 * N+1; the walk is capped so an endless chain cannot pin a phone. Wire form: the bundle envelope
 * (`{payload, signatures}`) with type `root` in the signed message.
 */
import * as v from 'valibot';
import { signEnvelope, type TrustAnchor, verifyEnvelope } from './bundle';
import { fromBase64Url } from './bytes';
import { err, ok, type Result } from './errors';
import { keyId, parseWith, time } from './schema';

/** Most rotations accepted in one update (TUF's max root rotations). */
export const MAX_ROOT_CHAIN = 16;
const MAX_ROOT_BYTES = 65_536;

const rootPayload = v.strictObject({
  type: v.literal('singgah-root'),
  version: v.pipe(v.number(), v.integer(), v.minValue(2)),
  issuedAt: time,
  threshold: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(16)),
  keys: v.pipe(
    v.array(v.strictObject({ kid: keyId, publicKey: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{43}$/)) })),
    v.minLength(1),
    v.maxLength(16),
  ),
});
export type RootPayload = v.InferOutput<typeof rootPayload>;

export interface RootChainResult {
  readonly anchor: TrustAnchor;
  /** The envelopes accepted, oldest first: store them to rebuild the anchor at the next start. */
  readonly accepted: readonly string[];
}

function anchorOf(root: RootPayload): Result<TrustAnchor> {
  const keys = [];
  for (const k of root.keys) {
    const publicKey = fromBase64Url(k.publicKey);
    if (publicKey?.length !== 32) return err('PUBLIC_KEY_INVALID', k.kid);
    keys.push({ kid: k.kid, publicKey });
  }
  // A threshold above the number of distinct keys could never be met: refuse it now, not at the next bundle.
  if (new Set(root.keys.map((k) => k.publicKey)).size < root.threshold) return err('ROOT_THRESHOLD_NOT_MET');
  return ok({ version: root.version, threshold: root.threshold, keys });
}

/** Verify one rotation step: `source` must be root version `current.version + 1`. */
export function verifyRootStep(current: TrustAnchor, source: string): Result<TrustAnchor> {
  const byOld = verifyEnvelope(source, 'root', current, MAX_ROOT_BYTES);
  if (!byOld.ok) return byOld;
  const parsed = parseWith(rootPayload, byOld.value.json);
  if (!parsed.ok) return parsed;
  if (parsed.value.version !== (current.version ?? 1) + 1) return err('ROOT_VERSION_GAP', `${parsed.value.version}`);
  const next = anchorOf(parsed.value);
  if (!next.ok) return next;
  // Self-signed too: whoever holds the new keys agreed, so a typo'd key cannot lock every phone out.
  const byNew = verifyEnvelope(source, 'root', next.value, MAX_ROOT_BYTES);
  return byNew.ok ? next : byNew;
}

/**
 * Walk a chain of root envelopes from `start`. Envelopes at or below the current version are skipped
 * (a server may send the whole history). The first bad step fails the whole walk: the caller keeps the
 * root it had, so a broken or hostile chain can delay a rotation but never install a root.
 */
export function walkRootChain(start: TrustAnchor, chain: readonly string[]): Result<RootChainResult> {
  let anchor = start;
  const accepted: string[] = [];
  const pending = chain.filter((source) => peekVersion(source) > (anchor.version ?? 1));
  if (pending.length > MAX_ROOT_CHAIN) return err('ROOT_CHAIN_TOO_LONG', `${pending.length}`);
  for (const source of pending.sort((a, b) => peekVersion(a) - peekVersion(b))) {
    const next = verifyRootStep(anchor, source);
    if (!next.ok) return next;
    anchor = next.value;
    accepted.push(source);
  }
  return ok({ anchor, accepted });
}

/** Version claimed by an envelope, unverified: used only to order and skip, never to trust. */
function peekVersion(source: string): number {
  try {
    const env = JSON.parse(source) as { payload?: unknown };
    const bytes = typeof env.payload === 'string' ? fromBase64Url(env.payload) : undefined;
    const version = bytes ? (JSON.parse(new TextDecoder().decode(bytes)) as { version?: unknown }).version : undefined;
    return typeof version === 'number' && Number.isInteger(version) ? version : Number.MAX_SAFE_INTEGER;
  } catch {
    // Unparseable: sort it last so verification rejects it with a proper code.
    return Number.MAX_SAFE_INTEGER;
  }
}

/** Sign root N+1 with the previous root's keys and the new keys (authority side). */
export const signRoot = (payload: RootPayload, secretKeys: readonly Uint8Array[]): string =>
  signEnvelope('root', payload, secretKeys);
