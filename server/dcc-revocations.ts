/**
 * Revoked EU DCCs the authority keeps (`DATA_DIR/dcc-revocations.json`) and puts in every bundle it signs as
 * `dccRevocations`, in the EU revocation scheme's spelling: standard base64 of the first 16 bytes of SHA-256
 * of the UCI, of the issuing country + UCI, or of the signature (core/dcc/revocation.ts). Entries come from
 * the operator (`singgah dcc revoke`) or from the EU gateway's revocation batches (`singgah dcc import`);
 * each may carry an end (the batch's `expires`, or the DCC's own expiry) after which bundles leave it out,
 * since an expired DCC is refused anyway.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as v from 'valibot';
import type { BundlePayload } from '../src/core/bundle';
import type { DccRevocations } from '../src/core/dcc';
import type { UnixSeconds } from '../src/core/schema';
import { parseAt } from './cert-inspect';
import { AuthorityError } from './errors';
import { writeFileAtomic } from './keys';

export type RevocationList = keyof DccRevocations;
export const REVOCATION_LISTS: readonly RevocationList[] = ['uci', 'countryUci', 'signature'];

/** The bundle's limit per list (core/bundle.ts). */
export const MAX_REVOCATIONS_PER_LIST = 100_000;
/** The gateway's limit per batch (dgc-gateway `RevocationBatchDto`: 1 to 1,000 entries). */
export const MAX_BATCH_ENTRIES = 1000;

const HASH = /^[A-Za-z0-9+/]{22}==$/;

const entrySchema = v.strictObject({
  list: v.picklist(['uci', 'countryUci', 'signature']),
  hash: v.pipe(v.string(), v.regex(HASH)),
  addedAt: v.number(),
  /** Left out of bundles from this time on (Unix seconds). */
  until: v.optional(v.number()),
  /** What was revoked, in the operator's words: the UCI, country/UCI, or the DCC's UCI for a signature. */
  subject: v.optional(v.string()),
  reason: v.optional(v.string()),
  /** `cli`, or the gateway batch it came from. */
  source: v.string(),
});
export type DccRevocationEntry = v.InferOutput<typeof entrySchema>;

const fileSchema = v.strictObject({ version: v.literal(1), entries: v.array(entrySchema) });

export const dccRevocationsPath = (dataDir: string) => join(dataDir, 'dcc-revocations.json');

export function readDccRevocations(dataDir: string): DccRevocationEntry[] {
  const path = dccRevocationsPath(dataDir);
  if (!existsSync(path)) return [];
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new AuthorityError('INPUT_INVALID', `${path} is not valid JSON`);
  }
  const r = v.safeParse(fileSchema, json);
  if (!r.success) {
    const issue = r.issues[0];
    const at = issue.path?.map((p) => String(p.key)).join('.') ?? '(root)';
    throw new AuthorityError('INPUT_INVALID', `${path}: ${at}: ${issue.message}`);
  }
  return r.output.entries;
}

function writeDccRevocations(dataDir: string, entries: readonly DccRevocationEntry[]): void {
  mkdirSync(dataDir, { recursive: true });
  writeFileAtomic(dccRevocationsPath(dataDir), `${JSON.stringify({ version: 1, entries }, null, 2)}\n`, 0o644);
}

const keyOf = (e: Pick<DccRevocationEntry, 'list' | 'hash'>) => `${e.list} ${e.hash}`;

/**
 * Add entries; one already listed is kept once, with the later end (no end = for good) so revoking again
 * never shortens a revocation. Returns the entries that were new.
 */
export function addDccRevocations(dataDir: string, incoming: readonly DccRevocationEntry[]): DccRevocationEntry[] {
  const stored = readDccRevocations(dataDir);
  const byKey = new Map(stored.map((e) => [keyOf(e), e]));
  const added: DccRevocationEntry[] = [];
  for (const e of incoming) {
    const known = byKey.get(keyOf(e));
    if (!known) {
      byKey.set(keyOf(e), e);
      added.push(e);
    } else if (known.until !== undefined && (e.until === undefined || e.until > known.until)) {
      const { until: _old, ...rest } = known;
      byKey.set(keyOf(e), e.until === undefined ? rest : { ...rest, until: e.until });
    }
  }
  writeDccRevocations(dataDir, [...byKey.values()]);
  return added;
}

/** Remove the entries with this hash (in any list, or only in `list`); returns those removed. */
export function removeDccRevocations(
  dataDir: string,
  hashes: readonly { list?: RevocationList; hash: string }[],
): DccRevocationEntry[] {
  const stored = readDccRevocations(dataDir);
  const hit = (e: DccRevocationEntry) => hashes.some((h) => h.hash === e.hash && (h.list ?? e.list) === e.list);
  const removed = stored.filter(hit);
  if (removed.length === 0) {
    throw new AuthorityError('NOT_FOUND', `no revoked DCC with hash ${hashes.map((h) => h.hash).join(' or ')}`);
  }
  writeDccRevocations(
    dataDir,
    stored.filter((e) => !hit(e)),
  );
  return removed;
}

/** The lists a bundle signed at `now` carries: entries whose end has not come; none at all, no field. */
export function bundleRevocationsOf(entries: readonly DccRevocationEntry[], now: UnixSeconds): DccRevocations {
  const lists: Record<RevocationList, string[]> = { uci: [], countryUci: [], signature: [] };
  for (const e of entries) if (e.until === undefined || e.until > now) lists[e.list].push(e.hash);
  const out: { -readonly [K in RevocationList]?: string[] } = {};
  for (const list of REVOCATION_LISTS) {
    // Sorted and unique: the bundle's bytes do not depend on the order of imports.
    const hashes = [...new Set(lists[list])].sort();
    if (hashes.length > MAX_REVOCATIONS_PER_LIST) {
      throw new AuthorityError(
        'INPUT_INVALID',
        `${hashes.length} revoked DCCs in the ${list} list: a bundle holds at most ${MAX_REVOCATIONS_PER_LIST}`,
      );
    }
    if (hashes.length > 0) out[list] = hashes;
  }
  return out;
}

/** The payload with the stored DCC revocations in force at `now` (the field left out when there are none). */
export function withDccRevocations(payload: BundlePayload, dataDir: string, now: UnixSeconds): BundlePayload {
  const { dccRevocations: _previous, ...rest } = payload;
  const lists = bundleRevocationsOf(readDccRevocations(dataDir), now);
  return Object.keys(lists).length > 0 ? { ...rest, dccRevocations: lists } : rest;
}

// ---------------------------------------------------------------- EU gateway revocation batches

const HASH_TYPES = { UCI: 'uci', COUNTRYCODEUCI: 'countryUci', SIGNATURE: 'signature' } as const;

/**
 * One batch as the EU DCC gateway distributes it (the JSON inside its CMS signature; dgc-gateway
 * `RevocationBatchDto`): `{country, expires, kid, hashType, entries: [{hash}]}`.
 */
const batchSchema = v.object({
  country: v.pipe(v.string(), v.regex(/^[A-Z]{2}$/)),
  expires: v.string(),
  kid: v.optional(v.nullable(v.string())),
  hashType: v.picklist(Object.keys(HASH_TYPES) as (keyof typeof HASH_TYPES)[]),
  entries: v.pipe(
    v.array(v.object({ hash: v.pipe(v.string(), v.regex(HASH)) })),
    v.minLength(1),
    v.maxLength(MAX_BATCH_ENTRIES),
  ),
});

export interface ReadBatches {
  readonly entries: DccRevocationEntry[];
  /** Batches read, and those skipped because they already expired (with why). */
  readonly batches: number;
  readonly skipped: string[];
}

/**
 * Read gateway revocation batches from a file: one batch object or an array of them (an optional `batchId`
 * beside the fields names it in `dcc list`). A malformed batch refuses the whole file (nothing imported);
 * a batch already past its `expires` is skipped and listed.
 */
export function readRevocationBatches(path: string, now: UnixSeconds, addedAt: UnixSeconds): ReadBatches {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : 'not JSON';
    throw new AuthorityError('INPUT_INVALID', `${path}: ${why} (a gateway revocation batch is JSON)`);
  }
  const items: unknown[] = Array.isArray(json) ? json : [json];
  const entries: DccRevocationEntry[] = [];
  const skipped: string[] = [];
  items.forEach((item, i) => {
    const r = v.safeParse(batchSchema, item);
    if (!r.success) {
      const issue = r.issues[0];
      const at = issue.path?.map((p) => String(p.key)).join('.') || '(batch)';
      throw new AuthorityError('INPUT_INVALID', `${path}: batch ${i + 1}: ${at}: ${issue.message}`);
    }
    const b = r.output;
    const id = (item as { batchId?: unknown }).batchId;
    const name = `${b.country} ${b.hashType}${typeof id === 'string' ? ` ${id}` : ''}`;
    const until = parseAt(b.expires);
    if (until === undefined) {
      throw new AuthorityError('INPUT_INVALID', `${path}: batch ${i + 1}: expires: not an ISO 8601 time`);
    }
    if (until <= now) {
      skipped.push(`batch ${i + 1} (${name}): expired ${b.expires}`);
      return;
    }
    const source = `gateway batch ${name}${b.kid ? ` kid ${b.kid}` : ''}`;
    for (const { hash } of b.entries) {
      entries.push({ list: HASH_TYPES[b.hashType], hash, addedAt, until, source });
    }
  });
  return { entries, batches: items.length, skipped };
}
