/**
 * `suspensions.json`: suspended certificates (hashed ids + until), kept across bundle versions while they run;
 * every bundle signed carries the running ones. suspensions.ts changes it.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as v from 'valibot';
import type { BundlePayload } from '../../src/core/bundle';
import type { UnixSeconds } from '../../src/core/schema';
import { MAX_SUSPENSIONS, SUSPENSION_ID, type Suspension, suspensionIdOf } from '../../src/core/suspension';
import { AuthorityError } from '../errors';
import { writeFileAtomic } from '../keys';

const suspensionsPath = (dataDir: string) => join(dataDir, 'suspensions.json');

const suspensionsFile = v.array(v.strictObject({ id: v.pipe(v.string(), v.regex(SUSPENSION_ID)), until: v.number() }));

function readSuspensions(dataDir: string): Suspension[] {
  const path = suspensionsPath(dataDir);
  if (!existsSync(path)) return [];
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new AuthorityError('INPUT_INVALID', `${path} is not valid JSON`);
  }
  const r = v.safeParse(suspensionsFile, json);
  if (!r.success) throw new AuthorityError('INPUT_INVALID', `${path}: ${r.issues[0].message}`);
  return r.output;
}

/** The payload with the suspensions still running at `now` (the field left out when there are none). */
export function withSuspensions(payload: BundlePayload, dataDir: string, now: UnixSeconds): BundlePayload {
  const { suspensions: _old, ...rest } = payload;
  const running = readSuspensions(dataDir).filter((s) => s.until > now);
  if (running.length > MAX_SUSPENSIONS)
    throw new AuthorityError(
      'INPUT_INVALID',
      `${running.length} suspensions: a bundle holds at most ${MAX_SUSPENSIONS}`,
    );
  return running.length > 0 ? { ...rest, suspensions: running } : rest;
}

/**
 * Add the hashed `ids` until `until` to the running suspensions (ended ones are dropped). Suspending again
 * extends, never shortens.
 */
export function addSuspensions(dataDir: string, ids: readonly string[], until: UnixSeconds, now: UnixSeconds): void {
  const byId = new Map(
    readSuspensions(dataDir)
      .filter((s) => s.until > now)
      .map((s) => [s.id, s.until]),
  );
  for (const id of ids) {
    const hashed = suspensionIdOf(id);
    byId.set(hashed, Math.max(until, byId.get(hashed) ?? 0));
  }
  const list = [...byId].map(([id, u]) => ({ id, until: u }));
  mkdirSync(dataDir, { recursive: true });
  writeFileAtomic(suspensionsPath(dataDir), `${JSON.stringify(list, null, 2)}\n`, 0o644);
}
