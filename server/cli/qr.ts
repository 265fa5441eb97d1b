/** `singgah qr decode`: read QR codes from PNG or JPEG files with the phones' own decoder. */
import { readFileSync } from 'node:fs';
import { AuthorityError } from '../errors';
import { readQrImage } from '../qr-image';
import type { Command, CommandGroup } from './kit';

const QR_DECODE: Command = {
  name: 'qr decode',
  summary: "read the QR code of PNG or JPEG files with the app's own decoder",
  usage: 'singgah qr decode [--json] FILE…',
  details: `Prints one line per FILE: "FILE: TEXT", or "FILE: no QR code found". With --json one JSON object
per line: {"file": "…", "text": "…"} or {"file": "…", "text": null}. Uses the decoder the phones run
(zxing's QR reader with Singgah's corner choice); large images are also tried smaller, and inverted.
Check a printed poster or certificate with it, or feed its text to \`singgah cert inspect\`.
Exit 0 when every file had a QR code, 1 otherwise (an unreadable file is reported and the rest read).`,
  options: { json: { type: 'boolean' } },
  positionals: ['FILE'],
  variadic: true,
  async run(values, files, ctx) {
    let unread = 0;
    for (const file of files) {
      let text: string | null = null;
      let problem: string | undefined;
      try {
        text = readQrImage(readFileSync(file), file);
      } catch (e) {
        problem = e instanceof AuthorityError ? e.message : `cannot read ${file}`;
        ctx.warn(problem);
      }
      if (text === null) unread++;
      if (values.json === true) ctx.out(JSON.stringify({ file, text }));
      else if (problem === undefined) ctx.out(`${file}: ${text ?? 'no QR code found'}`);
    }
    if (unread > 0)
      throw new AuthorityError('CHECK_FAILED', `${unread} of ${files.length} file(s) without a readable QR code`);
  },
};

export const QR: CommandGroup = {
  name: 'qr',
  summary: 'read QR codes from image files',
  commands: [QR_DECODE],
};
