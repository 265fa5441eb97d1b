/**
 * `revocations.json`: the key ids and certificate ids the operator revoked, kept across bundle versions and
 * merged into every bundle signed after (public: it is in every bundle). revocations.ts changes it.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BundlePayload } from '../../src/core/bundle';
import { AuthorityError } from '../errors';
import { writeFileAtomic } from '../keys';

export type Revocations = BundlePayload['revocations'];

const revocationsPath = (dataDir: string) => join(dataDir, 'revocations.json');

export function readRevocations(dataDir: string): Revocations {
  const path = revocationsPath(dataDir);
  if (!existsSync(path)) return { keys: [], certificates: [] };
  try {
    const json = JSON.parse(readFileSync(path, 'utf8')) as Partial<Revocations>;
    const strings = (a: unknown) => (Array.isArray(a) ? a.filter((x): x is string => typeof x === 'string') : []);
    return { keys: strings(json.keys), certificates: strings(json.certificates) };
  } catch {
    throw new AuthorityError('INPUT_INVALID', `${path} is not valid JSON`);
  }
}

export function writeRevocations(dataDir: string, revocations: Revocations): void {
  mkdirSync(dataDir, { recursive: true });
  writeFileAtomic(revocationsPath(dataDir), `${JSON.stringify(revocations, null, 2)}\n`, 0o644);
}

export function mergeRevocations(...lists: (Revocations | undefined)[]): Revocations {
  const keys = new Set<string>();
  const certificates = new Set<string>();
  for (const l of lists) {
    for (const k of l?.keys ?? []) keys.add(k);
    for (const c of l?.certificates ?? []) certificates.add(c);
  }
  return { keys: [...keys], certificates: [...certificates] };
}
