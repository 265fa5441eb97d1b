/**
 * `singgah cert …`: issue one certificate (Singgah or EU DCC), import a CSV of them, revoke or suspend
 * certificates in the next bundle; `cert inspect` is in cert-inspect.ts.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { qrText } from '../../src/core/qr-link';
import {
  type CertificateInput,
  DEFAULT_ORIGIN,
  issueCertificate,
  prepareCertificate,
  revokeCertificate,
  suspendCertificates,
} from '../authority';
import { csvLine } from '../csv';
import { importCertificates } from '../csv-import';
import { certificatePage } from '../poster';
import { pagesPdf } from '../poster-pdf';
import { linkQrSvg, qrVersion } from '../qr';
import { DCC_ISSUE_HELP, DCC_ISSUE_OPTIONS, issueEuDcc } from './cert-eu-dcc';
import { CERT_INSPECT } from './cert-inspect';
import {
  type CommandGroup,
  checkOrigin,
  iso,
  ORIGIN_OPTION,
  optionalStr,
  parseTime,
  readInputFile,
  str,
  UsageError,
  wholeNumber,
  withDb,
} from './kit';

export const CERT: CommandGroup = {
  name: 'cert',
  summary: 'issue, revoke, suspend and inspect certificates',
  commands: [
    {
      name: 'cert issue',
      summary: 'issue a vaccination, test or recovery certificate (demos and tests)',
      usage:
        'singgah cert issue vaccination|test|recovery --name NAME --birth-date YYYY-MM-DD --region BPS [kind options] [--expires TIME] [--origin URL] [--svg FILE] [--format singgah|eu-dcc]',
      details: `Signs a certificate with the certificate key and prints its link (ORIGIN/c#…). Phones refuse a
certificate valid after its key's window ends, so this does too: late in a key's window, run
\`singgah keys rotate certificate\` first.

Options (every kind):
  --name NAME              holder's name (≤ 80 characters)
  --birth-date YYYY-MM-DD  holder's birth date
  --region BPS             holder's home region (first digits of the NIK; never the NIK itself)
  --expires TIME           expiry (default: vaccination +365 days, test sample +72 h, recovery +180 days);
                           refused past the certificate key's validity or the policy's maxCertificateDays
  --origin URL             origin of the app in the link; default ${DEFAULT_ORIGIN}
  --svg FILE               also write the QR code as SVG
vaccination:
  --product NAME  --dose N  --doses M  --date YYYY-MM-DD
test:
  --test-type pcr|antigen  --result neg|pos  --sample-time TIME
recovery:
  --first-positive-date YYYY-MM-DD

${DCC_ISSUE_HELP}

TIME is ISO 8601 with a time zone (2026-11-22T08:00:00+07:00), a date (midnight UTC), or Unix seconds.`,
      options: {
        ...DCC_ISSUE_OPTIONS,
        name: { type: 'string' },
        'birth-date': { type: 'string' },
        region: { type: 'string' },
        expires: { type: 'string' },
        svg: { type: 'string' },
        product: { type: 'string' },
        dose: { type: 'string' },
        doses: { type: 'string' },
        date: { type: 'string' },
        'test-type': { type: 'string' },
        result: { type: 'string' },
        'sample-time': { type: 'string' },
        'first-positive-date': { type: 'string' },
        ...ORIGIN_OPTION,
      },
      positionals: ['KIND'],
      async run(values, [kind], ctx) {
        const cmd = 'cert issue';
        const format = optionalStr(values, 'format') ?? 'singgah';
        if (format === 'eu-dcc') return issueEuDcc(values, kind, ctx);
        if (format !== 'singgah') throw new UsageError(`--format must be singgah or eu-dcc, got "${format}"`, cmd);
        const dccOnly = ['given-name', 'manufacturer', 'prophylaxis', 'test-centre', 'device', 'issuer'].find(
          (n) => values[n] !== undefined,
        );
        if (dccOnly) throw new UsageError(`--${dccOnly} applies to --format eu-dcc`, cmd);
        const kindOptions: Record<string, readonly string[]> = {
          vaccination: ['product', 'dose', 'doses', 'date'],
          test: ['test-type', 'result', 'sample-time'],
          recovery: ['first-positive-date'],
        };
        const own = kindOptions[kind];
        if (!own) throw new UsageError(`KIND must be vaccination, test or recovery, got "${kind}"`, cmd);
        for (const [other, names] of Object.entries(kindOptions)) {
          if (other === kind) continue;
          const stray = names.find((n) => values[n] !== undefined);
          if (stray) throw new UsageError(`--${stray} applies to ${other} certificates, not ${kind}`, cmd);
        }
        const holder = {
          name: str(values, 'name', cmd),
          birthDate: str(values, 'birth-date', cmd),
          region: str(values, 'region', cmd),
        };
        const expiresRaw = optionalStr(values, 'expires');
        const expires = expiresRaw === undefined ? {} : { expiresAt: parseTime(expiresRaw, 'expires') };
        let input: CertificateInput;
        if (kind === 'vaccination') {
          input = {
            kind,
            holder,
            ...expires,
            product: str(values, 'product', cmd),
            dose: wholeNumber(values, 'dose', cmd),
            doses: wholeNumber(values, 'doses', cmd),
            date: str(values, 'date', cmd),
          };
        } else if (kind === 'test') {
          input = {
            kind,
            holder,
            ...expires,
            testType: str(values, 'test-type', cmd) as 'pcr' | 'antigen',
            result: str(values, 'result', cmd) as 'neg' | 'pos',
            sampleTime: parseTime(str(values, 'sample-time', cmd), 'sample-time'),
          };
        } else {
          input = { kind: 'recovery', holder, ...expires, firstPositiveDate: str(values, 'first-positive-date', cmd) };
        }
        const origin = checkOrigin(optionalStr(values, 'origin') ?? DEFAULT_ORIGIN);
        const svgPath = optionalStr(values, 'svg');
        prepareCertificate(ctx.dataDir, input, ctx.now); // fail fast, before opening the database
        const issued = await withDb(ctx.dataDir, (db) => issueCertificate(db, ctx.dataDir, input, ctx.now, { origin }));
        const c = issued.certificate;
        ctx.out(`Issued ${c.kind} certificate ${c.id} for ${c.holder.name}, valid until ${iso(c.expiresAt)}`);
        ctx.out(issued.url);
        if (svgPath) {
          writeFileSync(svgPath, await linkQrSvg(issued.url));
          ctx.out(`QR written to ${resolve(svgPath)} (version ${qrVersion(qrText(issued.url))})`);
        }
      },
    },
    {
      name: 'cert import',
      summary: 'issue many certificates from a CSV file as links and one printable PDF',
      usage: 'singgah cert import CERTS.csv --out DIR [--origin URL]',
      details: `CERTS.csv columns: kind (vaccination|test|recovery), name, birth_date, region, and per kind
vaccination: product, dose, doses, date   test: test_type (pcr|antigen), result (neg|pos), sample_time
recovery: first_positive_date; optional: expires. Unused columns may be left empty. All rows are
validated first ("line N: reason", nothing issued on any problem), then issued in one transaction.
Writes DIR/certificates.csv (id, kind, name, url) and DIR/certificates.pdf (one A4 page per
certificate with its QR).

Options:
  --out DIR          output directory (created if missing)
  --origin URL       origin of the app in the links; default ${DEFAULT_ORIGIN}`,
      options: { out: { type: 'string' }, ...ORIGIN_OPTION },
      positionals: ['CERTS.csv'],
      async run(values, [file], ctx) {
        const out = str(values, 'out', 'cert import');
        const origin = checkOrigin(optionalStr(values, 'origin') ?? DEFAULT_ORIGIN);
        const source = readInputFile(file);
        const issued = await withDb(ctx.dataDir, (db) => importCertificates(db, ctx.dataDir, source, ctx.now, origin));
        mkdirSync(out, { recursive: true });
        const csv = issued.map(({ certificate: c, url }) => csvLine([c.id, c.kind, c.holder.name, url]));
        writeFileSync(join(out, 'certificates.csv'), [csvLine(['id', 'kind', 'name', 'url']), ...csv].join(''));
        writeFileSync(
          join(out, 'certificates.pdf'),
          await pagesPdf(issued.map((c) => certificatePage(c.certificate, c.url))),
        );
        ctx.out(
          `Issued ${issued.length} certificate(s); wrote certificates.csv and certificates.pdf to ${resolve(out)}`,
        );
      },
    },
    {
      name: 'cert revoke',
      summary: 'revoke a certificate by id in the next bundle',
      usage: 'singgah cert revoke ID',
      details: `Adds ID to DATA_DIR/revocations.json and re-signs the published bundle as the next version;
phones reject the certificate after their next sync (core verifyCertificate: CERTIFICATE_REVOKED).`,
      options: {},
      positionals: ['ID'],
      async run(_v, [id], ctx) {
        const bundle = revokeCertificate(ctx.dataDir, id, ctx.now);
        ctx.out(`Revoked certificate ${id}; re-signed bundle version ${bundle.version}`);
      },
    },
    {
      name: 'cert suspend',
      summary: 'suspend certificates for an isolation window in the next bundle',
      usage: 'singgah cert suspend ID[,ID…] (--until TIME | --days N)',
      details: `Puts the certificates' hashed ids (first 16 bytes of SHA-256 of "singgah/v1/suspension\\n" + id, base64url)
with the end of the window into DATA_DIR/suspensions.json and re-signs the published bundle as the next version.
After their next sync, the holder's phone and every guard show the person black ("suspended by the health office
until …") until then, whatever is deleted on the phone. Give every certificate of the person. Suspending again
extends a window, never shortens it; ended suspensions leave the next bundle.

Options:
  --until TIME   end of the window (ISO 8601 with a time zone, a date, or Unix seconds)
  --days N       or: N days from now`,
      options: { until: { type: 'string' }, days: { type: 'string' } },
      positionals: ['ID[,ID…]'],
      async run(values, [list], ctx) {
        const cmd = 'cert suspend';
        const hasUntil = optionalStr(values, 'until') !== undefined;
        if (hasUntil === (optionalStr(values, 'days') !== undefined))
          throw new UsageError('give either --until or --days', cmd);
        const until = hasUntil
          ? parseTime(str(values, 'until', cmd), 'until')
          : ctx.now + wholeNumber(values, 'days', cmd) * 86_400;
        const ids = list.split(',').filter((id) => id !== '');
        const bundle = suspendCertificates(ctx.dataDir, ids, until, ctx.now);
        ctx.out(
          `Suspended ${ids.length} certificate${ids.length === 1 ? '' : 's'} until ${iso(until)}; re-signed bundle version ${bundle.version}`,
        );
      },
    },
    CERT_INSPECT,
  ],
};
