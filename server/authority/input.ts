/**
 * What every authority operation does with operator input: field checks that fail with INPUT_INVALID and a
 * message naming the field, real region codes, and a core error spelled out for the operator.
 */
import * as v from 'valibot';
import type { CoreError } from '../../src/core/errors';
import { regionCode } from '../../src/core/schema';
import { AuthorityError } from '../errors';
import { findRegion } from '../regions';

/** The origin of the links venues and certificates are printed with when the operator gives none. */
export const DEFAULT_ORIGIN = 'http://localhost:8080';

export interface RegisterOptions {
  readonly origin?: string;
  /** Marks a venue or certificate created by demo-init. */
  readonly demo?: boolean;
}

export const describeError = (e: CoreError) => (e.detail ? `${e.code} (${e.detail})` : e.code);

/** Unix seconds as the operator reads them: ISO 8601 in UTC, without milliseconds. */
export const isoTime = (t: number) => new Date(t * 1000).toISOString().replace('.000Z', 'Z');

export function check<S extends v.GenericSchema>(schema: S, value: unknown, what: string): v.InferOutput<S> {
  const r = v.safeParse(schema, value);
  if (!r.success) throw new AuthorityError('INPUT_INVALID', `${what}: ${r.issues[0].message}`);
  return r.output;
}

export const int = (min: number, max: number) =>
  v.pipe(v.number('must be a number'), v.integer('must be a whole number'), v.minValue(min), v.maxValue(max));

/** A well-formed code is not enough: it must name a real province or regency/city (server/regions.ts). */
export function checkRegion(region: unknown): string {
  if (typeof region !== 'string' || !v.is(regionCode, region)) {
    throw new AuthorityError(
      'REGION_INVALID',
      `region must be a BPS code of 2 digits (province, e.g. 64) or 4 digits (regency/city, e.g. 6472), got ${JSON.stringify(region)}`,
    );
  }
  if (!findRegion(region)) {
    throw new AuthorityError(
      'REGION_INVALID',
      `region ${region} is not an Indonesian province or regency/city code (e.g. 64 Kalimantan Timur, 6472 Kota Samarinda)`,
    );
  }
  return region;
}
