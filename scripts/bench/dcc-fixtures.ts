/**
 * The DCC benchmark's certificates, made in Node (signing needs node:crypto: test/support/dcc-sign.ts) and
 * handed to the runtime-neutral cases (dcc-cases.ts) as plain JSON, in Node and in the Chromium page alike.
 */
import type { DccSigner } from '../../src/core/dcc';
import type { ShcIssuer } from '../../src/core/shc';
import { DAY, HOUR, NOW, signCertificate, vaccination } from '../../test/support/authority';
import { makeSigner, PAYLOADS, signDcc, type TestSigner } from '../../test/support/dcc-sign';
import { cardPayload, immunization, labResult, makeShcIssuer, shcQr, trustOf } from '../../test/support/shc-sign';

export interface DccFixtures {
  /** One vaccination DCC each, signed by a trusted Indonesian (ES256) and a trusted German (PS256) signer. */
  readonly es256: string;
  readonly ps256: string;
  readonly signers: readonly DccSigner[];
  /** A two-dose SMART Health Card (one `shc:/` QR, ES256) and its trusted issuer, for the `shc-es256` case. */
  readonly shc: readonly string[];
  /** A visitor's card (two doses and a PCR 20 h ago, same issuer), as the store keeps it: the `shc-door` case. */
  readonly shcVisitor: string;
  readonly shcIssuers: readonly ShcIssuer[];
  /** A family at the Kaltim governor's office whose certificates are Singgah QR texts and `HC1:` texts. */
  readonly family: readonly { readonly name: string; readonly region: string; readonly codes: readonly string[] }[];
}

const date = (t: number) => new Date(t * 1000).toISOString().slice(0, 10);

export interface DccBenchSigners {
  readonly es: TestSigner;
  readonly ps: TestSigner;
}

export function makeDccSigners(): DccBenchSigners {
  return { es: makeSigner('ES256', { country: 'ID' }), ps: makeSigner('PS256', { country: 'DE' }) };
}

/** A DCC of `payload`'s holder, valid from 100 days ago for a year. */
export const issueDcc = (by: TestSigner, payload: object) =>
  signDcc({ by, payload, iat: NOW - 100 * DAY, exp: NOW + 265 * DAY });

export const vaccinationDcc = (nam: object, dob: string, dose: number, doses: number, ago: number) => ({
  ...PAYLOADS.v,
  nam,
  dob,
  v: [{ ...PAYLOADS.v.v[0], dn: dose, sd: doses, dt: date(NOW - ago) }],
});

const pcrDcc = (nam: object, dob: string, sampled: number) => ({
  ...PAYLOADS.t,
  nam,
  dob,
  t: [{ ...PAYLOADS.t.t[0], sc: new Date(sampled * 1000).toISOString() }],
});

export function makeDccFixtures({ es, ps }: DccBenchSigners): DccFixtures {
  const budi = { fn: 'Santoso', fnt: 'SANTOSO', gn: 'Budi', gnt: 'BUDI' };
  const andi = { fn: 'Wijaya', fnt: 'WIJAYA', gn: 'Andi', gnt: 'ANDI' };
  const anna = { fn: 'Müller', fnt: 'MUELLER', gn: 'Anna', gnt: 'ANNA' };
  const singgah = (dose: number, doses: number, day: string, region: string) =>
    signCertificate(vaccination(dose, doses, day, region));
  return {
    es256: issueDcc(es, vaccinationDcc(budi, '1985-04-12', 3, 3, 60 * DAY)),
    ps256: issueDcc(ps, vaccinationDcc(anna, '1990-06-01', 2, 2, 90 * DAY)),
    signers: [es.signer, ps.signer],
    ...shcFixture(),
    family: [
      // Two Singgah doses and a booster as a PeduliLindungi DCC (ES256).
      {
        name: 'Budi Santoso',
        region: '6472',
        codes: [
          singgah(1, 2, '2026-04-01', '6472'),
          singgah(2, 2, '2026-05-01', '6472'),
          issueDcc(es, vaccinationDcc(budi, '1985-04-12', 3, 3, 60 * DAY)),
        ],
      },
      {
        name: 'Siti Aminah',
        region: '6472',
        codes: [singgah(1, 2, '2026-04-02', '6472'), singgah(2, 2, '2026-05-02', '6472')],
      },
      // A visitor from Semarang: Singgah doses, the PCR as a DCC (ES256).
      {
        name: 'Andi Wijaya',
        region: '3374',
        codes: [
          singgah(1, 2, '2026-03-01', '3374'),
          singgah(2, 2, '2026-04-01', '3374'),
          issueDcc(es, pcrDcc(andi, '1979-12-01', NOW - 20 * HOUR)),
        ],
      },
      // A German visitor with DCCs only (PS256): two doses and a PCR.
      {
        name: 'Anna Müller',
        region: '',
        codes: [
          issueDcc(ps, vaccinationDcc(anna, '1990-06-01', 1, 2, 120 * DAY)),
          issueDcc(ps, vaccinationDcc(anna, '1990-06-01', 2, 2, 90 * DAY)),
          issueDcc(ps, pcrDcc(anna, '1990-06-01', NOW - 20 * HOUR)),
        ],
      },
    ],
  };
}

function shcFixture(): Pick<DccFixtures, 'shc' | 'shcIssuers' | 'shcVisitor'> {
  const issuer = makeShcIssuer();
  const doses = [immunization('208', date(NOW - 120 * DAY)), immunization('208', date(NOW - 90 * DAY))];
  const pcr = labResult('94309-2', '260415000', new Date((NOW - 20 * HOUR) * 1000).toISOString());
  return {
    shc: shcQr(issuer, cardPayload(doses, { nbf: NOW - 30 * DAY })),
    shcVisitor: shcQr(issuer, cardPayload([...doses, pcr], { nbf: NOW - 30 * DAY })).join('\n'),
    shcIssuers: trustOf('Bench issuer', issuer),
  };
}
