/**
 * The server's side of a sealed case upload (POST /v1/cases): it checks what it can without reading — the case
 * code (valid, unexpired, unused), the shape and size of the sealed report, that it is sealed to the key the
 * published bundle lists — uses up the code and stores the ciphertext, in one transaction. It cannot open the
 * report: the secret key and the notices key are with the health officer (`singgah case review`).
 */
import { createHash } from 'node:crypto';
import { fromBase64Url } from '../src/core/bytes';
import type { SealedCase } from '../src/core/case-seal';
import type { UnixSeconds } from '../src/core/schema';
import { type CaseCodeProblem, consumeCaseCode, hashCaseCode, normaliseCaseCode, toHour } from './case-codes';
import type { Db } from './db';

export type StoreCaseProblem = CaseCodeProblem | 'CASE_UPLOAD_REPLAYED';

export type StoreCaseResult = { readonly ok: true } | { readonly ok: false; readonly problem: StoreCaseProblem };

/** Thrown inside the transaction to roll it back (the code stays unused) and caught right outside. */
class Refused extends Error {
  constructor(readonly problem: StoreCaseProblem) {
    super(problem);
  }
}

/** SHA-256 of the ciphertext: the same sealed report is stored once, whatever code comes with it. */
export const digestOfSealed = (sealed: SealedCase): string =>
  createHash('sha256')
    .update(fromBase64Url(sealed.box) ?? new Uint8Array())
    .digest('hex');

/**
 * Use up the code and store the sealed report. A report already stored (the same ciphertext sent again, with
 * this code or another) is refused and leaves the code unused.
 */
export async function storeSealedCase(
  db: Db,
  code: string,
  sealed: SealedCase,
  now: UnixSeconds,
): Promise<StoreCaseResult> {
  try {
    return await db.transaction(async (tx) => {
      const problem = await consumeCaseCode(tx, code, now);
      if (problem) throw new Refused(problem);
      const hash = hashCaseCode(normaliseCaseCode(code) ?? '');
      const stored = await tx.query(
        `insert into case_uploads (code_hash, digest, sealed, received_at) values ($1, $2, $3, $4)
         on conflict (digest) do nothing returning id`,
        [hash, digestOfSealed(sealed), JSON.stringify(sealed), toHour(now)],
      );
      if (stored.length === 0) throw new Refused('CASE_UPLOAD_REPLAYED');
      return { ok: true } as const;
    });
  } catch (e) {
    if (e instanceof Refused) return { ok: false, problem: e.problem };
    throw e;
  }
}
