/**
 * `singgah trust import-shc | list-shc | remove-shc`: the SMART Health Card issuers the authority trusts, kept in
 * the data directory and carried by the next signed bundle (phones never fetch an issuer's JWKS or CRL).
 */
import type { ShcIssuer } from '../../src/core/shc';
import {
  addTrustedShcIssuers,
  readShcImport,
  readTrustedShcIssuers,
  removeTrustedShcIssuer,
  shcIssuersPath,
} from '../shc-trust';
import { type Command, type Context, iso, optionalStr } from './kit';
import { changeThenRepublish } from './republish';

function issuerLines(i: ShcIssuer, now: number): string[] {
  return [
    `${i.iss}  ${i.name}  (${i.keys.length} key${i.keys.length === 1 ? '' : 's'})`,
    ...i.keys.map((k) => {
      const state =
        k.notBefore !== undefined && now < k.notBefore
          ? 'not yet valid'
          : k.notAfter !== undefined && now >= k.notAfter
            ? 'expired'
            : 'valid';
      const window =
        k.notBefore === undefined && k.notAfter === undefined
          ? 'no validity limit'
          : `${k.notBefore === undefined ? '…' : iso(k.notBefore)} – ${k.notAfter === undefined ? '…' : iso(k.notAfter)}`;
      return `  ${k.kid}  ${window} (${state})  ${k.revokedRids?.length ?? 0} revoked rid(s)`;
    }),
  ];
}

const changeIssuers = <T>(ctx: Context, change: () => T, changed: (result: T) => boolean): T =>
  changeThenRepublish(ctx, {
    path: shcIssuersPath(ctx.dataDir),
    change,
    changed,
    summary: (b) => `${b.payload.shcIssuers?.length ?? 0} SMART Health Card issuer(s)`,
    unchanged: 'the trusted SMART Health Card issuers are unchanged',
  });

export const TRUST_SHC_COMMANDS: readonly Command[] = [
  {
    name: 'trust import-shc',
    summary: 'trust SMART Health Card issuers (JWKS, CRLs, VCI directory) in the next bundle',
    usage: 'singgah trust import-shc [--iss URL] [--name NAME] FILE|DIR…',
    details: `Reads SMART Health Card issuer keys and keeps what phones need in DATA_DIR/shc-issuers.json: per
issuer its iss and name, per key its kid, public key (x, y), validity (from an x5c certificate, if any) and
revoked rids. Then re-signs the published bundle as the next version carrying them (phones never fetch a
JWKS or CRL). Files (a DIR is walked for *.json):
  JWKS {"keys": […]}            the issuer's <iss>/.well-known/jwks.json; needs --iss (and --name)
  CRL {"kid", "method": "rid", "ctr", "rids"}   <iss>/.well-known/crl/<kid>.json: the key's revoked cards
  VCI snapshot {"issuerInfo": [{"issuer": {"iss", "name"}, "keys", "crls"}]}
  VCI issuer list {"participating_issuers": [{"iss", "name"}]}   names issuers (keys only if inline)
Every key must be EC P-256, use sig, alg ES256, with kid = its RFC 7638 thumbprint and no private part
("d": the whole file is refused). Other keys of a set are skipped and listed. A CRL replaces its key's
list; one older than the key's crlVersion is refused.

Options:
  --iss URL     the issuer URL of bare JWKS files (https, no trailing /), exactly as cards carry it
  --name NAME   the issuer's name for people (default: the VCI list's, else the URL's host)`,
    options: { iss: { type: 'string' }, name: { type: 'string' } },
    positionals: ['FILE'],
    variadic: true,
    async run(values, files, ctx) {
      const iss = optionalStr(values, 'iss');
      const name = optionalStr(values, 'name');
      const read = readShcImport(files, { ...(iss ? { iss } : {}), ...(name ? { name } : {}) });
      const result = changeIssuers(
        ctx,
        () => {
          const r = addTrustedShcIssuers(ctx.dataDir, read);
          ctx.out(
            `Imported ${r.added} SMART Health Card key(s) of ${read.issuers.length} issuer(s); ${r.revokedKeys} revocation list(s)`,
          );
          for (const i of r.issuers.filter((x) => read.issuers.some((y) => y.iss === x.iss)))
            for (const line of issuerLines(i, ctx.now)) ctx.out(`  ${line}`);
          return r;
        },
        (r) => r.added > 0 || r.updated > 0 || r.revokedKeys > 0,
      );
      for (const reason of read.skipped) ctx.warn(`skipped ${reason}`);
      if (result.added === 0 && result.revokedKeys === 0) ctx.out('Nothing new: every key was already trusted.');
    },
  },
  {
    name: 'trust list-shc',
    summary: 'list the SMART Health Card issuers the authority trusts',
    usage: 'singgah trust list-shc',
    details: `Per trusted issuer: iss, name and keys; per key its kid, validity (valid, expired or not yet valid now)
and how many revoked rids the bundle carries for it.`,
    options: {},
    positionals: [],
    async run(_v, _p, ctx) {
      const issuers = readTrustedShcIssuers(ctx.dataDir);
      ctx.out(`${issuers.length} trusted SMART Health Card issuer(s)`);
      for (const i of issuers) for (const line of issuerLines(i, ctx.now)) ctx.out(line);
    },
  },
  {
    name: 'trust remove-shc',
    summary: 'stop trusting a SMART Health Card issuer (or one of its keys) from the next bundle',
    usage: 'singgah trust remove-shc ISS [--kid KID]',
    details: `Removes the issuer ISS (its iss URL, as \`trust list-shc\` prints it) or, with --kid, only that key,
and re-signs the published bundle: once phones sync, cards it signed no longer verify.`,
    options: { kid: { type: 'string' } },
    positionals: ['ISS'],
    async run(values, [iss], ctx) {
      const kid = optionalStr(values, 'kid');
      changeIssuers(
        ctx,
        () => {
          for (const k of removeTrustedShcIssuer(ctx.dataDir, iss, kid)) ctx.out(`Removed ${iss} key ${k}`);
        },
        () => true,
      );
    },
  },
];
