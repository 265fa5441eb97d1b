/**
 * `singgah bundle …`: sign and publish the next bundle in one step (root keys in the data directory), or by
 * ceremony when custodians hold the root keys: prepare a signing request, each custodian cosigns it offline,
 * publish once the threshold is met (the same for a root rotation request from `keys rotate-root --custodian`).
 */
import { resolve } from 'node:path';
import type { BundlePayload } from '../../src/core/bundle';
import {
  bundleRequest,
  cosignRequest,
  mergeRequests,
  nextPayloadFromPolicy,
  prepareBundle,
  publishPreparedBundle,
  publishRequest,
  readPolicyFile,
  readRequest,
  republishPayload,
  summarise,
  writeRequest,
} from '../authority';
import { AuthorityError } from '../errors';
import { readKeyFile } from '../keys';
import { DRY_RUN_VENUE_REGION, dryRunPolicy, formatDryRun, ruleErrors } from '../policy-dry-run';
import { type CommandGroup, type Context, iso, str, UsageError } from './kit';

/** The decision table on example people; refuses (publishing nothing) when a rule fails to evaluate. */
function dryRun(ctx: Context, payload: BundlePayload): void {
  const rows = dryRunPolicy(payload, ctx.now);
  ctx.out(`Decision table (venues in region ${DRY_RUN_VENUE_REGION}, at ${iso(ctx.now)}):`);
  ctx.out(formatDryRun(rows));
  ctx.out();
  const broken = ruleErrors(rows);
  if (broken.length > 0) {
    throw new AuthorityError(
      'POLICY_INVALID',
      `rule(s) ${broken.join(', ')} fail to evaluate for some example people (CANNOT_VERIFY above); nothing published`,
    );
  }
}

const CEREMONY = `The ceremony, when custodians hold the root keys (docs/OPERATIONS.md, "Split custody"):
  singgah bundle prepare POLICY.json --out req.json        (authority machine; no root secret needed)
  singgah --passphrase-file MINE bundle cosign req.json --key root-ab12.json   (each custodian, offline)
  singgah bundle publish req.json                          (authority machine, once enough have signed)`;

export const BUNDLE: CommandGroup = {
  name: 'bundle',
  summary: 'sign and publish the trust bundle',
  commands: [
    {
      name: 'bundle sign',
      summary: 'check a policy on example people, then sign it as the next bundle version and publish it',
      usage: 'singgah bundle sign POLICY.json [--dry-run]',
      details: `Builds the bundle from POLICY.json, the current certificate/venue/notices keys and the stored
revocations (DATA_DIR/revocations.json), signs it with the current root key(s) (those trust.json lists,
also after keys rotate-root) as version (published version + 1) and verifies it against trust.json.
Then it dry-runs every entry rule, with the same decision code the phones run, on built-in example
people (vaccinated 2 doses, 1 dose, none, recent and old PCR, antigen, positive, recovered, exposed,
visitors from another province) at a venue of every category, and prints the decision table
(ALLOWED / DENIED / CANNOT_VERIFY). Only then is the bundle published atomically to
DATA_DIR/published/bundle.json (served at /v1/bundle). A rule that fails to evaluate for an example
person is refused: every phone would show CANNOT_VERIFY.

Needs the root secret keys in DATA_DIR/keys/. When custodians hold them, use bundle prepare instead.

Options:
  --dry-run   print the decision table only; publish nothing`,
      options: { 'dry-run': { type: 'boolean' } },
      positionals: ['POLICY.json'],
      async run(values, [policyPath], ctx) {
        const prepared = prepareBundle(ctx.dataDir, readPolicyFile(policyPath), ctx.now);
        dryRun(ctx, prepared.payload);
        if (values['dry-run'] === true) {
          ctx.out(`Dry run: bundle version ${prepared.version} verified but not published`);
          return;
        }
        publishPreparedBundle(ctx.dataDir, prepared);
        ctx.out(`Signed bundle version ${prepared.version}`);
        ctx.out(`  issued:  ${iso(prepared.issuedAt)}`);
        ctx.out(`  expires: ${iso(prepared.expiresAt)}`);
        ctx.out(`  file:    ${resolve(prepared.path)}`);
      },
    },
    {
      name: 'bundle prepare',
      summary: 'write the next bundle as a signing request for the root custodians (no root secret needed)',
      usage: 'singgah bundle prepare POLICY.json --out REQUEST.json | bundle prepare --resign --out REQUEST.json',
      details: `Builds the next bundle version as bundle sign does — from POLICY.json, or with --resign from the
published bundle with today's keys, revocations, suspensions and DCC data (what keys rotate/revoke,
cert revoke and trust import change) — prints the decision table, and writes REQUEST.json: the exact
payload bytes and the root keys (trust.json) asked to sign them. Nothing is published.

${CEREMONY}

Options:
  --out FILE   where to write the request (public: it holds no secret)
  --resign     re-sign the published bundle instead of a policy file`,
      options: { out: { type: 'string' }, resign: { type: 'boolean' } },
      positionals: [],
      optionalPositional: 'POLICY.json',
      async run(values, [policyPath], ctx) {
        const cmd = 'bundle prepare';
        const out = str(values, 'out', cmd);
        if ((policyPath === undefined) === (values.resign !== true)) {
          throw new UsageError('give POLICY.json or --resign (one of them)', cmd);
        }
        const payload =
          policyPath === undefined
            ? republishPayload(ctx.dataDir, ctx.now)
            : nextPayloadFromPolicy(ctx.dataDir, readPolicyFile(policyPath), ctx.now);
        dryRun(ctx, payload);
        const request = bundleRequest(ctx.dataDir, payload, ctx.now);
        writeRequest(out, request);
        const [summary] = summarise(request);
        ctx.out(`Wrote the signing request for bundle version ${payload.version} to ${resolve(out)}`);
        ctx.out(`  payload SHA-256: ${summary.sha256}`);
        ctx.out(`  root keys asked: ${request.parts[0].signers.map((s) => s.kid).join(', ')}`);
        ctx.out(
          'Next: each custodian runs `singgah bundle cosign REQUEST --key THEIR_KEY`; then `singgah bundle publish`.',
        );
      },
    },
    {
      name: 'bundle cosign',
      summary: "add one custodian's root signature to a signing request (offline, own key and passphrase)",
      usage:
        'singgah bundle cosign REQUEST.json --key ROOT_KEY_FILE [--expect SHA256]…   (with --passphrase-file YOURS)',
      details: `Prints what REQUEST.json asks to sign (the bundle's version, validity, keys and rules, or root
rotation's version, threshold and keys, and each payload's SHA-256 — compare it with the one the
authority read out to you), then signs every part the key is asked for and writes the signature into
REQUEST.json (a signature of the same key made earlier is replaced). The passphrase is yours: the first
line of --passphrase-file (mode 0600) or SINGGAH_PASSPHRASE. Needs no data directory. Refuses a key the
request does not ask for.

${CEREMONY}

Options:
  --key FILE        your root key file (from \`singgah keys init-custodian\`)
  --expect SHA256   the payload hash the authority read out to you (repeat for a rotation's two parts):
                    refuse to sign unless every part's hash is one of them`,
      options: { key: { type: 'string' }, expect: { type: 'string', multiple: true } },
      positionals: ['REQUEST.json'],
      async run(values, [requestPath], ctx) {
        const key = readKeyFile(str(values, 'key', 'bundle cosign'));
        const request = readRequest(requestPath);
        const summary = summarise(request);
        for (const part of summary) {
          ctx.out(`${part.type === 'root' ? 'Root rotation' : 'Bundle'}: ${JSON.stringify(part.fields)}`);
          ctx.out(`  payload SHA-256: ${part.sha256}`);
        }
        const expected = Array.isArray(values.expect) ? values.expect.map((h) => h.toLowerCase()) : [];
        const unexpected = summary.filter((p) => expected.length > 0 && !expected.includes(p.sha256));
        if (unexpected.length > 0) {
          throw new AuthorityError(
            'INPUT_INVALID',
            `the ${unexpected.map((p) => p.type).join(' and ')} payload is not the one you expected (--expect): ` +
              'nothing signed; ask the authority what changed',
          );
        }
        const { request: signed, signed: parts } = cosignRequest(request, key);
        writeRequest(requestPath, signed);
        const counts = signed.parts.map((p) => `${p.type} ${p.signatures.length}`).join(', ');
        ctx.out(`Signed the ${parts.join(' and ')} with root key ${key.kid}; signatures now: ${counts}`);
      },
    },
    {
      name: 'bundle publish',
      summary: 'publish a signing request once enough custodians have cosigned it',
      usage: 'singgah bundle publish REQUEST.json [COPY.json…]',
      details: `Pools the signatures of REQUEST.json and any copies of it signed in parallel, checks them exactly
as a phone will — against trust.json, counting distinct keys, never the request's own list — and
publishes: the bundle to DATA_DIR/published/bundle.json; for a root rotation, also
DATA_DIR/published/roots/<V+1>.json and trust.json as root V+1 (rebuild the app so new installs pin it).
Refuses, publishing nothing, while a threshold is not met, and says how many more custodians must cosign.
A rotation needs the current root's threshold and the new root's own.

${CEREMONY}`,
      options: {},
      positionals: ['REQUEST.json'],
      variadic: true,
      async run(_v, paths, ctx) {
        const request = mergeRequests(paths.map(readRequest), paths);
        const published = publishRequest(ctx.dataDir, request, ctx.now);
        if (published.root) {
          ctx.out(`Published root version ${published.root.version} (${published.root.threshold} of its keys needed)`);
          ctx.out(`  file:    ${resolve(published.root.path)} (served at /v1/roots); trust.json updated`);
        }
        if (published.retiredTo) ctx.out(`Old root key files moved to ${published.retiredTo}`);
        if (published.bundle) {
          ctx.out(`Published bundle version ${published.bundle.version}`);
          ctx.out(`  expires: ${iso(published.bundle.expiresAt)}`);
          ctx.out(`  file:    ${resolve(published.bundle.path)}`);
        }
      },
    },
  ],
};
