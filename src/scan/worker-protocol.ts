/**
 * The messages between the page and the decode worker (decode-worker.ts ↔ worker-bridge.ts). One request,
 * one response, matched by `id`; the pixel buffer is transferred, never copied.
 */
import type { Polarity } from './zxing-decode';

export interface DecodeRequest {
  readonly id: number;
  readonly width: number;
  readonly height: number;
  /** RGBA pixels (width × height × 4 bytes); transferred, so the sender's copy is detached. */
  readonly pixels: ArrayBuffer;
  /** Dark-on-light, light-on-dark, or as-is then inverted. */
  readonly polarity: Polarity;
}

export type DecodeResponse =
  | { readonly id: number; readonly ok: true; readonly text: string | null }
  | { readonly id: number; readonly ok: false; readonly error: string };
