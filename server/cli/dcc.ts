/**
 * `singgah dcc …`: revoking EU DCCs the EU way (server/dcc-revocations.ts). Each change re-signs the published
 * bundle, so phones and guards refuse the DCC (CERTIFICATE_REVOKED) from their next sync.
 */
import { existsSync, readFileSync } from 'node:fs';
import { countryUciHash, type DccInspection, inspectDcc, uciHash } from '../../src/core/dcc';
import { readPublishedBundle } from '../authority';
import {
  addDccRevocations,
  type DccRevocationEntry,
  dccRevocationsPath,
  MAX_BATCH_ENTRIES,
  REVOCATION_LISTS,
  type RevocationList,
  readDccRevocations,
  readRevocationBatches,
  removeDccRevocations,
} from '../dcc-revocations';
import { AuthorityError } from '../errors';
import { readQrImage } from '../qr-image';
import {
  type Command,
  type CommandGroup,
  type Context,
  iso,
  optionalStr,
  parseTime,
  UsageError,
  type Values,
} from './kit';
import { changeThenRepublish } from './republish';

const SELECTORS = {
  uci: { type: 'string' },
  'country-uci': { type: 'string' },
  signature: { type: 'string' },
} as const;

const SELECTOR_HELP = `  --uci UCI                 the certificate identifier (ci), as written in the DCC
  --country-uci CC/UCI      the issuing country (CWT iss, e.g. ID) and the UCI: revokes only that
                            country's certificate with this UCI
  --signature HC1|FILE      this one DCC, by its signature: its HC1: text, or a file holding the text or
                            a PNG/JPEG of its QR code`;

/** A PNG or JPEG is read as a QR code; anything else as the text itself. */
function hc1TextOf(arg: string): string {
  if (arg.startsWith('HC1:')) return arg.trim();
  if (!existsSync(arg))
    throw new AuthorityError('INPUT_INVALID', `--signature: ${arg} is neither HC1: text nor a file`);
  const bytes = readFileSync(arg);
  const image = (bytes[0] === 0x89 && bytes[1] === 0x50) || (bytes[0] === 0xff && bytes[1] === 0xd8);
  const text = image ? readQrImage(bytes, arg) : bytes.toString('utf8').trim();
  if (text === null) throw new AuthorityError('INPUT_INVALID', `--signature: no QR code found in ${arg}`);
  return text;
}

interface Selected {
  readonly list: RevocationList;
  readonly hash: string;
  readonly subject: string;
  /** For a DCC given whole: its expiry (no need to list it after) and the inspection, for the operator. */
  readonly exp?: number;
  readonly inspected?: DccInspection;
}

const uciOfPayload = (payload: unknown): string | undefined => {
  const p = payload as Record<string, { ci?: unknown }[] | undefined> | null;
  const entry = p?.v?.[0] ?? p?.t?.[0] ?? p?.r?.[0];
  return typeof entry?.ci === 'string' ? entry.ci : undefined;
};

/** The one list and hash the options name (exactly one of --uci, --country-uci, --signature). */
function selected(values: Values, cmd: string, ctx: Context): Selected {
  const given = (Object.keys(SELECTORS) as (keyof typeof SELECTORS)[]).filter((k) => values[k] !== undefined);
  if (given.length !== 1) throw new UsageError('give exactly one of --uci, --country-uci, --signature', cmd);
  const raw = optionalStr(values, given[0])?.trim() ?? '';
  if (raw === '') throw new UsageError(`--${given[0]} is empty`, cmd);
  if (given[0] === 'uci') return { list: 'uci', hash: uciHash(raw), subject: raw };
  if (given[0] === 'country-uci') {
    const m = /^([A-Z]{2})\/(.+)$/.exec(raw);
    if (!m) throw new UsageError('--country-uci must be CC/UCI, e.g. ID/URN:UVCI:01:ID:…', cmd);
    return { list: 'countryUci', hash: countryUciHash(m[1], m[2]), subject: `${m[1]}/${m[2]}` };
  }
  const text = hc1TextOf(raw);
  const bundle = readPublishedBundle(ctx.dataDir)?.payload;
  const inspected = inspectDcc(text, { at: ctx.now, signers: bundle?.dccSigners ?? [] });
  if (!inspected.revocation) {
    throw new AuthorityError('INPUT_INVALID', `--signature: not a readable EU DCC (${inspected.errors.join(', ')})`);
  }
  const uci = uciOfPayload(inspected.payload);
  return {
    list: 'signature',
    hash: inspected.revocation.signature,
    subject: `signature of ${uci ?? 'a DCC without a UCI'}${inspected.claims.iss ? ` (${inspected.claims.iss})` : ''}`,
    ...(inspected.claims.exp === undefined ? {} : { exp: inspected.claims.exp }),
    inspected,
  };
}

const LIST_NAMES: Record<RevocationList, string> = { uci: 'UCI', countryUci: 'COUNTRYCODEUCI', signature: 'SIGNATURE' };

function entryLine(e: DccRevocationEntry, now: number): string {
  const end = e.until === undefined ? 'for good' : `${e.until > now ? 'until' : 'ended'} ${iso(e.until)}`;
  const words = [e.subject, e.reason ? `reason: ${e.reason}` : undefined].filter(Boolean).join(' — ');
  return `${LIST_NAMES[e.list].padEnd(14)}  ${e.hash}  ${iso(e.addedAt)}  ${end}  ${e.source}${words ? `  ${words}` : ''}`;
}

/**
 * Change the stored revocations, then re-sign the published bundle with them. When the bundle cannot be
 * signed (over a list's limit, say), the previous file is put back: nothing is stored that no bundle carries.
 */
const changeRevocations = <T>(ctx: Context, change: () => T, changed: (result: T) => boolean): T =>
  changeThenRepublish(ctx, {
    path: dccRevocationsPath(ctx.dataDir),
    change,
    changed,
    summary: (b) => {
      const lists = b.payload.dccRevocations ?? {};
      return `the DCC revocations in force (${REVOCATION_LISTS.map((l) => `${lists[l]?.length ?? 0} ${LIST_NAMES[l]}`).join(', ')})`;
    },
    unchanged: 'the DCC revocations are unchanged',
  });

const DCC_REVOKE: Command = {
  name: 'dcc revoke',
  summary: 'revoke an EU DCC (by UCI, country + UCI, or signature) from the next bundle',
  usage: 'singgah dcc revoke (--uci UCI | --country-uci CC/UCI | --signature HC1|FILE) [--reason TEXT] [--until TIME]',
  details: `Lists the DCC in DATA_DIR/dcc-revocations.json as the EU revocation scheme does — standard base64
of the first 16 bytes of SHA-256 of the UCI, of the country + UCI, or of the signature (for ES256 its r
half) — and re-signs the published bundle carrying it. Phones and guards refuse the DCC from their next
sync (CERTIFICATE_REVOKED: "Sertifikat ini sudah dicabut." / "This certificate has been revoked."), and
\`singgah cert inspect\` reports it. Revoking by UCI also revokes every other DCC with that UCI (a
re-issue keeps it); by signature revokes exactly the DCC given.

Options:
${SELECTOR_HELP}
  --reason TEXT             kept for the operator (\`dcc list\`); phones get only the hash
  --until TIME              leave it out of bundles from TIME on (default: for good; with --signature,
                            the DCC's own expiry, after which it is refused anyway)`,
  options: { ...SELECTORS, reason: { type: 'string' }, until: { type: 'string' } },
  positionals: [],
  async run(values, _p, ctx) {
    const cmd = 'dcc revoke';
    const s = selected(values, cmd, ctx);
    const untilRaw = optionalStr(values, 'until');
    const until = untilRaw === undefined ? s.exp : parseTime(untilRaw, 'until');
    if (until !== undefined && until <= ctx.now) {
      throw new AuthorityError('INPUT_INVALID', `the revocation would end at once (${iso(until)}): nothing to do`);
    }
    const reason = optionalStr(values, 'reason')?.trim();
    const entry: DccRevocationEntry = {
      list: s.list,
      hash: s.hash,
      addedAt: ctx.now,
      ...(until === undefined ? {} : { until }),
      subject: s.subject,
      ...(reason ? { reason } : {}),
      source: 'cli',
    };
    if (s.inspected && !s.inspected.valid) {
      ctx.warn(`note: this DCC does not verify anyway (${s.inspected.errors.join(', ')})`);
    }
    changeRevocations(
      ctx,
      () => {
        const added = addDccRevocations(ctx.dataDir, [entry]);
        ctx.out(`${added.length > 0 ? 'Revoked' : 'Already revoked'}: ${entryLine(entry, ctx.now)}`);
        return added;
      },
      // Revoking again may extend an end, which the bundle must carry too.
      () => true,
    );
  },
};

const DCC_UNREVOKE: Command = {
  name: 'dcc unrevoke',
  summary: 'take an EU DCC revocation back from the next bundle',
  usage: 'singgah dcc unrevoke (HASH | --uci UCI | --country-uci CC/UCI | --signature HC1|FILE)',
  details: `Removes the revocation (a HASH as \`dcc list\` prints it, or the DCC named as for \`dcc revoke\`)
from DATA_DIR/dcc-revocations.json and re-signs the published bundle without it: once phones sync, the
DCC counts again if it verifies. An entry a gateway batch brought comes back with the next import of
that batch.

Options:
${SELECTOR_HELP}`,
  options: { ...SELECTORS },
  positionals: [],
  optionalPositional: 'HASH',
  async run(values, [hash], ctx) {
    const cmd = 'dcc unrevoke';
    if (hash !== undefined && Object.keys(SELECTORS).some((k) => values[k] !== undefined)) {
      throw new UsageError('give a HASH or one of --uci, --country-uci, --signature, not both', cmd);
    }
    const wanted = hash !== undefined ? [{ hash: hash.trim() }] : [selected(values, cmd, ctx)];
    changeRevocations(
      ctx,
      () => {
        for (const e of removeDccRevocations(ctx.dataDir, wanted)) ctx.out(`Unrevoked ${entryLine(e, ctx.now)}`);
      },
      () => true,
    );
  },
};

const DCC_LIST: Command = {
  name: 'dcc list',
  summary: 'list the revoked EU DCCs',
  usage: 'singgah dcc list',
  details: `One line per revocation: the list (UCI, COUNTRYCODEUCI or SIGNATURE, as the EU gateway names
them), the hash the bundle carries, when it was added, until when it stays in bundles ("for good", or an
end; "ended" ones are no longer carried), where it came from (cli or a gateway batch), what was revoked
and the reason given.`,
  options: {},
  positionals: [],
  async run(_v, _p, ctx) {
    const entries = readDccRevocations(ctx.dataDir);
    const inForce = entries.filter((e) => e.until === undefined || e.until > ctx.now).length;
    ctx.out(`${entries.length} revoked DCC hash(es), ${inForce} in force`);
    for (const e of entries) ctx.out(entryLine(e, ctx.now));
  },
};

const DCC_IMPORT: Command = {
  name: 'dcc import',
  summary: "import the EU gateway's DCC revocation batches into the next bundle",
  usage: 'singgah dcc import FILE…',
  details: `Reads EU DCC gateway revocation batches — the JSON each batch's CMS signature wraps,
{"country": "DE", "expires": "2026-12-31T00:00:00Z", "kid": "…", "hashType": "UCI" | "COUNTRYCODEUCI" |
"SIGNATURE", "entries": [{"hash": "<base64 of 16 bytes>"}, …]} (1 to ${MAX_BATCH_ENTRIES} entries) — one batch or a
JSON array of batches per file, and adds their hashes to DATA_DIR/dcc-revocations.json until each
batch's "expires", then re-signs the published bundle. A malformed batch refuses the file (nothing is
imported); batches already expired are skipped and listed. The CMS signature is not checked here: verify
and unwrap each batch first (openssl cms -verify -inform DER -in BATCH -CAfile UPLOAD-CA.pem -out
batch.json) after fetching it over the gateway's authenticated channel.`,
  options: {},
  positionals: ['FILE'],
  variadic: true,
  async run(_v, files, ctx) {
    const incoming: DccRevocationEntry[] = [];
    let batches = 0;
    for (const file of files) {
      const read = readRevocationBatches(file, ctx.now, ctx.now);
      incoming.push(...read.entries);
      batches += read.batches;
      for (const reason of read.skipped) ctx.warn(`skipped ${file}: ${reason}`);
    }
    changeRevocations(
      ctx,
      () => {
        const added = addDccRevocations(ctx.dataDir, incoming);
        ctx.out(
          `Imported ${added.length} revoked DCC hash(es) from ${batches} batch(es) (${incoming.length - added.length} already listed)`,
        );
        return added;
      },
      () => incoming.length > 0,
    );
  },
};

export const DCC: CommandGroup = {
  name: 'dcc',
  summary: 'revoke EU DCCs (the EU revocation scheme) in the next bundle',
  commands: [DCC_REVOKE, DCC_UNREVOKE, DCC_LIST, DCC_IMPORT],
};
