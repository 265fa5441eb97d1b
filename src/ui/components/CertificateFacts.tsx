/**
 * What a certificate says, as label/value rows: shared by the import screen (before saving) and the wallet
 * (details of a saved one), so both always show the same facts in the same words.
 */
import type { Certificate } from '../../core/certificate';
import { formatDateTime, formatIsoDate } from '../format';
import { type I18n, useI18n } from '../i18n';
import { regionLabel } from '../regions';

function factRows(c: Certificate, { t, lang }: I18n): [string, string][] {
  const rows: [string, string][] = [
    [t('import.holder'), c.holder.name],
    [t('import.birthDate'), formatIsoDate(c.holder.birthDate, lang)],
    [t('import.region'), regionLabel(c.holder.region)],
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
  // The signing key's id: the bundle lists it under the health authority (a verified certificate's key is there).
  rows.push([t('import.issuer'), c.kid]);
  rows.push([t('import.issued'), formatDateTime(c.issuedAt, lang)]);
  rows.push([t('import.expires'), formatDateTime(c.expiresAt, lang)]);
  return rows;
}

export function CertificateFacts({ certificate }: { certificate: Certificate }) {
  const i18n = useI18n();
  return (
    <dl class="facts">
      {factRows(certificate, i18n).map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd class="truncate-lines">{v}</dd>
        </div>
      ))}
    </dl>
  );
}
