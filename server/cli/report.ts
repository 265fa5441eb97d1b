/** `singgah report …`: occupancy now and check-ins per hour, from what phones uploaded. */
import { AuthorityError } from '../errors';
import { findRegion } from '../regions';
import { reportHourly, reportOccupancy } from '../reports';
import { type CommandGroup, iso, optionalStr, parseTime, str, type Values, wholeNumber, withDb } from './kit';

function checkRegionOption(values: Values, command: string, required: boolean): string | undefined {
  const region = required ? str(values, 'region', command) : optionalStr(values, 'region');
  if (region !== undefined && !findRegion(region)) {
    throw new AuthorityError('REGION_INVALID', `--region ${region} is not an Indonesian province or regency/city code`);
  }
  return region;
}

export const REPORT: CommandGroup = {
  name: 'report',
  summary: 'occupancy and check-in reports',
  commands: [
    {
      name: 'report occupancy',
      summary: 'people inside each venue now, fullest first',
      usage: 'singgah report occupancy [--region CODE] [--limit N]',
      details: `From uploaded check-ins: a check-in counts until its check-out or automatic check-out, for at
most 24 hours (as GET /v1/venues/:id/occupancy). Counts only what phones uploaded.

Options:
  --region CODE   only venues in this province (2 digits) or regency/city (4 digits)
  --limit N       at most N venues (default 50)`,
      options: { region: { type: 'string' }, limit: { type: 'string' } },
      positionals: [],
      async run(values, _p, ctx) {
        const cmd = 'report occupancy';
        const region = checkRegionOption(values, cmd, false);
        const limit = values.limit === undefined ? 50 : wholeNumber(values, 'limit', cmd);
        const rows = await withDb(ctx.dataDir, (db) =>
          reportOccupancy(db, ctx.now, { limit, ...(region ? { region } : {}) }),
        );
        ctx.out(`Occupancy at ${iso(ctx.now)}${region ? ` in ${region}` : ''}:`);
        ctx.out(`${'venue'.padEnd(8)}  ${'inside'.padStart(6)}  ${'capacity'.padStart(8)}  level   name`);
        for (const r of rows) {
          ctx.out(
            `${r.id.padEnd(8)}  ${String(r.active).padStart(6)}  ${String(r.capacity).padStart(8)}  ${(r.level ?? '-').padEnd(6)}  ${r.name}`,
          );
        }
      },
    },
    {
      name: 'report hourly',
      summary: 'check-ins per hour in a region',
      usage: 'singgah report hourly --region CODE [--from TIME] [--to TIME]',
      details: `Counts uploaded check-ins (and the people they cover) per UTC hour at venues of a province
(2 digits, including its regencies/cities) or a regency/city (4 digits). Default: the last 24 hours.

Options:
  --region CODE   BPS province or regency/city code
  --from TIME     start (default: 24 hours ago)
  --to TIME       end, exclusive (default: now)`,
      options: { region: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' } },
      positionals: [],
      async run(values, _p, ctx) {
        const cmd = 'report hourly';
        const region = checkRegionOption(values, cmd, true) as string;
        const fromRaw = optionalStr(values, 'from');
        const toRaw = optionalStr(values, 'to');
        const to = toRaw === undefined ? ctx.now : parseTime(toRaw, 'to');
        const from = fromRaw === undefined ? to - 86_400 : parseTime(fromRaw, 'from');
        if (!(from < to)) throw new AuthorityError('INPUT_INVALID', '--to must be after --from');
        if (to - from > 31 * 86_400) throw new AuthorityError('INPUT_INVALID', 'at most 31 days per report');
        const hours = await withDb(ctx.dataDir, (db) => reportHourly(db, region, from, to));
        ctx.out(`Check-ins per hour (UTC) in ${region} ${findRegion(region)?.name ?? ''}`.trimEnd());
        ctx.out('hour (UTC)            check-ins   people');
        for (const h of hours)
          ctx.out(`${iso(h.hour)}  ${String(h.checkIns).padStart(9)}  ${String(h.people).padStart(7)}`);
        ctx.out(`total: ${hours.reduce((n, h) => n + h.checkIns, 0)} check-in(s)`);
      },
    },
  ],
};
