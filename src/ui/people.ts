/**
 * People on this phone = stored certificates grouped by holderKey (name + birth date); an EU DCC joins the
 * Singgah holder it matches (core held-certificate.ts personOfForeign), else stands as a person of its own. Each
 * person's decision comes from core's decidePerson with their own certificates and the home region of their
 * most recently issued Singgah certificate (none for a person known only from DCCs).
 */
import type { BundlePayload, Status } from '../core/bundle';
import type { Certificate, Holder } from '../core/certificate';
import { statusOf as coreStatusOf, type DecisionContext, decidePerson, type PersonDecision } from '../core/eligibility';
import { confirmedExposureTimes, type ExposureMatch } from '../core/exposure';
import { foreignHolderOf, isForeign, isPositiveTest, personOfForeign } from '../core/held-certificate';
import type { UnixSeconds } from '../core/schema';
import type { Venue } from '../core/venue';
import type { StoredCertificate } from '../store';

export interface Person {
  readonly key: string;
  readonly name: string;
  readonly birthDate: string;
  readonly region: string;
  readonly certificates: readonly StoredCertificate[];
  /** When the first of their certificates was imported: the phone's owner usually comes first. */
  readonly since: UnixSeconds;
  /** Starts of high-level exposures on visits they were checked in on (core exposure.confirmedExposureTimes). */
  readonly confirmedExposures: readonly UnixSeconds[];
  /** Positive tests the user moved to the recycle bin: they still count (also in `certificates`). */
  readonly held: readonly StoredCertificate[];
}

/**
 * A positive test keeps counting after the user deletes it: the recycle bin keeps it 30 days, longer than an
 * isolation window, and the status rules decide whether it still makes the person black. Nothing the user
 * deletes erases a black status before its window ends.
 */
const isHeld = (c: StoredCertificate) => isPositiveTest(c.signed);

/**
 * `exposures`: the matched notices (sync state). A high-level one becomes the person's `confirmedExposure` fact,
 * which the signed status rules may use (the demo policy: black for 10 days). `recycleBin`: deleted certificates,
 * of which positive tests still count (`held`).
 */
export function groupPeople(
  certs: readonly StoredCertificate[],
  exposures: readonly ExposureMatch[] = [],
  recycleBin: readonly StoredCertificate[] = [],
): Person[] {
  const groups = new Map<string, StoredCertificate[]>();
  const held = recycleBin.filter(isHeld);
  const all = [...certs, ...held];
  // Singgah holders first: an EU DCC or SMART Health Card joins the one its name tokens and full birth date
  // match; else DCCs and cards of one name and birth date form one person (held-certificate shcHolderKey).
  const holders = new Map<string, Holder>();
  for (const c of all) if (!isForeign(c.signed)) holders.set(c.record.holderKey, c.signed.certificate.holder);
  for (const c of all) {
    const key = isForeign(c.signed) ? personOfForeign(c.signed, holders, c.record.person).key : c.record.holderKey;
    const list = groups.get(key);
    if (list) list.push(c);
    else groups.set(key, [c]);
  }
  const people: Person[] = [];
  for (const [key, list] of groups) {
    const singgah = list.flatMap((c) => (isForeign(c.signed) ? [] : [c.signed.certificate]));
    const foreign = list.flatMap((c) => (isForeign(c.signed) ? [c.signed] : []));
    const latest = singgah.reduce<Certificate | undefined>(
      (a, b) => (a && a.issuedAt >= b.issuedAt ? a : b),
      undefined,
    );
    // A person known only from DCCs or cards has no Indonesian region: the rules see them as from elsewhere.
    const holder = latest?.holder ?? { ...foreignHolderOf(foreign[0]), region: '' };
    people.push({
      key,
      name: holder.name,
      birthDate: holder.birthDate,
      region: holder.region,
      certificates: list,
      since: Math.min(...list.map((c) => c.record.importedAt)),
      confirmedExposures: confirmedExposureTimes(exposures, key),
      held: list.filter((c) => held.includes(c)),
    });
  }
  return people.sort((a, b) => a.since - b.since || a.name.localeCompare(b.name));
}

export function contextOf(
  bundle: BundlePayload | undefined,
  now: UnixSeconds,
  trustedTime: UnixSeconds,
  appVersion: string,
  serverOffset?: number,
): DecisionContext {
  return { bundle, now, trustedTime, appVersion, ...(serverOffset !== undefined ? { serverOffset } : {}) };
}

export function decide(person: Person, venue: Venue, ctx: DecisionContext): PersonDecision {
  return decidePerson(
    person.certificates.map((c) => c.signed),
    person.region,
    venue,
    ctx,
    { confirmedExposures: person.confirmedExposures },
  );
}

/** The row key of the phone's owner when there are no certificates (recorded as no holder key at all). */
export const OWNER_KEY = 'you';

/**
 * The "you" row when there are no certificates at all: red by definition (nothing shows a vaccination),
 * the venue's own region as home so only the status requirement speaks.
 */
export function decideNobody(venue: Venue, ctx: DecisionContext): PersonDecision {
  const d = decidePerson([], venue.region, venue, ctx);
  return { ...d, status: 'red' };
}

/** A person's colour outside any venue (Home's status chips). */
export function statusOf(person: Person, ctx: DecisionContext): Status | undefined {
  return coreStatusOf(
    person.certificates.map((c) => c.signed),
    person.region,
    ctx,
    { confirmedExposures: person.confirmedExposures },
  ).status;
}
