/**
 * /pass and /pass/<holderKey>: the pass a citizen shows the guard. Status as colour + icon + word + meaning,
 * name and birth date, the facts behind the status (core pass-facts), a running clock with seconds and a
 * moving bar (a ticking dot under prefers-reduced-motion) so a screenshot is obvious, and one pass QR holding
 * every certificate behind the facts for guard mode (or, when they do not fit, its parts in turn, "1 of 2").
 * Everything comes from the phone: it works offline.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { isForeign } from '../../core/held-certificate';
import { encodePass } from '../../core/pass-code';
import { type PassFact, passOf } from '../../core/pass-facts';
import { passLink, qrText } from '../../core/qr-link';
import { APP_VERSION } from '../../sync/trust';
import { Link, ScreenTitle } from '../components/Common';
import { ForeignPassCodes } from '../components/ForeignPassCodes';
import { QrCode } from '../components/QrCode';
import { StatusChip } from '../components/StatusChip';
import { useSyncView } from '../components/SyncStatus';
import { formatDateTime, formatIsoDate, formatTime } from '../format';
import { type I18n, useI18n } from '../i18n';
import { useApp, useNow } from '../model-context';
import { contextOf, groupPeople, type Person } from '../people';
import { passPath } from '../router';

/** How long each QR stays up when a person's pass needs several parts. */
const CYCLE_MS = 5_000;

function factText(f: PassFact, { t, lang }: I18n): string {
  switch (f.kind) {
    case 'vaccination':
      return t('pass.vaccination', { dose: f.dose, doses: f.doses, date: formatIsoDate(f.date, lang) });
    case 'test':
      return t('pass.test', {
        type: t(`test.${f.testType}`),
        result: t(`test.${f.result}`),
        date: formatDateTime(f.sampleTime, lang),
        hours: f.hoursAgo,
      });
    case 'recovery':
      return t('pass.recovery', { date: formatDateTime(f.validUntil, lang) });
    case 'exposure':
      return t('pass.exposure', { date: formatDateTime(f.at, lang) });
  }
}

function PassView({ person }: { person: Person }) {
  const i18n = useI18n();
  const { t, lang } = i18n;
  const app = useApp();
  const now = useNow(1_000);
  const payload = app.bundle.bundle?.payload;
  // Recomputed at every tick: a certificate that becomes valid or expires changes the pass at that second
  // (signature checks are memoized per bundle in core, so a tick costs the rule evaluation only).
  const pass = passOf(
    person.certificates.map((c) => c.signed),
    person.region,
    contextOf(payload, now, app.bundle.trustedTime, APP_VERSION, app.serverOffset),
    { confirmedExposures: person.confirmedExposures },
  );
  // One QR holding every certificate behind the facts (core pass-code), or parts of it when they do not fit.
  const encoded = encodePass(pass.certificates.map((c) => c.code));
  const parts = encoded.ok ? encoded.value : [];
  const [shown, setShown] = useState(0);
  const total = parts.length;
  const index = total > 0 ? shown % total : 0;
  // Restarted on every change, so a code picked with "next code" also stays up for the full period.
  useEffect(() => {
    if (total < 2) return;
    const id = setTimeout(() => setShown(index + 1), CYCLE_MS);
    return () => clearTimeout(id);
  }, [total, index]);
  const part = parts[index];
  const status = pass.status.status ?? 'unknown';

  return (
    <section class={`pass pass--${status}`} data-testid="pass" data-status={status} aria-labelledby="pass-name">
      <p class="pass__hint" data-testid="pass-brightness">
        {t('pass.brightness')}
      </p>
      <div class="pass__status">
        <StatusChip status={status} />
      </div>
      <h2 id="pass-name" class="pass__name truncate-lines" data-testid="pass-name">
        {person.name}
      </h2>
      <p class="pass__born">{t('pass.born', { date: formatIsoDate(person.birthDate, lang) })}</p>
      <div class="pass__live">
        <time class="pass__clock" data-testid="pass-clock" dateTime={new Date(now * 1000).toISOString()}>
          {formatTime(now, lang, true)}
        </time>
        <span class="pass__motion" aria-hidden="true">
          <span class="pass__dot" data-tick={now % 4} />
        </span>
      </div>
      <p class="pass__live-note muted">{t('pass.live')}</p>
      <h3 class="pass__facts-title">{t('pass.facts')}</h3>
      {pass.facts.length === 0 ? (
        <p>{t('pass.noFacts')}</p>
      ) : (
        <ul class="pass__facts">
          {pass.facts.map((f) => (
            <li
              key={`${f.kind}:${'certificate' in f ? f.certificate.code : f.at}`}
              data-testid="pass-fact"
              data-kind={f.kind}
            >
              {factText(f, i18n)}
            </li>
          ))}
        </ul>
      )}
      {pass.status.rule && <p class="muted">{pass.status.rule.description[lang]}</p>}
      {pass.status.suspendedUntil !== undefined && (
        <p class="pass__held" data-testid="pass-suspended">
          {t('held.suspended', { date: formatDateTime(pass.status.suspendedUntil, lang) })}
        </p>
      )}
      {person.held.map((c) => {
        const cert = isForeign(c.signed) ? undefined : c.signed.certificate;
        return (
          cert?.kind === 'test' && (
            <p key={c.record.contentId} class="pass__held" data-testid="pass-held">
              {t('held.positive', { date: formatDateTime(cert.sampleTime, lang) })}
            </p>
          )
        );
      })}
      {part && (
        <figure class="pass__qr" data-parts={total} data-certificates={pass.certificates.length}>
          <QrCode
            text={qrText(passLink(location.origin, part))}
            label={t('pass.qrLabel', { n: index + 1, total })}
            testId="pass-qr"
          />
          {total > 1 && (
            <figcaption>
              <span data-testid="pass-qr-index">{t('pass.codeOf', { n: index + 1, total })}</span>{' '}
              <button type="button" class="button" onClick={() => setShown(index + 1)}>
                {t('pass.nextCode')}
              </button>
            </figcaption>
          )}
        </figure>
      )}
      <ForeignPassCodes person={person} bundle={payload} now={now} />
    </section>
  );
}

export function Pass({ holder }: { holder: string }) {
  const { t } = useI18n();
  const app = useApp();
  const exposures = useSyncView().snapshot?.exposures;
  const people = useMemo(
    () => groupPeople(app.certificates, exposures, app.recycleBin),
    [app.certificates, exposures, app.recycleBin],
  );
  if (!app.ready) return <p role="status">{t('app.loading')}</p>;
  const person = holder ? people.find((p) => p.key === holder) : people.length === 1 ? people[0] : undefined;
  return (
    <>
      <ScreenTitle>{t('pass.title')}</ScreenTitle>
      {person ? (
        <PassView person={person} />
      ) : people.length === 0 || holder ? (
        <p data-testid="pass-none">{holder ? t('pass.unknown') : t('pass.none')}</p>
      ) : (
        <nav aria-label={t('pass.choose')}>
          <h2>{t('pass.choose')}</h2>
          <ul class="list">
            {people.map((p) => (
              <li key={p.key} class="list__item">
                <Link href={passPath(p.key)} class="button" data-testid="pass-choose">
                  {t('pass.openFor', { name: p.name })}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
      )}
    </>
  );
}
