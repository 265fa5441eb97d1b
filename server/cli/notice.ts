/** `singgah notice …`: publish a signed exposure notice by hand, list the ones phones can still match. */
import { MAX_NOTICE_WINDOW_SECONDS } from '../../src/core/notice';
import { requirePublishedBundle } from '../authority';
import { AuthorityError } from '../errors';
import { publishManualNotice } from '../notice-signing';
import { listActiveNotices } from '../reports';
import { type CommandGroup, iso, parseTime, str, withDb } from './kit';

export const NOTICE: CommandGroup = {
  name: 'notice',
  summary: 'publish and list exposure notices',
  commands: [
    {
      name: 'notice publish',
      summary: 'publish a signed exposure notice for a venue and time window',
      usage: 'singgah notice publish --venue ID --from TIME --to TIME',
      details: `Signs a notice with the notices key (the newest one the published bundle lists) and adds it to
the venue's province file of the day phones poll (GET /v1/notices/<province>/<day>/<part>.json). A phone whose stored visit to the venue overlaps the window
tells its user. For exposures traced by a health officer without a case upload.

Options:
  --venue ID     a registered venue's id
  --from TIME    start of the exposure window
  --to TIME      end of the window (at most ${MAX_NOTICE_WINDOW_SECONDS / 86_400} days after --from, not in the future)

TIME is ISO 8601 with a time zone (2026-11-22T08:00:00+07:00), a date (midnight UTC), or Unix seconds.`,
      options: { venue: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' } },
      positionals: [],
      async run(values, _p, ctx) {
        const cmd = 'notice publish';
        const venueId = str(values, 'venue', cmd);
        const from = parseTime(str(values, 'from', cmd), 'from');
        const to = parseTime(str(values, 'to', cmd), 'to');
        if (!(from < to)) throw new AuthorityError('INPUT_INVALID', '--to must be after --from');
        if (to - from > MAX_NOTICE_WINDOW_SECONDS) {
          throw new AuthorityError(
            'INPUT_INVALID',
            `the window is longer than ${MAX_NOTICE_WINDOW_SECONDS / 86_400} days`,
          );
        }
        if (to > ctx.now) throw new AuthorityError('INPUT_INVALID', '--to is in the future');
        requirePublishedBundle(ctx.dataDir);
        const seq = await withDb(ctx.dataDir, async (db) => {
          const found = await db.query('select 1 from venues where id = $1', [venueId]);
          if (found.length === 0) throw new AuthorityError('NOT_FOUND', `no venue ${venueId}`);
          return publishManualNotice(db, ctx.dataDir, { venueId, from, to }, ctx.now);
        });
        ctx.out(`Published notice ${seq} for venue ${venueId}, ${iso(from)} – ${iso(to)}`);
      },
    },
    {
      name: 'notice list',
      summary: 'list the notices phones can still match',
      usage: 'singgah notice list',
      details: `Lists notices whose window ended less than the bundle's retentionDays ago (phones keep their
visits that long, so older notices can no longer match anything).`,
      options: {},
      positionals: [],
      async run(_v, _p, ctx) {
        const retention = requirePublishedBundle(ctx.dataDir).payload.policy.retentionDays;
        const notices = await withDb(ctx.dataDir, (db) => listActiveNotices(db, ctx.now, retention));
        ctx.out(`${notices.length} active notice(s) (windows ending within the last ${retention} days)`);
        for (const n of notices) {
          ctx.out(
            `${String(n.seq).padStart(6)}  ${n.venueId}  ${iso(n.from)} – ${iso(n.to)}  ${n.venueName ?? '(unknown venue)'}`,
          );
        }
      },
    },
  ],
};
