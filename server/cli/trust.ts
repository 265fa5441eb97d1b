/**
 * `singgah trust …`: the EU DCC Document Signers the authority trusts, kept in the data directory and
 * carried by the next signed bundle (phones never parse X.509).
 */
import {
  addTrustedSigners,
  dccSignersPath,
  readSignerFile,
  readTrustedSigners,
  removeTrustedSigners,
  type TrustedSigner,
} from '../dcc-trust';
import { type CommandGroup, type Context, iso } from './kit';
import { changeThenRepublish } from './republish';
import { TRUST_SHC_COMMANDS } from './trust-shc';

function signerLine(t: TrustedSigner, now: number): string {
  const s = t.signer;
  const cn =
    t.subject
      .split('\n')
      .find((l) => l.startsWith('CN='))
      ?.slice(3) ?? '';
  const state = now < s.notBefore ? 'not yet valid' : now >= s.notAfter ? 'expired' : 'valid';
  const usages = s.usages ? s.usages.join('') : 'tvr';
  return `${s.kid}  ${s.country}  ${s.alg}  ${usages.padEnd(3)}  ${iso(s.notBefore)} – ${iso(s.notAfter)} (${state})  ${cn}`;
}

/**
 * Change the trusted signers, then re-sign the published bundle so phones get them at the next sync. When the
 * bundle cannot be signed (over 1 MiB with them, say), the previous signers file is put back: the data dir
 * never holds signers that no bundle can carry.
 */
export const changeSigners = <T>(ctx: Context, change: () => T, changed: (result: T) => boolean): T =>
  changeThenRepublish(ctx, {
    path: dccSignersPath(ctx.dataDir),
    change,
    changed,
    summary: (b) => `${b.payload.dccSigners?.length ?? 0} DCC signer(s)`,
    unchanged: 'the trusted DCC signers are unchanged',
  });

export const TRUST: CommandGroup = {
  name: 'trust',
  summary: 'EU DCC signers and SMART Health Card issuers the authority trusts',
  commands: [
    {
      name: 'trust import',
      summary: 'trust EU DCC Document Signer Certificates (files or trust lists) in the next bundle',
      usage: 'singgah trust import FILE…',
      details: `Reads Document Signer Certificates — PEM (one or many per file), DER, base64 DER — or a trust list
(the EU gateway's /trustList JSON, a national backend's {"certificates": […]} list with or without its
signature line, a Swedish DSC-TL JWS, a WHO GDHCN DID document), and keeps what phones need in
DATA_DIR/dcc-signers.json: kid (first 8 bytes of SHA-256 of the certificate), country (subject C),
algorithm (EC P-256 → ES256, RSA ≥ 2048 bits → PS256), public key, validity and the DCC key usages
(test, vaccination, recovery OIDs 1.3.6.1.4.1.1847.2021.1.1–3, also the misspelled 1.3.6.1.4.1.0.1847…;
none = every type). Then re-signs the published bundle as the next version carrying them (phones never
parse X.509). A certificate file with anything else (another curve, a short RSA key, a CA, no country)
is refused with its reason and nothing is imported; such entries of a trust list are skipped and listed.
The lists' own signatures are not checked: fetch them over the gateway's authenticated channel.`,
      options: {},
      positionals: ['FILE'],
      variadic: true,
      async run(_v, files, ctx) {
        const incoming: TrustedSigner[] = [];
        for (const file of files) {
          const read = readSignerFile(file);
          incoming.push(...read.signers);
          for (const reason of read.skipped) ctx.warn(`skipped ${reason}`);
        }
        const added = changeSigners(
          ctx,
          () => {
            const added = addTrustedSigners(ctx.dataDir, incoming);
            ctx.out(`Imported ${added.length} DCC signer(s) (${incoming.length - added.length} already trusted)`);
            for (const t of added) ctx.out(`  ${signerLine(t, ctx.now)}`);
            return added;
          },
          (added) => added.length > 0,
        );
        for (const t of added.filter((t) => t.signer.notAfter <= ctx.now)) {
          ctx.warn(`warning: ${t.signer.kid} expired ${iso(t.signer.notAfter)}: it verifies only DCCs issued before`);
        }
      },
    },
    {
      name: 'trust list',
      summary: 'list the EU DCC signers the authority trusts',
      usage: 'singgah trust list',
      details: `One line per trusted Document Signer: kid, country, algorithm, the DCC types it may sign
(t test, v vaccination, r recovery), validity (valid, expired or not yet valid now) and its common name.`,
      options: {},
      positionals: [],
      async run(_v, _p, ctx) {
        const signers = readTrustedSigners(ctx.dataDir);
        ctx.out(`${signers.length} trusted DCC signer(s)`);
        for (const t of signers) ctx.out(signerLine(t, ctx.now));
      },
    },
    {
      name: 'trust remove',
      summary: 'stop trusting an EU DCC signer (by kid) from the next bundle',
      usage: 'singgah trust remove KID',
      details: `Removes every trusted signer with this kid (base64, as \`trust list\` prints it) from
DATA_DIR/dcc-signers.json and re-signs the published bundle without it: once phones sync, DCCs it signed
no longer verify (SIGNER_UNKNOWN).`,
      options: {},
      positionals: ['KID'],
      async run(_v, [kid], ctx) {
        changeSigners(
          ctx,
          () => {
            const removed = removeTrustedSigners(ctx.dataDir, kid);
            for (const t of removed) ctx.out(`Removed ${signerLine(t, ctx.now)}`);
          },
          () => true,
        );
      },
    },
    ...TRUST_SHC_COMMANDS,
  ],
};
