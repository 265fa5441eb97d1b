/** `singgah retention run`: drop the days of uploaded check-ins older than the published policy's retention now. */
import { runRetention } from '../retention';
import { type CommandGroup, withDb } from './kit';

export const RETENTION: CommandGroup = {
  name: 'retention',
  summary: 'server-side retention of uploaded check-ins',
  commands: [
    {
      name: 'retention run',
      summary: 'drop the days of uploaded check-ins older than the policy retention',
      usage: 'singgah retention run',
      details: `Drops every day (UTC) of uploaded check-ins and check-outs whose first second is more than the
published policy's retentionDays ago (30 days when no published bundle can be read), deletes late
uploads that arrived already that old, creates the partitions of the coming days, deletes case reports
received before the same day (reviewed or not: no phone still holds a visit they could match) and case
codes that expired before it, and prints what it did.
The server does the same at start-up and every hour; this runs it now (after lowering retentionDays, say).
Uses DATABASE_URL when set (the server's PostgreSQL), else the PGlite database in the data directory
(stop a PGlite server first).`,
      options: {},
      positionals: [],
      async run(_values, _p, ctx) {
        const pass = await withDb(ctx.dataDir, (db) => runRetention(db, ctx.dataDir, ctx.now));
        const from = new Date(pass.keptFrom * 1000).toISOString();
        ctx.out(
          `Retention ${pass.retentionDays} day(s): kept from ${from}; dropped ${pass.dropped.length} day(s)` +
            `${pass.dropped.length > 0 ? ` (${pass.dropped.join(', ')})` : ''}, deleted ${pass.deleted} late row(s); ` +
            `created ${pass.created.length} day partition(s); deleted ${pass.purged.cases} case report(s) and ` +
            `${pass.purged.codes} expired case code(s).`,
        );
        if (pass.skipped > 0) {
          ctx.out(`${pass.skipped} step(s) left: another pass was running or a lock stayed busy; run it again.`);
        }
      },
    },
  ],
};
