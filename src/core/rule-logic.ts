/**
 * CertLogic expressions as a signed bundle may carry them (Singgah's status and entry rules, EU DCC rules):
 * valid by certlogic-js's validator and nested at most MAX_LOGIC_DEPTH deep.
 */
import { validate as validateCertLogic } from 'certlogic-js/dist/validation/index.js';
import * as v from 'valibot';

/** Deepest rule logic accepted. The demo's rules nest 7 deep; certlogic-js recurses once per level. */
export const MAX_LOGIC_DEPTH = 64;

/** Nesting depth of a JSON value, iteratively, stopping once past `max` (no recursion to overflow). */
function depthExceeds(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (node === null || typeof node !== 'object') continue;
    if (depth > max) return true;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return false;
}

export const NOT_CERTLOGIC = 'not a valid CertLogic expression';
export const logic = v.pipe(
  v.unknown(),
  // Depth first: signed logic nested thousands deep would overflow the validator's stack and throw.
  v.check((expr) => !depthExceeds(expr, MAX_LOGIC_DEPTH), `rule logic nested deeper than ${MAX_LOGIC_DEPTH}`),
  // valibot runs every check of a pipe even after one failed: the validator must not see too-deep logic either.
  v.check((expr) => !depthExceeds(expr, MAX_LOGIC_DEPTH) && validateCertLogic(expr).length === 0, NOT_CERTLOGIC),
);
