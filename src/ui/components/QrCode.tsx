/**
 * A QR code as inline SVG (black on white, 4-module quiet zone, error correction M like the posters): one
 * `<path>` of unit squares built from `qrcode`'s module matrix — no canvas, no style attribute, so it
 * passes the strict CSP and stays sharp at any size. Lives in the lazy pass chunk only.
 */

import { useMemo } from 'preact/hooks';
import QRCode from 'qrcode';

const QUIET = 4;
/** Widest the code is drawn, in CSS px: fits a 360 px screen with the pass card's padding. */
const MAX_CSS_PX = 288;

function pathOf(text: string): { size: number; d: string } {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const n = modules.size;
  let d = '';
  for (let y = 0; y < n; y++)
    for (let x = 0; x < n; x++) if (modules.get(y, x)) d += `M${x + QUIET} ${y + QUIET}h1v1h-1z`;
  return { size: n + 2 * QUIET, d };
}

export function QrCode({ text, label, testId }: { text: string; label: string; testId?: string }) {
  const { size, d } = useMemo(() => pathOf(text), [text]);
  // A whole number of CSS px per module: fractional module widths render as alternating 7- and 8-px
  // columns, which cameras (and zxing) misread far more often than an evenly gridded code.
  const px = size * Math.max(2, Math.floor(MAX_CSS_PX / size));
  return (
    <svg
      class="qr-code"
      width={px}
      height={px}
      viewBox={`0 0 ${size} ${size}`}
      role="img"
      aria-label={label}
      data-testid={testId}
      shape-rendering="crispEdges"
    >
      <rect width={size} height={size} fill="#fff" />
      <path d={d} fill="#000" />
    </svg>
  );
}
