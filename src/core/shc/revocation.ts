/**
 * Card revocation as the spec defines it ("Revocation"): an issuer lists, per key, the `rid`s (`vc.rid`) of
 * revoked cards; an entry `rid.timestamp` revokes only the cards with that rid whose `nbf` is before the
 * timestamp (e.g. every card of a person issued before a date). The authority copies each key's list into the
 * bundle (`revokedRids`), so phones never fetch a CRL.
 */
const ENTRY = /^([A-Za-z0-9_-]{1,24})(?:\.(\d{1,12}))?$/;

/** Whether `rid` (of a card with `nbf`) is revoked by the list; malformed entries revoke nothing. */
export function isRidRevoked(list: readonly string[] | undefined, rid: string | undefined, nbf: number): boolean {
  if (!list || rid === undefined) return false;
  return list.some((entry) => {
    const m = ENTRY.exec(entry);
    if (!m || m[1] !== rid) return false;
    return m[2] === undefined || nbf < Number(m[2]);
  });
}

export const isRidEntry = (entry: string): boolean => ENTRY.test(entry);
