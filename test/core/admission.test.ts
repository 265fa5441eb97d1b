/**
 * Who may be checked in: every outcome × hand check, the default ticks, the family summary.
 */
import { describe, expect, it } from 'vitest';
import { checkAdmission, defaultSelection, selectableForCheckIn, summarizeDecisions } from '../../src/core/admission';
import type { Outcome } from '../../src/core/eligibility';

const family: { key: string; outcome: Outcome }[] = [
  { key: 'budi', outcome: 'ALLOWED' },
  { key: 'siti', outcome: 'DENIED' },
  { key: 'andi', outcome: 'CANNOT_VERIFY' },
  { key: 'dewi', outcome: 'ALLOWED' },
];

describe('selectableForCheckIn', () => {
  it('splits people by outcome: allowed, hand check, refused', () => {
    expect(selectableForCheckIn(family)).toEqual({
      selectable: ['budi', 'dewi'],
      needsHandCheck: ['andi'],
      refused: ['siti'],
      anyone: true,
    });
  });

  it('nobody may be checked in when everyone is refused (or there is nobody)', () => {
    expect(selectableForCheckIn([{ key: 'siti', outcome: 'DENIED' }]).anyone).toBe(false);
    expect(selectableForCheckIn([]).anyone).toBe(false);
  });

  it('a hand check alone still allows a check-in', () => {
    expect(selectableForCheckIn([{ key: 'andi', outcome: 'CANNOT_VERIFY' }]).anyone).toBe(true);
  });
});

describe('defaultSelection', () => {
  it('first time: every ALLOWED person, never a refused or unverifiable one', () => {
    expect(defaultSelection(family, [])).toEqual(['budi', 'dewi']);
  });

  it('the remembered group, minus those who may not enter now', () => {
    expect(defaultSelection(family, ['budi', 'siti', 'andi'])).toEqual(['budi']);
  });

  it('a remembered group nobody of which may enter falls back to every ALLOWED person', () => {
    expect(defaultSelection(family, ['siti', 'andi'])).toEqual(['budi', 'dewi']);
  });

  it('nobody ALLOWED: nobody ticked', () => {
    expect(defaultSelection([{ key: 'andi', outcome: 'CANNOT_VERIFY' }], ['andi'])).toEqual([]);
  });
});

describe('checkAdmission (the write path)', () => {
  it('records ALLOWED people, and CANNOT_VERIFY ones only with a confirmed hand check', () => {
    expect(
      checkAdmission([
        { key: 'budi', outcome: 'ALLOWED' },
        { key: 'andi', outcome: 'CANNOT_VERIFY', handChecked: true },
      ]),
    ).toEqual({ ok: true, value: ['budi', 'andi'] });
  });

  it('refuses a DENIED person, even with a "hand check"', () => {
    const r = checkAdmission([
      { key: 'budi', outcome: 'ALLOWED' },
      { key: 'siti', outcome: 'DENIED', handChecked: true },
    ]);
    expect(r).toEqual({ ok: false, error: { code: 'CHECKIN_PERSON_DENIED', detail: 'siti' } });
  });

  it('refuses a CANNOT_VERIFY person without the hand check confirmed', () => {
    expect(checkAdmission([{ key: 'andi', outcome: 'CANNOT_VERIFY' }])).toEqual({
      ok: false,
      error: { code: 'CHECKIN_HAND_CHECK_REQUIRED', detail: 'andi' },
    });
    expect(checkAdmission([{ key: 'andi', outcome: 'CANNOT_VERIFY', handChecked: false }]).ok).toBe(false);
  });

  it('refuses a person listed twice (the count uploaded would be wrong)', () => {
    const budi = { key: 'budi', outcome: 'ALLOWED' as const };
    expect(checkAdmission([budi, budi])).toEqual({
      ok: false,
      error: { code: 'CHECKIN_PERSON_DUPLICATE', detail: 'budi' },
    });
  });

  it('an empty list is valid (the owner without certificates is checked by the caller)', () => {
    expect(checkAdmission([])).toEqual({ ok: true, value: [] });
  });
});

describe('summarizeDecisions', () => {
  it('counts who may enter and who needs a hand check', () => {
    expect(summarizeDecisions(family)).toEqual({ allowed: 2, handCheck: 1, total: 4 });
    expect(summarizeDecisions([])).toEqual({ allowed: 0, handCheck: 0, total: 0 });
  });
});
