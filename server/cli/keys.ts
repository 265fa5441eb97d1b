/**
 * `singgah keys …`: create the authority's keys, rotate the root (a signed chain installed apps follow) or a
 * signing key, revoke a signing key, and create the EU DCC issuer key.
 */
import { resolve } from 'node:path';
import { KEY_ROLES, type KeyRole } from '../../src/core/bundle';
import { toBase64Url } from '../../src/core/bytes';
import {
  MAX_NEW_ROOT_KEYS,
  prepareRootRotation,
  revokeKey,
  rotateRoot,
  rotateSigningKey,
  summarise,
  writeRequest,
} from '../authority';
import { createDccIssuer } from '../dcc-issuer';
import { AuthorityError } from '../errors';
import { MIN_PASSPHRASE_CHARS, SCRYPT_COST } from '../key-encryption';
import {
  createCustodianKey,
  createKeys,
  currentPassphrase,
  keysDir,
  loadKeys,
  type PublicRootKey,
  readCustodianPublicKey,
  reencryptKeyFiles,
  trustFilePath,
} from '../keys';
import {
  type Command,
  type CommandGroup,
  iso,
  optionalStr,
  readPassphrase,
  str,
  UsageError,
  type Values,
  wholeNumber,
} from './kit';
import { changeSigners } from './trust';

const CREATE_DCC_ISSUER: Command = {
  name: 'keys create-dcc-issuer',
  summary: "create the authority's EU DCC signing key and certificate, trusted in the next bundle",
  usage: 'singgah keys create-dcc-issuer [--country CC] [--force]',
  details: `Makes an ES256 (P-256) key and a self-signed Document Signer Certificate for it (subject C = the
country, CN "Singgah DCC issuer CC", the DCC key usages for test, vaccination and recovery, valid 2 years),
written to DATA_DIR/keys/dcc-issuer.json (mode 0600; the key encrypted when a passphrase is given). The
certificate is added to the trusted DCC signers and the published bundle re-signed, so phones verify the
DCCs \`singgah cert issue … --format eu-dcc\` signs. Give DATA_DIR/keys/dcc-issuer.json's certificate
to other countries' gateways (\`singgah trust list\` shows its kid).

Options:
  --country CC   ISO 3166 country of the issuer (default ID)
  --force        replace an existing issuer key (the old certificate stays trusted until \`trust remove\`)`,
  options: { country: { type: 'string' }, force: { type: 'boolean' } },
  positionals: [],
  async run(values, _p, ctx) {
    const issuer = changeSigners(
      ctx,
      () => createDccIssuer(ctx.dataDir, ctx.now, optionalStr(values, 'country') ?? 'ID', values.force === true),
      () => true,
    );
    ctx.out(
      `Created the DCC issuer key ${issuer.trusted.signer.kid} (${issuer.country}), valid until ${iso(issuer.trusted.signer.notAfter)}`,
    );
  },
};

/** The custodians' public key files named by repeated --custodian options. */
function custodianKeys(values: Values): PublicRootKey[] {
  const files = Array.isArray(values.custodian) ? values.custodian : [];
  return files.map(readCustodianPublicKey);
}

const INIT_CUSTODIAN: Command = {
  name: 'keys init-custodian',
  summary: "create one custodian's root key, under their own passphrase, in their own directory",
  usage: 'singgah keys init-custodian --out DIR   (with --passphrase-file YOURS)',
  details: `For each root custodian, on their own (offline) machine. Writes DIR/root-<kid>.json (mode 0600,
DIR 0700), always encrypted with the custodian's own passphrase (--passphrase-file, first line, mode
0600, at least ${MIN_PASSPHRASE_CHARS} characters; or SINGGAH_PASSPHRASE), and DIR/root-<kid>.pub.json (public).
Prints the key id and public key: read them out to the authority, who builds the root from the .pub.json
files (\`singgah keys create --custodian A.pub.json --custodian B.pub.json … --threshold K\`). The secret
key file never leaves DIR. Refuses a DIR that already holds a root key.

Options:
  --out DIR   the custodian's own directory (removable media, or a folder on their machine)`,
  options: { out: { type: 'string' } },
  positionals: [],
  async run(values, _p, ctx) {
    const { key, publicFile } = createCustodianKey(str(values, 'out', 'keys init-custodian'), ctx.now);
    ctx.out(`Created root key ${key.kid} in ${resolve(key.file)} (encrypted with your passphrase)`);
    ctx.out(`  public key: ${toBase64Url(key.publicKey)}`);
    ctx.out(`Give ${resolve(publicFile)} to the authority; keep the key file and passphrase to yourself.`);
  },
};

const REENCRYPT: Command = {
  name: 'keys reencrypt',
  summary: 'rewrite key files encrypted with the current scrypt cost, or under a new passphrase',
  usage: 'singgah keys reencrypt [--key FILE]… [--new-passphrase-file FILE]',
  details: `Opens each key file with the passphrase in force (--passphrase-file or SINGGAH_PASSPHRASE; plain
files need none) and rewrites it encrypted with scrypt N = ${SCRYPT_COST.N}, r = ${SCRYPT_COST.r}, p = ${SCRYPT_COST.p} under the new
passphrase (or the same one). Every file is opened before any is rewritten. The key, its id and its file name
stay. The EU DCC issuer key (keys/dcc-issuer.json) is not touched.

Options:
  --key FILE                 a key file outside the data directory (a custodian's); repeat for more.
                             Without it: every key file in DATA_DIR/keys/
  --new-passphrase-file F    the new passphrase (first line; at least ${MIN_PASSPHRASE_CHARS} characters, mode 0600)`,
  options: { key: { type: 'string', multiple: true }, 'new-passphrase-file': { type: 'string' } },
  positionals: [],
  async run(values, _p, ctx) {
    const named = Array.isArray(values.key) ? values.key : [];
    const files = named.length > 0 ? named : loadKeys(ctx.dataDir).map((k) => k.file);
    if (files.length === 0) throw new AuthorityError('KEYS_MISSING', `no key files in ${keysDir(ctx.dataDir)}`);
    const newFile = optionalStr(values, 'new-passphrase-file');
    const pass = newFile !== undefined ? readPassphrase(newFile) : currentPassphrase();
    if (!pass) throw new UsageError('give the passphrase to encrypt with (--passphrase-file or --new-passphrase-file)');
    for (const key of reencryptKeyFiles(files, pass)) ctx.out(`Re-encrypted ${key.role} ${key.kid}: ${key.file}`);
  },
};

export const KEYS: CommandGroup = {
  name: 'keys',
  summary: 'manage the authority keys',
  commands: [
    {
      name: 'keys create',
      summary: 'create the root, certificate, venue and notices keys',
      usage: 'singgah keys create [--roots N | --custodian PUB.json…] [--threshold K] [--force] [--dcc-issuer CC]',
      details: `Writes one file per key to DATA_DIR/keys/ (mode 0600) and the public trust anchor
DATA_DIR/keys/trust.json, which the app build pins. Refuses when keys exist.

Options:
  --roots N       root keys to create here (default 1), all in this directory under one passphrase
  --custodian F   a custodian's public key file (root-<kid>.pub.json from \`singgah keys init-custodian\`);
                  repeat for each. The root is then those keys: no root key is created and none is ever
                  stored here; bundles are signed by ceremony (\`singgah bundle prepare\`)
  --threshold K   root signatures a bundle needs, 1–N (default 1); e.g. --roots 3 --threshold 2
  --force   replace existing keys (old files, and published root rotations, are moved to
            keys/retired/); installed apps cannot follow: the app must be rebuilt and reinstalled.
            To change the root key without that, use \`singgah keys rotate-root\`.
  --dcc-issuer CC   also create the EU DCC issuer key for country CC (\`singgah keys create-dcc-issuer\`)`,
      options: {
        force: { type: 'boolean' },
        roots: { type: 'string' },
        custodian: { type: 'string', multiple: true },
        threshold: { type: 'string' },
        'dcc-issuer': { type: 'string' },
      },
      positionals: [],
      async run(values, _p, ctx) {
        const cmd = 'keys create';
        const custodians = custodianKeys(values);
        const result = createKeys(ctx.dataDir, ctx.now, {
          force: values.force === true,
          ...(custodians.length > 0 ? { custodians } : {}),
          ...(values.roots !== undefined ? { roots: wholeNumber(values, 'roots', cmd) } : {}),
          ...(values.threshold !== undefined ? { threshold: wholeNumber(values, 'threshold', cmd) } : {}),
        });
        ctx.out(`Created keys in ${resolve(ctx.dataDir, 'keys')}:`);
        for (const k of result.created) ctx.out(`  ${k.role.padEnd(12)} ${k.kid}`);
        for (const k of custodians) ctx.out(`  root         ${k.kid} (held by its custodian)`);
        if (result.retiredTo) ctx.out(`Previous keys moved to ${result.retiredTo}`);
        const dccCountry = optionalStr(values, 'dcc-issuer');
        if (dccCountry !== undefined) {
          const issuer = createDccIssuer(ctx.dataDir, ctx.now, dccCountry, values.force === true);
          ctx.out(`  dcc-issuer   ${issuer.trusted.signer.kid} (${issuer.country}; trusted in the next bundle)`);
        }
        ctx.out(`Trust anchor (public): ${resolve(trustFilePath(ctx.dataDir))}`);
        ctx.out('Next: singgah bundle sign POLICY.json, then rebuild the app so it pins this trust anchor.');
      },
    },
    {
      name: 'keys rotate-root',
      summary: 'replace the root key(s) with a signed rotation that installed apps follow',
      usage: 'singgah keys rotate-root [--keys N] [--threshold K] | --custodian PUB.json… --out REQUEST.json',
      details: `Creates N new root keys and signs root version V+1 (V = the "version" in trust.json, 1 if absent)
with the current root keys AND the new ones. Installed apps fetch the chain from /v1/roots and accept
root V+1 only with both sets of signatures; then:
  - publishes DATA_DIR/published/roots/<V+1>.json (atomically),
  - rewrites DATA_DIR/keys/trust.json as root V+1 (new app builds pin it),
  - re-signs the published bundle with the new root as the next version (same rules and keys),
  - moves the old root key files to DATA_DIR/keys/retired/<time>/ (mode 0600 kept).
Refuses when the current root's secret keys are missing. The certificate, venue and notices keys stay,
so printed venue posters and issued certificates stay valid. Keep the retired keys offline until every
phone has synced; deleting them is the operator's decision.

By ceremony (custodians hold the root keys): --custodian names the new root's public keys and --out
writes a signing request instead — root V+1 for the current custodians and the new ones to cosign, and
the published bundle re-signed, for the new ones. \`singgah bundle cosign\` each, then
\`singgah bundle publish REQUEST.json\` checks both thresholds and publishes as above.

Options:
  --keys N        new root keys to create, 1–${MAX_NEW_ROOT_KEYS} (default 1)
  --threshold K   signatures of the new keys needed from now on, 1–N (default: the current threshold, at most N)
  --custodian F   a new custodian's public key file (repeat); needs --out
  --out FILE      where to write the signing request`,
      options: {
        keys: { type: 'string' },
        threshold: { type: 'string' },
        custodian: { type: 'string', multiple: true },
        out: { type: 'string' },
      },
      positionals: [],
      async run(values, _p, ctx) {
        const cmd = 'keys rotate-root';
        const custodians = custodianKeys(values);
        if (custodians.length > 0 || values.out !== undefined) {
          if (values.keys !== undefined) throw new UsageError('--keys and --custodian exclude each other', cmd);
          const out = str(values, 'out', cmd);
          if (custodians.length === 0) throw new UsageError('--out needs the new root: --custodian PUB.json…', cmd);
          const threshold = values.threshold !== undefined ? wholeNumber(values, 'threshold', cmd) : undefined;
          const prepared = prepareRootRotation(ctx.dataDir, custodians, threshold, ctx.now);
          writeRequest(out, prepared.request);
          ctx.out(
            `Wrote the signing request for root version ${prepared.version} (${prepared.threshold} of ` +
              `${custodians.length} new keys) to ${resolve(out)}`,
          );
          for (const part of summarise(prepared.request)) ctx.out(`  ${part.type} payload SHA-256: ${part.sha256}`);
          ctx.out(
            'Next: the current root custodians and the new ones each run `singgah bundle cosign REQUEST --key KEY`; ' +
              'then `singgah bundle publish REQUEST`.',
          );
          return;
        }
        const options = {
          ...(values.keys !== undefined ? { keys: wholeNumber(values, 'keys', cmd) } : {}),
          ...(values.threshold !== undefined ? { threshold: wholeNumber(values, 'threshold', cmd) } : {}),
        };
        const rotated = rotateRoot(ctx.dataDir, ctx.now, options);
        ctx.out(`Root version ${rotated.version}: ${rotated.threshold} of ${rotated.created.length} new key(s)`);
        for (const k of rotated.created) ctx.out(`  root         ${k.kid}`);
        ctx.out(`Published ${resolve(rotated.rootPath)} (served at /v1/roots)`);
        ctx.out(`Trust anchor (public): ${resolve(trustFilePath(ctx.dataDir))} is now root version ${rotated.version}`);
        if (rotated.bundle) ctx.out(`Re-signed bundle version ${rotated.bundle.version} with the new root`);
        else ctx.warn('warning: no bundle published yet; run `singgah bundle sign POLICY.json`');
        ctx.out(`Old root key(s) ${rotated.retired.map((k) => k.kid).join(', ')} moved to ${rotated.retiredTo}`);
        ctx.out('Installed apps follow the rotation at their next sync; rebuild the app so new installs pin it.');
      },
    },
    {
      name: 'keys rotate',
      summary: 'add a new certificate, venue, notices or cases key and publish it in the next bundle',
      usage: 'singgah keys rotate certificate|venue|notices|cases',
      details: `Creates a new key of ROLE (file mode 0600; encrypted with the passphrase when one is given) and
re-signs the published bundle as the next version listing it next to the old key. New venues,
certificates or notices are signed with the newest key; what the old key signed stays valid until
its validity window ends or you revoke it (\`singgah keys revoke KID\`). For the root key use
\`singgah keys rotate-root\`. \`cases\` adds a new health-office encryption key (X25519, the bundle's caseKey):
phones seal to it from their next sync; keep the old file until \`case review\` has opened every report
sealed to it.`,
      options: {},
      positionals: ['ROLE'],
      async run(_v, [role], ctx) {
        if (!(KEY_ROLES as readonly string[]).includes(role) && role !== 'cases') {
          throw new UsageError(
            `ROLE must be certificate, venue, notices or cases, got "${role}" (root: keys rotate-root)`,
          );
        }
        const { key, bundle } = rotateSigningKey(ctx.dataDir, role as KeyRole | 'cases', ctx.now);
        ctx.out(`Created ${role} key ${key.kid}`);
        ctx.out(`Re-signed bundle version ${bundle.version} listing it (expires ${iso(bundle.expiresAt)})`);
      },
    },
    {
      name: 'keys revoke',
      summary: 'revoke a certificate, venue or notices key in the next bundle',
      usage: 'singgah keys revoke KID',
      details: `Adds KID to DATA_DIR/revocations.json, moves its key file to DATA_DIR/keys/retired/<time>/ and
re-signs the published bundle as the next version. Once phones sync it, everything KID signed is
rejected (venue posters must be re-printed, certificates re-issued). Refuses the last key of a role
(run \`singgah keys rotate ROLE\` first) and root keys (use \`singgah keys rotate-root\`).`,
      options: {},
      positionals: ['KID'],
      async run(_v, [kid], ctx) {
        if (!/^[0-9a-f]{1,16}$/.test(kid)) throw new UsageError(`KID must be a key id like 3fa1, got "${kid}"`);
        const revoked = revokeKey(ctx.dataDir, kid, ctx.now);
        ctx.out(`Revoked ${revoked.roles.join('/')} key ${kid}`);
        if (revoked.retiredTo) ctx.out(`Key file moved to ${revoked.retiredTo}`);
        ctx.out(`Re-signed bundle version ${revoked.bundle.version} with the revocation`);
      },
    },
    INIT_CUSTODIAN,
    CREATE_DCC_ISSUER,
    REENCRYPT,
  ],
};
