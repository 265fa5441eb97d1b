/**
 * Who may be recorded as checked in, from the per-person decisions at the door. A check-in is a record of
 * who was admitted: an ALLOWED person may be ticked (and is ticked by default), a CANNOT_VERIFY person only
 * after the user confirmed that the guard checks them by hand (never by default), a DENIED person never.
 * The check-in screen, the app model and the store all apply `checkAdmission`, so bypassing the screen
 * does not record a refused person.
 */
import { MAX_CHECKIN_PEOPLE } from './checkin-upload';
import type { Outcome } from './eligibility';
import { err, ok, type Result } from './errors';

export interface DecidedPerson {
  readonly key: string;
  readonly outcome: Outcome;
}

/** A person put forward for a check-in, with whether the user confirmed a hand check (CANNOT_VERIFY only). */
export interface PersonAdmission extends DecidedPerson {
  readonly handChecked?: boolean;
}

/** The codes checkAdmission fails with. */
export type AdmissionErrorCode =
  | 'CHECKIN_PERSON_DENIED'
  | 'CHECKIN_HAND_CHECK_REQUIRED'
  | 'CHECKIN_PERSON_DUPLICATE'
  | 'CHECKIN_TOO_MANY_PEOPLE';

/** How a person can take part in a check-in. */
export type Selectability = 'selectable' | 'needs-hand-check' | 'refused';

export const selectabilityOf = (outcome: Outcome): Selectability =>
  outcome === 'ALLOWED' ? 'selectable' : outcome === 'CANNOT_VERIFY' ? 'needs-hand-check' : 'refused';

export interface CheckInSelection {
  /** ALLOWED: may be ticked, ticked by default. */
  readonly selectable: readonly string[];
  /** CANNOT_VERIFY: may be ticked only after confirming the hand check; never ticked by default. */
  readonly needsHandCheck: readonly string[];
  /** DENIED: can never be ticked. */
  readonly refused: readonly string[];
  /** Whether anyone at all can be checked in (else the screen offers no check-in and says why). */
  readonly anyone: boolean;
}

export function selectableForCheckIn(decisions: readonly DecidedPerson[]): CheckInSelection {
  const by = (s: Selectability) => decisions.filter((d) => selectabilityOf(d.outcome) === s).map((d) => d.key);
  const selectable = by('selectable');
  const needsHandCheck = by('needs-hand-check');
  return { selectable, needsHandCheck, refused: by('refused'), anyone: selectable.length + needsHandCheck.length > 0 };
}

/**
 * The people ticked when the screen opens: the remembered group's ALLOWED members, or every ALLOWED person when
 * none of the remembered group may enter (or nothing is remembered). Never a CANNOT_VERIFY or DENIED person.
 */
export function defaultSelection(decisions: readonly DecidedPerson[], remembered: readonly string[]): string[] {
  const allowed = selectableForCheckIn(decisions).selectable;
  const kept = allowed.filter((k) => remembered.includes(k));
  return kept.length > 0 ? kept : [...allowed];
}

/**
 * The write-path rule: the keys to record, or why not. DENIED → CHECKIN_PERSON_DENIED; CANNOT_VERIFY without
 * a confirmed hand check → CHECKIN_HAND_CHECK_REQUIRED; a key twice → CHECKIN_PERSON_DUPLICATE; more than
 * MAX_CHECKIN_PEOPLE → CHECKIN_TOO_MANY_PEOPLE. An empty list is
 * valid here (the phone's owner without certificates, whose decision the caller checks with this same rule).
 */
export function checkAdmission(people: readonly PersonAdmission[]): Result<string[]> {
  // The server counts no more for one check-in (checkin-upload.ts): refused here, before anything is written.
  if (people.length > MAX_CHECKIN_PEOPLE) return err('CHECKIN_TOO_MANY_PEOPLE', String(people.length));
  const seen = new Set<string>();
  for (const p of people) {
    if (seen.has(p.key)) return err('CHECKIN_PERSON_DUPLICATE', p.key);
    seen.add(p.key);
    if (p.outcome === 'DENIED') return err('CHECKIN_PERSON_DENIED', p.key);
    if (p.outcome === 'CANNOT_VERIFY' && p.handChecked !== true) return err('CHECKIN_HAND_CHECK_REQUIRED', p.key);
  }
  return ok(people.map((p) => p.key));
}

/** "3 of 4 may enter": how many are ALLOWED, how many need a hand check, out of how many. */
export function summarizeDecisions(decisions: readonly DecidedPerson[]): {
  allowed: number;
  handCheck: number;
  total: number;
} {
  const s = selectableForCheckIn(decisions);
  return { allowed: s.selectable.length, handCheck: s.needsHandCheck.length, total: decisions.length };
}
