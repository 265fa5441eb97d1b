/**
 * What a certificate says, as label/value rows: shared by the import screen (before saving) and the wallet
 * (details of a saved one), so both always show the same facts in the same words.
 */
import type { BundlePayload } from '../../core/bundle';
import type { Certificate } from '../../core/certificate';
import { formatDateTime, formatIsoDate } from '../format';
import { type I18n, useI18n } from '../i18n';
import { useApp } from '../model-context';
import { useRegionLabel } from '../regions';

/** The issuer by the name the signed bundle gives its key; the key id only when the rules do not name it. */
function issuerOf(c: Certificate, bundle: BundlePayload | undefined, { t, lang }: I18n): string {
  const name = bundle?.keys.find((k) => k.kid === c.kid && k.role === 'certificate')?.name?.[lang];
  return name ?? t('import.issuerUnnamed', { kid: c.kid });
}

function factRows(c: Certificate, region: string, issuer: string, { t, lang }: I18n): [string, string][] {
  const rows: [string, string][] = [
    [t('import.holder'), c.holder.name],
    [t('import.birthDate'), formatIsoDate(c.holder.birthDate, lang)],
    [t('import.region'), region],
    [t('import.kind'), t(`kind.${c.kind}`)],
  ];
  if (c.kind === 'vaccination') {
    rows.push([t('import.product'), c.product]);
    rows.push([t('kind.vaccination'), t('import.dose', { dose: c.dose, doses: c.doses })]);
    rows.push([t('import.vaccinationDate'), formatIsoDate(c.date, lang)]);
  } else if (c.kind === 'test') {
    rows.push([t('import.testType'), t(`test.${c.testType}`)]);
    rows.push([t('import.result'), t(`test.${c.result}`)]);
    rows.push([t('import.sampleTime'), formatDateTime(c.sampleTime, lang)]);
  } else {
    rows.push([t('import.firstPositive'), formatIsoDate(c.firstPositiveDate, lang)]);
  }
  rows.push([t('import.issuer'), issuer]);
  rows.push([t('import.issued'), formatDateTime(c.issuedAt, lang)]);
  rows.push([t('import.expires'), formatDateTime(c.expiresAt, lang)]);
  return rows;
}

export function CertificateFacts({ certificate }: { certificate: Certificate }) {
  const i18n = useI18n();
  const region = useRegionLabel(certificate.holder.region);
  const issuer = issuerOf(certificate, useApp().bundle.bundle?.payload, i18n);
  return (
    <dl class="facts">
      {factRows(certificate, region, issuer, i18n).map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd class="truncate-lines">{v}</dd>
        </div>
      ))}
    </dl>
  );
}
