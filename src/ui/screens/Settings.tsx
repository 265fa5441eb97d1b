/**
 * Settings (the language switcher is in the header, on every screen): the rules (version, age, last check, manual
 * check), the certificates with their recycle bin, the user's data (storage protection and usage, export, import,
 * delete all), app version.
 */

import type { PullOutcome } from '../../sync/bundle-pull';
import type { RootsOutcome } from '../../sync/roots';
import { APP_VERSION } from '../../sync/trust';
import { useApp, useModel, useNow } from '../app-model';
import { ScreenTitle } from '../components/Common';
import { DataSection, WalletSection } from '../components/DataControl';
import { formatAge, formatDateTime } from '../format';
import { type I18n, useI18n } from '../i18n';

function pullText(o: PullOutcome, i18n: I18n): string {
  switch (o.kind) {
    case 'updated':
      return i18n.t('settings.updated', { version: o.version });
    case 'unchanged':
      return i18n.t('settings.unchanged');
    case 'unreachable':
      return i18n.t('settings.unreachable');
    case 'rejected':
      return i18n.t('settings.rejected', { reason: i18n.errorText(o.code) });
    case 'storage-error':
      return i18n.errorText(o.code);
  }
}

/** Only what needs attention: a refused chain or a failed store (offline and "no change" are normal). */
function rootsProblem(o: RootsOutcome | undefined, i18n: I18n): string | undefined {
  if (o?.kind === 'rejected') return i18n.t('trust.rootsRejected', { reason: i18n.errorText(o.code) });
  if (o?.kind === 'storage-error') return i18n.errorText(o.code);
  return undefined;
}

export function Settings() {
  const i18n = useI18n();
  const { t, lang, errorText } = i18n;
  const app = useApp();
  const model = useModel();
  const now = useNow();
  const payload = app.bundle.bundle?.payload;

  return (
    <>
      <ScreenTitle>{t('settings.title')}</ScreenTitle>

      <section class="card" aria-labelledby="rules-title">
        <h2 id="rules-title">{t('settings.rules')}</h2>
        {payload ? (
          <dl class="facts">
            <div>
              <dt>{t('settings.rulesVersion')}</dt>
              <dd data-testid="settings-bundle-version">{payload.version}</dd>
            </div>
            <div>
              <dt>{t('settings.rulesIssued')}</dt>
              <dd>
                {formatDateTime(payload.issuedAt, lang)} ({formatAge(payload.issuedAt, now, lang)})
              </dd>
            </div>
            <div>
              <dt>{t('settings.rulesExpires')}</dt>
              <dd>{formatDateTime(payload.expiresAt, lang)}</dd>
            </div>
            <div>
              <dt>{t('settings.rulesChecked')}</dt>
              <dd>
                {app.bundle.checkedAt !== undefined ? formatAge(app.bundle.checkedAt, now, lang) : t('settings.never')}
              </dd>
            </div>
          </dl>
        ) : (
          <p>{t('bundle.none')}</p>
        )}
        {app.lastPull && (
          <p class="muted" role="status" data-testid="pull-result" data-kind={app.lastPull.kind}>
            {t('settings.lastResult')}: {pullText(app.lastPull, i18n)}
          </p>
        )}
        <dl class="facts">
          <div>
            <dt>{t('trust.rootVersion')}</dt>
            <dd data-testid="settings-root-version">{app.root.anchor.version ?? 1}</dd>
          </div>
        </dl>
        {app.root.storedError && (
          <p class="warning" role="status" data-testid="roots-stored-error" data-code={app.root.storedError}>
            {t('trust.rootsStoredInvalid', { reason: errorText(app.root.storedError) })}
          </p>
        )}
        {rootsProblem(app.lastRoots, i18n) && (
          <p
            class="warning"
            role="status"
            data-testid="roots-result"
            data-kind={app.lastRoots?.kind}
            data-code={app.lastRoots && 'code' in app.lastRoots ? app.lastRoots.code : undefined}
          >
            {rootsProblem(app.lastRoots, i18n)}
          </p>
        )}
        <button type="button" class="button" disabled={app.pulling} onClick={() => model.pullNow()}>
          {app.pulling ? t('settings.checking') : t('settings.checkNow')}
        </button>
      </section>

      <WalletSection />

      <DataSection />

      <section class="card" aria-labelledby="app-title">
        <h2 id="app-title">{t('settings.app')}</h2>
        <dl class="facts">
          <div>
            <dt>{t('settings.appVersion')}</dt>
            <dd data-testid="app-version">{APP_VERSION}</dd>
          </div>
        </dl>
      </section>
    </>
  );
}
