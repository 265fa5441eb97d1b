/** The shell: header (home link, language), navigation, banners, and the screen for the current route. */
import { useEffect, useState } from 'preact/hooks';
import { type AppModel, ModelContext, useApp, useModel } from './app-model';
import { Link, ScreenTitle } from './components/Common';
import { LANG_NAMES, LANGS, type Lang, setLang, useI18n } from './i18n';
import { type Route, routeKey, useRoute } from './router';
import { CheckIn } from './screens/CheckIn';
import { History } from './screens/History';
import { Home } from './screens/Home';
import { ImportCertificate } from './screens/ImportCertificate';
import { Scan } from './screens/Scan';
import { Settings } from './screens/Settings';
import { applyUpdate, onSwState, swState } from './sw-bridge';

function Screen({ route }: { route: Route }) {
  const { t } = useI18n();
  switch (route.name) {
    case 'home':
      return <Home />;
    case 'scan':
      return <Scan />;
    case 'venue':
      return <CheckIn code={route.code} />;
    case 'certificate':
      return <ImportCertificate code={route.code} />;
    case 'history':
      return <History />;
    case 'settings':
      return <Settings />;
    default:
      return (
        <>
          <ScreenTitle>404</ScreenTitle>
          <p>
            <Link href="/">{t('nav.back')}</Link>
          </p>
        </>
      );
  }
}

function LanguageSwitch() {
  const { t, lang } = useI18n();
  return (
    <div class="lang">
      <label for="lang-switch" class="visually-hidden">
        {t('settings.language')} / Language
      </label>
      <select
        id="lang-switch"
        data-testid="lang-switch"
        value={lang}
        onChange={(e) => setLang((e.currentTarget as HTMLSelectElement).value as Lang)}
      >
        {LANGS.map((l) => (
          <option key={l} value={l} lang={l}>
            {LANG_NAMES[l]}
          </option>
        ))}
      </select>
    </div>
  );
}

function Banners() {
  const { t, errorText } = useI18n();
  const app = useApp();
  const model = useModel();
  const [sw, setSw] = useState(swState);
  useEffect(() => onSwState(setSw), []);
  const reload = () => window.location.reload();
  return (
    <div class="banners">
      {sw.updateReady && (
        <div class="banner" role="status" data-testid="update-banner">
          <span>{t('update.ready')}</span>
          <button type="button" class="button" onClick={applyUpdate}>
            {t('update.reload')}
          </button>
        </div>
      )}
      {(app.storageEvent === 'versionchange' || app.storageEvent === 'blocked') && (
        <div class="banner banner--warn" role="alert" data-testid="storage-banner">
          <span>{t(`storage.${app.storageEvent}`)}</span>
          {app.storageEvent === 'versionchange' && (
            <button type="button" class="button" onClick={reload}>
              {t('storage.reload')}
            </button>
          )}
        </div>
      )}
      {app.storageError && app.storageEvent !== 'versionchange' && (
        <div class="banner banner--warn" role="alert" data-testid="storage-error" data-code={app.storageError}>
          <span>{errorText(app.storageError)}</span>
          <button type="button" class="button" onClick={() => model.dismissStorageError()} aria-label="OK">
            OK
          </button>
        </div>
      )}
    </div>
  );
}

function skipToMain() {
  document.getElementById('main')?.focus();
}

function Shell() {
  const { t } = useI18n();
  const route = useRoute();
  const current = (name: Route['name']) => (route.name === name ? ('page' as const) : undefined);
  return (
    <>
      {/* A button, not an #anchor: the hash carries the /v and /c payloads. */}
      <button type="button" class="skip-link" onClick={skipToMain}>
        {t('app.skip')}
      </button>
      <header class="topbar">
        <Link href="/" class="brand">
          <img src="/icon.svg" alt="" width="32" height="32" />
          <span>{t('app.name')}</span>
        </Link>
        <LanguageSwitch />
      </header>
      <nav class="nav" aria-label={t('nav.label')}>
        <Link href="/" aria-current={current('home')}>
          {t('nav.home')}
        </Link>
        <Link href="/history" aria-current={current('history')}>
          {t('nav.history')}
        </Link>
        <Link href="/settings" aria-current={current('settings')}>
          {t('nav.settings')}
        </Link>
      </nav>
      <Banners />
      <main id="main" tabIndex={-1} class={`screen screen--${route.name}`}>
        <Screen key={routeKey(route)} route={route} />
      </main>
    </>
  );
}

export function App({ model }: { model: AppModel }) {
  return (
    <ModelContext.Provider value={model}>
      <Shell />
    </ModelContext.Provider>
  );
}
