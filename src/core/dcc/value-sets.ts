/**
 * The DCC value sets the bundle carries (`dccValueSets`: per EU `valueSetId`, code → English display name):
 * codes in words for people, and the EU shape (`external.valueSets`: per set, its codes) for EU rules.
 */
import type { DccValueSets } from '../bundle';

/** The EU value set each DCC field's codes come from. */
export const VALUE_SET = {
  /** `tg` */
  disease: 'disease-agent-targeted',
  /** `v.vp` */
  vaccineType: 'sct-vaccines-covid-19',
  /** `v.mp` */
  vaccine: 'vaccines-covid-19-names',
  /** `v.ma` */
  vaccineMaker: 'vaccines-covid-19-auth-holders',
  /** `t.tt` */
  testType: 'covid-19-lab-test-type',
  /** `t.tr` */
  testResult: 'covid-19-lab-result',
  /** `t.ma`: the rapid test device */
  testDevice: 'covid-19-lab-test-manufacturer-and-name',
  /** `co` */
  country: 'country-2-codes',
} as const;

/** A code in words, or — when the bundle's value set does not list it — the code itself, marked unknown. */
export type DccCodeName =
  | { readonly known: true; readonly code: string; readonly name: string }
  | { readonly known: false; readonly code: string };

/** Own properties only: a code such as `__proto__` or `constructor` is just an unknown code. */
export function nameOfCode(sets: DccValueSets | undefined, setId: string, code: string): DccCodeName {
  const names = sets && Object.hasOwn(sets, setId) ? sets[setId] : undefined;
  return names && Object.hasOwn(names, code) ? { known: true, code, name: names[code] } : { known: false, code };
}

// Per bundle: a door decision evaluates rules for every DCC of a family, the value sets stay the same.
const euShapes = new WeakMap<DccValueSets, Readonly<Record<string, readonly string[]>>>();

/** `external.valueSets` as EU rules read it: per set id, the array of its codes (shared: do not mutate). */
export function euValueSets(sets: DccValueSets | undefined): Readonly<Record<string, readonly string[]>> {
  if (!sets) return {};
  const cached = euShapes.get(sets);
  if (cached) return cached;
  const out: Record<string, string[]> = {};
  for (const [id, names] of Object.entries(sets)) out[id] = Object.keys(names);
  euShapes.set(sets, out);
  return out;
}
