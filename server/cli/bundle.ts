/** `singgah bundle sign`: the policy dry-run on example people, then the signed bundle, published. */
import { resolve } from 'node:path';
import { prepareBundle, publishPreparedBundle, readPolicyFile } from '../authority';
import { AuthorityError } from '../errors';
import { DRY_RUN_VENUE_REGION, dryRunPolicy, formatDryRun, ruleErrors } from '../policy-dry-run';
import { type CommandGroup, iso } from './kit';

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

Options:
  --dry-run   print the decision table only; publish nothing`,
      options: { 'dry-run': { type: 'boolean' } },
      positionals: ['POLICY.json'],
      async run(values, [policyPath], ctx) {
        const prepared = prepareBundle(ctx.dataDir, readPolicyFile(policyPath), ctx.now);
        const rows = dryRunPolicy(prepared.payload, ctx.now);
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
  ],
};
