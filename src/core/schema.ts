/** Shared valibot building blocks for every v1 format. Strict: unknown fields and items are rejected. */
import * as v from 'valibot';
import { type ErrorCode, err, ok, type Result } from './errors';

/** Seconds since the Unix epoch. Core never reads a clock: every "now" is a parameter of this type. */
export type UnixSeconds = number;

// Bounds that catch unit mix-ups (milliseconds, 2-digit years) as well as garbage.
export const MIN_TIME = 1_577_836_800; // 2020-01-01
export const MAX_TIME = 4_102_444_800; // 2100-01-01

export const time = v.pipe(v.number(), v.integer(), v.minValue(MIN_TIME), v.maxValue(MAX_TIME));

/**
 * Characters that change how text reads without being visible: C0/C1 controls, bidi embeddings,
 * overrides, isolates and marks (Trojan Source, CVE-2021-42574: U+202E makes a venue name read backwards
 * on the guard's screen), zero-width characters, line/paragraph separators, interlinear annotations and
 * tag characters. Letters of right-to-left scripts stay allowed.
 */
export const UNSAFE_CHARS =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
  /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff\ufff9-\ufffb\u{e0000}-\u{e007f}]/gu;
export const hasUnsafeChars = (s: string) => s.search(UNSAFE_CHARS) >= 0;

export const text = (max: number) =>
  v.pipe(
    v.string(),
    v.minLength(1),
    v.maxLength(max),
    v.check((s) => !hasUnsafeChars(s), 'control or bidi character'),
  );

export const isoDate = v.pipe(
  v.string(),
  v.regex(/^\d{4}-\d{2}-\d{2}$/),
  v.minValue('1900-01-01'),
  v.maxValue('2100-01-01'),
  v.check((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
  }, 'not a calendar date'),
);

/** Indonesian BPS region code: a province (2 digits) or regency/city (4 digits). */
export const regionCode = v.pipe(v.string(), v.regex(/^[1-9]\d(?:\d{2})?$/));
export const keyId = v.pipe(v.string(), v.regex(/^[0-9a-f]{4}$/));
export const identifier = v.pipe(v.string(), v.regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/));
export const categoryCode = v.pipe(v.string(), v.regex(/^[a-z][a-z0-9-]{0,23}$/));

/** A specific code for what is wrong, so tests and logs tell an unknown field from a bad value. */
function codeOf(issue: v.BaseIssue<unknown>): ErrorCode {
  switch (issue.type) {
    case 'strict_object':
    case 'strict_tuple':
      // valibot reports an extra key or item as expected "never"; anything else is a non-object input.
      return issue.expected === 'never' ? 'PAYLOAD_UNKNOWN_FIELD' : 'PAYLOAD_WRONG_TYPE';
    case 'string':
    case 'number':
    case 'boolean':
    case 'array':
    case 'integer':
      return 'PAYLOAD_WRONG_TYPE';
    case 'max_length':
      return 'PAYLOAD_TOO_LONG';
    case 'min_value':
    case 'max_value':
      return 'PAYLOAD_OUT_OF_RANGE';
    default:
      return 'PAYLOAD_INVALID';
  }
}

export function parseWith<S extends v.GenericSchema>(schema: S, input: unknown): Result<v.InferOutput<S>> {
  const parsed = v.safeParse(schema, input, { abortEarly: true });
  if (parsed.success) return ok(parsed.output);
  const issue = parsed.issues[0];
  const path = issue.path?.map((p) => String(p.key)).join('.') ?? '';
  return err(codeOf(issue), `${path}: ${issue.message}`);
}

/** JSON.parse that cannot throw. */
export function parseJson(source: string): Result<unknown> {
  try {
    return ok(JSON.parse(source) as unknown);
  } catch {
    return err('PAYLOAD_INVALID', 'not JSON');
  }
}
