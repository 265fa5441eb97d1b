/**
 * Writes Y4M (YUV4MPEG2) video files showing a QR code, for Chromium's fake camera
 * (`--use-file-for-fake-video-capture=<file>.y4m`, see ./chromium.ts). No ffmpeg: a Y4M file is a text
 * header and raw YUV 4:2:0 frames. We only draw in the Y (luma) plane; U and V are a constant 128 (grey).
 *
 * Chromium plays the file at its frame rate and loops it forever, so a single frame (the default) is a
 * still image. With `leadingBlankFrames` the camera first shows an empty (background) picture and the QR
 * only appears later; because of the loop, it then disappears again after `frames` QR frames.
 *
 * Chromium opens the file each time the camera starts (the first getUserMedia after all tracks ended), so
 * rewriting it between camera sessions changes what one browser's camera shows. Writes are atomic.
 *
 * Chromium reads the Y plane as video range (16–235), so levels ≥ 235 look white and ≤ 16 black; for low
 * contrast use mid-range levels (in Chromium with @zxing/browser 110 on 150 decodes, 115 on 150 does not).
 */
import { closeSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import QRCode from 'qrcode';

export interface QrY4mOptions {
  /** Frame width in pixels (even). Default 640. */
  width?: number;
  /** Frame height in pixels (even). Default 480. */
  height?: number;
  /** Frames per second written in the header. Default 30. */
  fps?: number;
  /** Pixels per module (may be fractional). Overrides `fraction`. */
  modulePx?: number;
  /**
   * Share of the frame's short side taken by the symbol including its quiet zone, used when `modulePx` is
   * not given; the module size is then rounded down to whole pixels (at least 1). Default 0.6.
   */
  fraction?: number;
  /** Top-left corner (pixels) of the symbol's box (quiet zone included) before rotation. Default: centred. */
  offset?: { x: number; y: number };
  /** Quiet zone around the symbol, in modules. The QR standard requires at least 4. Default 4. */
  quietZone?: number;
  /** Number of frames showing the QR. Default 1 (a still image, since Chromium loops the file). */
  frames?: number;
  /** Frames of plain background shown before the QR appears. Default 0. */
  leadingBlankFrames?: number;
  /** Luma (0–255) of dark modules. Default 0. */
  foreground?: number;
  /** Luma (0–255) of light modules, the quiet zone and blank frames. Default 255. */
  background?: number;
  /** Luma of the frame outside the quiet-zone box. Default: the (effective) background. */
  surround?: number;
  /** Swap foreground and background (light modules on a dark ground). Default false. */
  invert?: boolean;
  /** Clockwise rotation of the symbol about the centre of its box, in degrees. Default 0. */
  rotation?: number;
  /** QR error correction level. Default 'M'. */
  errorCorrectionLevel?: 'L' | 'M' | 'Q' | 'H';
}

export interface QrY4mInfo {
  path: string;
  width: number;
  height: number;
  /** QR version (1–40) and modules per side (without quiet zone). */
  version: number;
  modules: number;
  modulePx: number;
  /** The quiet-zone box before rotation, in pixels. */
  box: { x: number; y: number; size: number };
  totalFrames: number;
}

const clampLevel = (v: number): number => Math.max(0, Math.min(255, Math.round(v)));

function header(width: number, height: number, fps: number): string {
  return `YUV4MPEG2 W${width} H${height} F${fps}:1 Ip A1:1 C420jpeg\n`;
}

function checkSize(width: number, height: number): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new RangeError(`bad frame size ${width}x${height}`);
  }
  if (width % 2 !== 0 || height % 2 !== 0) throw new RangeError('YUV 4:2:0 needs an even width and height');
}

/**
 * Writes `blank` frames then `frames` copies of `luma` (a W*H Y plane) to `path`, atomically (temporary file
 * then rename), so a file Chromium is about to open is never half written.
 */
function writeFrames(
  path: string,
  width: number,
  height: number,
  fps: number,
  luma: Uint8Array,
  blankLevel: number,
  blank: number,
  frames: number,
): void {
  const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, 128);
  const marker = Buffer.from('FRAME\n', 'ascii');
  const blankLuma = Buffer.alloc(width * height, blankLevel);
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, Buffer.from(header(width, height, fps), 'ascii'));
    for (let i = 0; i < blank + frames; i++) {
      writeSync(fd, marker);
      writeSync(fd, i < blank ? blankLuma : luma);
      writeSync(fd, chroma);
    }
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/** Renders `text` as a QR code into a grayscale Y4M file at `path` (absolute path recommended). */
export function writeQrY4m(path: string, text: string, opts: QrY4mOptions = {}): QrY4mInfo {
  const width = opts.width ?? 640;
  const height = opts.height ?? 480;
  const fps = opts.fps ?? 30;
  checkSize(width, height);
  const quiet = opts.quietZone ?? 4;
  if (!Number.isInteger(quiet) || quiet < 0) throw new RangeError(`bad quiet zone ${quiet}`);
  const frames = opts.frames ?? 1;
  const blank = opts.leadingBlankFrames ?? 0;
  if (!Number.isInteger(frames) || frames < 1) throw new RangeError(`bad frame count ${frames}`);
  if (!Number.isInteger(blank) || blank < 0) throw new RangeError(`bad blank frame count ${blank}`);

  const qr = QRCode.create(text, { errorCorrectionLevel: opts.errorCorrectionLevel ?? 'M' });
  const n = qr.modules.size;
  const units = n + 2 * quiet;
  const fraction = opts.fraction ?? 0.6;
  const modulePx = opts.modulePx ?? Math.max(1, Math.floor((fraction * Math.min(width, height)) / units));
  if (!(modulePx > 0)) throw new RangeError(`bad module size ${modulePx}`);
  const size = units * modulePx;
  const x0 = opts.offset?.x ?? Math.round((width - size) / 2);
  const y0 = opts.offset?.y ?? Math.round((height - size) / 2);

  let fg = clampLevel(opts.foreground ?? 0);
  let bg = clampLevel(opts.background ?? 255);
  if (opts.invert) [fg, bg] = [bg, fg];
  const surround = clampLevel(opts.surround ?? bg);

  // Inverse mapping: for each output pixel centre, rotate back about the box centre, then look up the module.
  const theta = ((opts.rotation ?? 0) * Math.PI) / 180;
  const cos = Math.cos(theta);
  const sin = Math.sin(theta);
  const cx = x0 + size / 2;
  const cy = y0 + size / 2;
  const luma = new Uint8Array(width * height);
  for (let py = 0; py < height; py++) {
    for (let px = 0; px < width; px++) {
      const dx = px + 0.5 - cx;
      const dy = py + 0.5 - cy;
      // Rotating the symbol clockwise by theta (y axis points down) means sampling at -theta.
      const u = cos * dx + sin * dy + size / 2;
      const v = -sin * dx + cos * dy + size / 2;
      let level = surround;
      if (u >= 0 && v >= 0 && u < size && v < size) {
        const col = Math.floor(u / modulePx) - quiet;
        const row = Math.floor(v / modulePx) - quiet;
        const dark = row >= 0 && col >= 0 && row < n && col < n && Boolean(qr.modules.get(row, col));
        level = dark ? fg : bg;
      }
      luma[py * width + px] = level;
    }
  }

  writeFrames(path, width, height, fps, luma, bg, blank, frames);
  return {
    path,
    width,
    height,
    version: qr.version,
    modules: n,
    modulePx,
    box: { x: x0, y: y0, size },
    totalFrames: blank + frames,
  };
}

/** A camera that sees nothing but a flat picture (default white). */
export function writeBlankY4m(
  path: string,
  opts: { width?: number; height?: number; fps?: number; level?: number } = {},
): void {
  const width = opts.width ?? 640;
  const height = opts.height ?? 480;
  checkSize(width, height);
  const level = clampLevel(opts.level ?? 255);
  writeFrames(path, width, height, opts.fps ?? 30, new Uint8Array(width * height).fill(level), level, 0, 1);
}

export interface Y4mFile {
  width: number;
  height: number;
  fps: number;
  /** The Y (luma) plane of each frame, W*H bytes. */
  frames: Uint8Array[];
}

/** Reads a 4:2:0 Y4M file as written above (header parameters other than W, H and F are ignored). */
export function readY4m(path: string): Y4mFile {
  const buf = readFileSync(path);
  const eol = buf.indexOf(0x0a);
  const head = buf.subarray(0, eol).toString('ascii').split(' ');
  if (head[0] !== 'YUV4MPEG2') throw new Error('not a Y4M file');
  const param = (k: string): string | undefined => head.find((p) => p.startsWith(k))?.slice(1);
  const width = Number(param('W'));
  const height = Number(param('H'));
  const [num, den] = (param('F') ?? '30:1').split(':').map(Number);
  const ySize = width * height;
  const frameSize = ySize + 2 * (width / 2) * (height / 2);
  const frames: Uint8Array[] = [];
  let pos = eol + 1;
  while (pos < buf.length) {
    const end = buf.indexOf(0x0a, pos);
    if (end < 0 || !buf.subarray(pos, end).toString('ascii').startsWith('FRAME'))
      throw new Error(`bad frame at ${pos}`);
    pos = end + 1;
    if (pos + frameSize > buf.length) throw new Error('truncated frame');
    frames.push(new Uint8Array(buf.subarray(pos, pos + ySize)));
    pos += frameSize;
  }
  return { width, height, fps: num / (den || 1), frames };
}

/**
 * A Y4M that shows a blank lead-in, then each QR text for `secondsEach` in turn (Chromium loops it): a pass
 * whose codes follow one another, or two parts of one pass. The parts are written next to `path` first.
 */
export function writeQrSequenceY4m(path: string, texts: readonly string[], secondsEach = 2, leadSeconds = 4): void {
  const fps = 10;
  const parts = texts.map((text, i) => {
    const file = `${path}.part-${i}.y4m`;
    writeQrY4m(file, text, { fps, frames: secondsEach * fps, leadingBlankFrames: i === 0 ? leadSeconds * fps : 0 });
    const bytes = readFileSync(file);
    rmSync(file);
    // Every part has the same header; keep the first one and only the frames of the others.
    return i === 0 ? bytes : bytes.subarray(bytes.indexOf(0x0a) + 1);
  });
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, Buffer.concat(parts));
  renameSync(tmp, path);
}
