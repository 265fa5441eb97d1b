/**
 * A small CBOR encoder (RFC 8949, shortest heads): what an EU DCC issuer writes — integers, floats, text,
 * bytes, arrays, maps in insertion order, tags — plus `Raw` bytes spliced in as they are, which the tests
 * use to write what the rules forbid (test/support/dcc-sign.ts). The authority's DCC issuing uses it
 * (dcc-issuer.ts); phones only decode (core/dcc/cbor.ts).
 */
export class Raw {
  constructor(readonly bytes: Uint8Array) {}
}
export class Tag {
  constructor(
    readonly tag: number,
    readonly value: unknown,
  ) {}
}

function head(major: number, n: number | bigint): number[] {
  const m = major << 5;
  const v = BigInt(n);
  if (v < 24n) return [m | Number(v)];
  if (v < 0x100n) return [m | 24, Number(v)];
  if (v < 0x10000n) return [m | 25, Number(v >> 8n), Number(v & 0xffn)];
  if (v < 0x100000000n) return [m | 26, ...[24n, 16n, 8n, 0n].map((s) => Number((v >> s) & 0xffn))];
  return [m | 27, ...[56n, 48n, 40n, 32n, 24n, 16n, 8n, 0n].map((s) => Number((v >> s) & 0xffn))];
}

export function encodeCbor(value: unknown): Uint8Array {
  const out: number[] = [];
  const put = (x: unknown): void => {
    if (x instanceof Raw) out.push(...x.bytes);
    else if (x instanceof Tag) {
      out.push(...head(6, x.tag));
      put(x.value);
    } else if (x === false) out.push(0xf4);
    else if (x === true) out.push(0xf5);
    else if (x === null) out.push(0xf6);
    else if (x === undefined) out.push(0xf7);
    else if (typeof x === 'number' && Number.isInteger(x)) out.push(...(x >= 0 ? head(0, x) : head(1, -1 - x)));
    else if (typeof x === 'number') {
      const b = Buffer.alloc(9);
      b[0] = 0xfb;
      b.writeDoubleBE(x, 1);
      out.push(...b);
    } else if (typeof x === 'string') {
      const b = Buffer.from(x, 'utf8');
      out.push(...head(3, b.length), ...b);
    } else if (x instanceof Uint8Array) out.push(...head(2, x.length), ...x);
    else if (Array.isArray(x)) {
      out.push(...head(4, x.length));
      for (const item of x) put(item);
    } else if (x instanceof Map) {
      out.push(...head(5, x.size));
      for (const [k, v] of x) {
        put(k);
        put(v);
      }
    } else if (typeof x === 'object') {
      const entries = Object.entries(x as Record<string, unknown>);
      out.push(...head(5, entries.length));
      for (const [k, v] of entries) {
        put(k);
        put(v);
      }
    } else throw new Error(`cannot encode ${typeof x}`);
  };
  put(value);
  return Uint8Array.from(out);
}
