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
 * Characters that change how text reads without being visible, refused in every free-text field by Unicode
 * category rather than by a list that misses the next one: controls (Cc), format characters (Cf: bidi
 * embeddings, overrides and isolates — Trojan Source, CVE-2021-42574 — zero-width characters, U+2060 word
 * joiner, U+00AD soft hyphen, tag characters), private use (Co), code points unassigned in this runtime's
 * Unicode (Cn), lone surrogates (Cs), line/paragraph separators, and the default-ignorable rest (Hangul
 * fillers U+115F U+1160 U+3164 U+FFA0, variation selectors, combining grapheme joiner): a name made of
 * them looks empty, or the same as another name, on the guard's screen.
 * ZWNJ/ZWJ (U+200C/U+200D) are Cf but spell words in Arabic-script and Brahmic scripts (Persian
 * prefixes, Devanagari half forms, Javanese): they stay allowed between two letters or marks of a script
 * that uses them (JOINING_SCRIPTS), as IDNA's CONTEXTJ rule does for domain names; anywhere else they only
 * hide a difference, so they are refused.
 */
const JOINING_SCRIPTS = [
  'Arabic',
  'Syriac',
  'Nko',
  'Mongolian',
  'Devanagari',
  'Bengali',
  'Gurmukhi',
  'Gujarati',
  'Oriya',
  'Tamil',
  'Telugu',
  'Kannada',
  'Malayalam',
  'Sinhala',
  'Tibetan',
  'Myanmar',
  'Khmer',
  'Javanese',
  'Balinese',
  'Sundanese',
  'Batak',
  'Buginese',
  'Rejang',
] as const;
const joiningLetter = `(?:(?=[\\p{L}\\p{M}])[${JOINING_SCRIPTS.map((s) => `\\p{scx=${s}}`).join('')}])`;
const invisible =
  '[\\p{Cc}\\p{Cf}\\p{Co}\\p{Cn}\\p{Cs}\\p{Zl}\\p{Zp}\\p{Default_Ignorable_Code_Point}\\u115f\\u1160\\u3164\\uffa0]';
export const UNSAFE_CHARS = new RegExp(
  `(?![\\u200c\\u200d])${invisible}|(?<!${joiningLetter})[\\u200c\\u200d]|[\\u200c\\u200d](?!${joiningLetter})`,
  'gu',
);

/** The first refused character of `s` as "U+XXXX" (for the operator's message), or undefined when none. */
export function refusedCharIn(s: string): string | undefined {
  UNSAFE_CHARS.lastIndex = 0;
  const found = UNSAFE_CHARS.exec(s);
  UNSAFE_CHARS.lastIndex = 0;
  if (!found) return undefined;
  return `U+${(found[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}
export const hasUnsafeChars = (s: string) => refusedCharIn(s) !== undefined;

/** The check message of a refused character: parseWith turns it into TEXT_CHARACTER_REFUSED. */
export const REFUSED_CHAR_MESSAGE = 'invisible, control or unassigned character';

export const text = (max: number) =>
  v.pipe(
    v.string(),
    v.minLength(1),
    v.maxLength(max),
    v.check((s) => !hasUnsafeChars(s), REFUSED_CHAR_MESSAGE),
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
    case 'check':
      return issue.message === REFUSED_CHAR_MESSAGE ? 'TEXT_CHARACTER_REFUSED' : 'PAYLOAD_INVALID';
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
