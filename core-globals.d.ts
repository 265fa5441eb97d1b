/**
 * The few web-standard globals src/core may use, for `tsconfig.core.json` only (lib ES2022, no DOM, no Node types).
 * Every runtime core runs in has them with these exact shapes: browsers, workers, Node ≥ 11 and Deno (WHATWG
 * Encoding Standard). Declaring just these, instead of adding the DOM lib, keeps `document`, `fetch`, `indexedDB`,
 * `Date.now`-free code a compile-time fact rather than a convention. The other configs (app, sw, node) get the same
 * names from lib.dom, lib.webworker or @types/node and do not include this file (the declarations would clash).
 */

interface TextEncoder {
  readonly encoding: string;
  encode(input?: string): Uint8Array<ArrayBuffer>;
}
declare var TextEncoder: { prototype: TextEncoder; new (): TextEncoder };

interface TextDecoderOptions {
  fatal?: boolean;
  ignoreBOM?: boolean;
}
interface TextDecodeOptions {
  stream?: boolean;
}
interface TextDecoder {
  readonly encoding: string;
  readonly fatal: boolean;
  readonly ignoreBOM: boolean;
  decode(input?: ArrayBufferView | ArrayBuffer, options?: TextDecodeOptions): string;
}
declare var TextDecoder: { prototype: TextDecoder; new (label?: string, options?: TextDecoderOptions): TextDecoder };
