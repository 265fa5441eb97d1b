/**
 * The model's own decision before a check-in is written: whatever the screen showed, each person chosen is
 * decided again from the stored certificates and the verified rules, and the stay is checked against the signed
 * policy's cap. The store then refuses anyone this does not admit (core checkAdmission), so a DENIED person is
 * never written and a CANNOT_VERIFY one only with a confirmed hand check.
 */
import { type AdmissionErrorCode, checkAdmission, type PersonAdmission } from '../core/admission';
import type { Outcome } from '../core/eligibility';
import type { ExposureMatch } from '../core/exposure';
import type { UnixSeconds } from '../core/schema';
import { checkStay } from '../core/stay';
import type { SignedVenue } from '../core/venue';
import type { StoredCertificate, StoreErrorCode, StoreResult } from '../store';
import type { CurrentBundle } from '../sync/bundle-pull';
import { APP_VERSION } from '../sync/trust';
import { contextOf, decide, decideNobody, groupPeople, OWNER_KEY } from './people';

export interface DoorInput {
  readonly venue: SignedVenue;
  /** Holder keys chosen; none = the phone's owner without certificates (OWNER_KEY). */
  readonly people: readonly string[];
  readonly now: UnixSeconds;
  /** People the user confirmed the guard checks by hand (admits a CANNOT_VERIFY person). */
  readonly handChecked?: readonly string[];
  /** The stay chosen at the door; default: the venue's. */
  readonly stayMinutes?: number;
  readonly bundle: CurrentBundle;
  readonly certificates: readonly StoredCertificate[];
  readonly exposures?: readonly ExposureMatch[];
}

/** A check-in refused before the store: the screen shows the code; nothing was written. */
const refuse = (code: StoreErrorCode, detail?: string): StoreResult<never> => ({
  ok: false,
  error: detail === undefined ? { code } : { code, detail },
});

/** Who goes in, with their decisions, and the checked stay: what store.checkIn takes. */
export function admitAtDoor(input: DoorInput): StoreResult<{ people: PersonAdmission[]; stayMinutes: number }> {
  const { venue, people, now } = input;
  const payload = input.bundle.bundle?.payload;
  const ctx = contextOf(payload, now, input.bundle.trustedTime, APP_VERSION);
  const everyone = groupPeople(input.certificates, input.exposures);
  const handChecked = input.handChecked ?? [];
  const admission = (key: string, outcome: Outcome): PersonAdmission => ({
    key,
    outcome,
    handChecked: handChecked.includes(key),
  });
  const admitted: PersonAdmission[] = [];
  if (everyone.length === 0) {
    // The owner without certificates: their own decision must admit them (recorded with no holder key).
    const owner = checkAdmission([admission(OWNER_KEY, decideNobody(venue.venue, ctx).outcome)]);
    if (!owner.ok) return refuse(owner.error.code as AdmissionErrorCode, owner.error.detail);
  } else {
    if (people.length === 0) return refuse('CHECKIN_NOBODY');
    for (const key of people) {
      const person = everyone.find((p) => p.key === key);
      // Someone not on this phone cannot be decided: refused like a DENIED person.
      admitted.push(admission(key, person ? decide(person, venue.venue, ctx).outcome : 'DENIED'));
    }
  }
  const stay = checkStay(input.stayMinutes ?? venue.venue.stayMinutes, venue.venue, payload?.policy);
  if (!stay.ok) return refuse('STAY_OUT_OF_RANGE', stay.error.detail);
  return { ok: true, value: { people: admitted, stayMinutes: stay.value } };
}
