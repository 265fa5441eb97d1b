/**
 * A small strict CBOR decoder (RFC 8949) for what a DCC holds: integers, byte and text strings, arrays,
 * maps, tags, floats and the simple values false/true/null/undefined. Every input is either decoded
 * completely or refused:
 * - not well-formed (reserved additional information, a break outside an indefinite item, a chunk of
 *   the wrong type inside an indefinite string, a 1-byte simple value below 32), truncated, or followed
 *   by trailing bytes;
 * - text that is not UTF-8, a map key other than an integer or text, a duplicated map key;
 * - past the limits: nesting depth and item count (a length is also checked against the bytes left
 *   before anything is allocated, so a claimed 2^64-element array costs nothing).
 * Indefinite lengths and non-shortest heads are well-formed CBOR and are accepted: issuers' encoders
 * differ, and the signature covers the bytes as sent, not a canonical re-encoding.
 */
import { concatBytes, fromUtf8 } from '../bytes';

export class CborTag {
  constructor(
    readonly tag: number,
    readonly value: CborValue,
  ) {}
}
export type CborKey = number | string;
export type CborValue =
  | number
  | bigint
  | string
  | boolean
  | null
  | undefined
  | Uint8Array
  | CborTag
  | readonly CborValue[]
  | ReadonlyMap<CborKey, CborValue>;

export interface CborLimits {
  readonly maxDepth: number;
  readonly maxItems: number;
}
/** A DCC nests 6 deep and holds ~40 items; these bounds are generous for any honest issuer. */
export const CBOR_LIMITS: CborLimits = { maxDepth: 16, maxItems: 4096 };

export type CborResult =
  | { readonly ok: true; readonly value: CborValue }
  | { readonly ok: false; readonly detail: string };

class Refused {
  constructor(readonly detail: string) {}
}
const BREAK = Symbol('break');

class Reader {
  at = 0;
  items = 0;
  constructor(
    readonly bytes: Uint8Array,
    readonly limits: CborLimits,
  ) {}

  fail(detail: string): never {
    throw new Refused(`${detail} at byte ${this.at}`);
  }

  byte(): number {
    if (this.at >= this.bytes.length) this.fail('truncated');
    return this.bytes[this.at++];
  }

  take(n: number): Uint8Array {
    if (n > this.bytes.length - this.at) this.fail('length past the end');
    const out = this.bytes.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }

  /** The argument of a head: a number when it fits 2^53 exactly, else a bigint. */
  argument(info: number): number | bigint {
    if (info < 24) return info;
    if (info === 24) return this.byte();
    if (info === 25) return (this.byte() << 8) | this.byte();
    if (info === 26) return ((this.byte() << 24) >>> 0) + ((this.byte() << 16) | (this.byte() << 8) | this.byte());
    if (info === 27) {
      let n = 0n;
      for (let i = 0; i < 8; i++) n = (n << 8n) | BigInt(this.byte());
      return n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
    }
    return this.fail('reserved additional information');
  }

  /** A length or count: must fit in what is left (each item takes at least one byte). */
  count(info: number): number {
    const n = this.argument(info);
    if (typeof n === 'bigint' || n > this.bytes.length - this.at) this.fail('length past the end');
    return n as number;
  }

  countItem(): void {
    if (++this.items > this.limits.maxItems) this.fail('too many items');
  }

  item(depth: number): CborValue | typeof BREAK {
    if (depth > this.limits.maxDepth) this.fail('nested too deep');
    const head = this.byte();
    const major = head >> 5;
    const info = head & 0x1f;
    if (head === 0xff) return BREAK;
    this.countItem();
    switch (major) {
      case 0:
        return this.argument(info);
      case 1: {
        // −1 − n; a bigint when it leaves the range where every integer is exact.
        const n = this.argument(info);
        if (typeof n === 'bigint' || n >= Number.MAX_SAFE_INTEGER) return -1n - BigInt(n);
        return -1 - n;
      }
      case 2:
      case 3:
        return this.string(major, info);
      case 4: {
        const out: CborValue[] = [];
        if (info === 31) {
          for (let v = this.item(depth + 1); v !== BREAK; v = this.item(depth + 1)) out.push(v);
          return out;
        }
        const n = this.count(info);
        for (let i = 0; i < n; i++) out.push(this.value(depth + 1));
        return out;
      }
      case 5: {
        const out = new Map<CborKey, CborValue>();
        const entry = (key: CborValue) => {
          if (typeof key !== 'number' && typeof key !== 'string') this.fail('map key not an integer or text');
          if (out.has(key)) this.fail('duplicate map key');
          out.set(key, this.value(depth + 1));
        };
        if (info === 31) {
          for (let k = this.item(depth + 1); k !== BREAK; k = this.item(depth + 1)) entry(k);
          return out;
        }
        const n = this.count(info);
        for (let i = 0; i < n; i++) entry(this.value(depth + 1));
        return out;
      }
      case 6: {
        const tag = this.argument(info);
        if (typeof tag === 'bigint') this.fail('tag number too large');
        return new CborTag(tag as number, this.value(depth + 1));
      }
      default:
        return this.simple(info);
    }
  }

  value(depth: number): CborValue {
    const v = this.item(depth);
    if (v === BREAK) this.fail('break outside an indefinite item');
    return v as CborValue;
  }

  string(major: number, info: number): string | Uint8Array {
    let bytes: Uint8Array;
    if (info === 31) {
      const chunks: Uint8Array[] = [];
      for (let h = this.byte(); h !== 0xff; h = this.byte()) {
        if (h >> 5 !== major || (h & 0x1f) === 31) this.fail('bad chunk in an indefinite string');
        this.countItem();
        chunks.push(this.take(this.count(h & 0x1f)));
      }
      bytes = concatBytes(...chunks);
    } else {
      bytes = this.take(this.count(info));
    }
    if (major === 2) return bytes;
    const text = fromUtf8(bytes);
    if (text === undefined) this.fail('text is not UTF-8');
    return text as string;
  }

  simple(info: number): CborValue {
    switch (info) {
      case 20:
        return false;
      case 21:
        return true;
      case 22:
        return null;
      case 23:
        return undefined;
      case 25:
        return halfToNumber((this.byte() << 8) | this.byte());
      case 26:
        return new DataView(this.take(4).slice().buffer).getFloat32(0);
      case 27:
        return new DataView(this.take(8).slice().buffer).getFloat64(0);
      default:
        // 0–19 and 24 (unassigned or not well-formed), 28–30 reserved.
        return this.fail('unsupported simple value');
    }
  }
}

function halfToNumber(h: number): number {
  const exp = (h >> 10) & 0x1f;
  const mant = h & 0x3ff;
  const sign = h & 0x8000 ? -1 : 1;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 31) return mant === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/** Decodes exactly one item that spans all of `bytes`. */
export function decodeCbor(bytes: Uint8Array, limits: CborLimits = CBOR_LIMITS): CborResult {
  const r = new Reader(bytes, limits);
  try {
    const value = r.value(0);
    if (r.at !== bytes.length) return { ok: false, detail: `${bytes.length - r.at} trailing bytes` };
    return { ok: true, value };
  } catch (error) {
    if (error instanceof Refused) return { ok: false, detail: error.detail };
    // A RangeError from the engine (e.g. a call stack limit) is refused the same way; nothing else is expected.
    return { ok: false, detail: error instanceof Error ? error.message : 'decode failed' };
  }
}

/** Shortest-form head of a byte string (major 2), text (3) or array (4): what Sig_structure needs. */
export function encodeHead(major: number, n: number): Uint8Array {
  const m = major << 5;
  if (n < 24) return Uint8Array.of(m | n);
  if (n < 0x100) return Uint8Array.of(m | 24, n);
  if (n < 0x10000) return Uint8Array.of(m | 25, n >> 8, n & 0xff);
  return Uint8Array.of(m | 26, (n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff);
}
