/** `singgah retention run`: delete uploaded check-ins older than the published policy's retention now. */
import { runRetention } from '../retention';
import { type CommandGroup, withDb } from './kit';

export const RETENTION: CommandGroup = {
  name: 'retention',
  summary: 'server-side retention of uploaded check-ins',
  commands: [
    {
      name: 'retention run',
      summary: 'delete uploaded check-ins older than the policy retention',
      usage: 'singgah retention run',
      details: `Deletes every uploaded check-in and check-out that began more than the published policy's
retentionDays ago (30 days when no published bundle can be read), and prints how many rows went. The
server does the same at start-up and every hour; this runs it now (after lowering retentionDays, say).
Uses DATABASE_URL when set (the server's PostgreSQL), else the PGlite database in the data directory
(stop a PGlite server first).`,
      options: {},
      positionals: [],
      async run(_values, _p, ctx) {
        const pass = await withDb(ctx.dataDir, (db) => runRetention(db, ctx.dataDir, ctx.now));
        ctx.out(`Deleted ${pass.deleted} uploaded row(s) older than ${pass.retentionDays} day(s).`);
      },
    },
  ],
};
