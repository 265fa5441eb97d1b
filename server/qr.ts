/**
 * QR images for posters and the demo page (the `qrcode` package; error correction M). Links are
 * encoded in their QR text form (`qrText`: origin and path upper-cased, so they pack as alphanumeric).
 */
import QRCode from 'qrcode';
import { qrText } from '../src/core/qr-link';

const OPTIONS = { errorCorrectionLevel: 'M' } as const;

/** The QR version (1–40) `text` needs at error correction M. */
export const qrVersion = (text: string): number => QRCode.create(text, OPTIONS).version;

/**
 * SVG of a Singgah link's QR (black on white, 4-module quiet zone). Attributes only, no style
 * attribute or element, so it passes a strict CSP when inlined.
 */
export const linkQrSvg = (link: string): Promise<string> =>
  QRCode.toString(qrText(link), { ...OPTIONS, type: 'svg', margin: 4 });
