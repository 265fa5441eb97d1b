/** `singgah cert issue … --format eu-dcc`: the options, their help and the issuing. */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type DccIssueInput, issueDcc } from '../dcc-issuer';
import { linkQrSvg, qrVersion } from '../qr';
import {
  type Context,
  iso,
  type OptionSpec,
  optionalStr,
  parseTime,
  str,
  UsageError,
  type Values,
  wholeNumber,
} from './kit';

const DEFAULT_DCC_ISSUER = 'Kementerian Kesehatan Republik Indonesia';

/** Options `cert issue` takes for `--format eu-dcc` (cert.ts merges them into its own). */
export const DCC_ISSUE_OPTIONS = {
  format: { type: 'string' },
  'given-name': { type: 'string' },
  manufacturer: { type: 'string' },
  prophylaxis: { type: 'string' },
  'test-centre': { type: 'string' },
  device: { type: 'string' },
  issuer: { type: 'string' },
} as const satisfies Record<string, OptionSpec>;

export const DCC_ISSUE_HELP = `--format eu-dcc: an EU Digital COVID Certificate (HC1:) signed with the authority's DCC issuer key
(\`singgah keys create-dcc-issuer\`), printed as its QR text; --region and --origin do not apply.
  --name NAME              family name (fn), or the whole name of a person with one name
  --given-name NAME        given name (gn), optional; both are transliterated (fnt, gnt: A–Z and <)
  --issuer NAME            is: the issuing authority (default: ${DEFAULT_DCC_ISSUER})
  vaccination: --product CODE (mp, e.g. EU/1/20/1528) --manufacturer CODE (ma, e.g. ORG-100030215)
               [--prophylaxis CODE (vp, default 1119349007)] --dose N --doses M --date YYYY-MM-DD
  test:        --test-type pcr|antigen --result neg|pos --sample-time TIME [--test-centre NAME] [--device CODE]
  recovery:    --first-positive-date YYYY-MM-DD (valid from day 11 to day 180)`;

/** `cert issue KIND --format eu-dcc …` */
export async function issueEuDcc(values: Values, kind: string, ctx: Context): Promise<void> {
  const cmd = 'cert issue';
  const optional = (name: string) => optionalStr(values, name);
  const common = {
    familyName: str(values, 'name', cmd),
    ...(optional('given-name') ? { givenName: optional('given-name') as string } : {}),
    birthDate: str(values, 'birth-date', cmd),
    issuer: optional('issuer') ?? DEFAULT_DCC_ISSUER,
    ...(optional('expires') ? { expiresAt: parseTime(optional('expires') as string, 'expires') } : {}),
  };
  if (values.region !== undefined || values.origin !== undefined) {
    throw new UsageError('--region and --origin are for Singgah certificates, not --format eu-dcc', cmd);
  }
  let input: DccIssueInput;
  if (kind === 'vaccination') {
    input = {
      ...common,
      kind,
      product: str(values, 'product', cmd),
      manufacturer: str(values, 'manufacturer', cmd),
      prophylaxis: optional('prophylaxis') ?? '1119349007',
      dose: wholeNumber(values, 'dose', cmd),
      doses: wholeNumber(values, 'doses', cmd),
      date: str(values, 'date', cmd),
    };
  } else if (kind === 'test') {
    const testType = str(values, 'test-type', cmd);
    const result = str(values, 'result', cmd);
    if (testType !== 'pcr' && testType !== 'antigen') throw new UsageError('--test-type must be pcr or antigen', cmd);
    if (result !== 'neg' && result !== 'pos') throw new UsageError('--result must be neg or pos', cmd);
    input = {
      ...common,
      kind,
      testType,
      result,
      sampleTime: parseTime(str(values, 'sample-time', cmd), 'sample-time'),
      ...(optional('test-centre') ? { testCentre: optional('test-centre') as string } : {}),
      ...(optional('device') ? { device: optional('device') as string } : {}),
    };
  } else if (kind === 'recovery') {
    input = { ...common, kind, firstPositiveDate: str(values, 'first-positive-date', cmd) };
  } else {
    throw new UsageError(`KIND must be vaccination, test or recovery, got "${kind}"`, cmd);
  }
  const issued = issueDcc(ctx.dataDir, input, ctx.now);
  ctx.out(`Issued EU DCC ${kind} for ${common.familyName}, signer ${issued.kid}, valid until ${iso(issued.expiresAt)}`);
  ctx.out(issued.text);
  const svgPath = optionalStr(values, 'svg');
  if (svgPath) {
    writeFileSync(svgPath, await linkQrSvg(issued.text));
    ctx.out(`QR written to ${resolve(svgPath)} (version ${qrVersion(issued.text)})`);
  }
}
