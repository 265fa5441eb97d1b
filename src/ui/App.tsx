/**
 * The shell: header (home link, offline badge; the language is chosen in Settings), navigation, banners, and
 * the screen for the current route. Only the shell and Home are in the first chunk; every other screen is a lazy
 * chunk (lazy-screen.tsx), and the AppModel arrives as a promise from main.tsx (its store, sync and verification
 * code are a chunk too).
 */
import { useEffect, useState } from 'preact/hooks';
import type { AppModel } from './app-model';
import { Link, ScreenTitle } from './components/Common';
import { useI18n } from './i18n';
import { lazyScreen } from './lazy-screen';
import { ModelContext, useApp, useModel } from './model-context';
import { type Route, routeKey, useRoute } from './router';
import { Home } from './screens/Home';

// Scan needs no model (the camera opens while the store still loads); the others read or write it.
const Scan = lazyScreen(() => import('./screens/Scan').then((m) => m.Scan), { needsModel: false });
const CheckIn = lazyScreen(() => import('./screens/CheckIn').then((m) => m.CheckIn));
const ImportCertificate = lazyScreen(() => import('./screens/ImportCertificate').then((m) => m.ImportCertificate));
const History = lazyScreen(() => import('./screens/History').then((m) => m.History));
const Wallet = lazyScreen(() => import('./screens/Wallet').then((m) => m.Wallet));
const Settings = lazyScreen(() => import('./screens/Settings').then((m) => m.Settings));
const ReportCase = lazyScreen(() => import('./screens/ReportCase').then((m) => m.ReportCase));
const Pass = lazyScreen(() => import('./screens/Pass').then((m) => m.Pass));
const Verify = lazyScreen(() => import('./screens/Verify').then((m) => m.Verify));
// Check-out reminders while the app is open (a lazy chunk: nothing to do before the model is there).
const CheckOutReminder = lazyScreen(() => import('./home-start').then((m) => m.CheckOutReminder), {
  fallback: null,
  laterStrings: false,
});
const UpdateBanner = lazyScreen(() => import('./home-start').then((m) => m.UpdateBanner), {
  needsModel: false,
  fallback: null,
  laterStrings: false,
});

function Screen({ route }: { route: Route }) {
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
    case 'wallet':
      return <Wallet />;
    case 'settings':
      return <Settings />;
    case 'report':
      return <ReportCase />;
    case 'pass':
      return <Pass holder={route.code} />;
    case 'verify':
      return <Verify pass={route.code} />;
    default:
      return <NotFound path={route.path} />;
  }
}

/** An address that is no page of the app (nor of the server): say so, show it, and offer the way home. */
function NotFound({ path }: { path: string }) {
  const { t } = useI18n();
  return (
    <section class="card" data-testid="not-found">
      <ScreenTitle>{t('notFound.title')}</ScreenTitle>
      <p>{t('notFound.text')}</p>
      <p>
        <code class="truncate-lines">{path}</code>
      </p>
      <p class="actions">
        <Link href="/" class="button button--primary" data-testid="not-found-home">
          {t('nav.back')}
        </Link>
        <Link href="/scan" class="button">
          {t('home.scan')}
        </Link>
      </p>
    </section>
  );
}

/**
 * "Luring / Offline" in the header while the browser reports no network: the app keeps working, this only
 * says why nothing syncs. The live region is always there so the change is announced; the header's height
 * does not change, so nothing below moves.
 */
function OfflineIndicator() {
  const { t } = useI18n();
  const [online, setOnline] = useState(() => navigator.onLine);
  useEffect(() => {
    const update = () => setOnline(navigator.onLine);
    window.addEventListener('online', update);
    window.addEventListener('offline', update);
    return () => {
      window.removeEventListener('online', update);
      window.removeEventListener('offline', update);
    };
  }, []);
  return (
    <span role="status">
      {!online && (
        <span class="offline" data-testid="offline-indicator" title={t('app.offlineHint')}>
          {t('app.offline')}
          <span class="visually-hidden"> — {t('app.offlineHint')}</span>
        </span>
      )}
    </span>
  );
}

const reload = () => window.location.reload();

function Banners({ model }: { model: ModelState }) {
  const { t } = useI18n();
  return (
    <div class="banners">
      <UpdateBanner />
      {model === 'failed' && (
        <div class="banner banner--warn" role="alert" data-testid="model-failed">
          <span>{t('app.loadFailed')}</span>
          <button type="button" class="button" onClick={reload}>
            {t('storage.reload')}
          </button>
        </div>
      )}
      {model && model !== 'failed' && <StorageBanners />}
    </div>
  );
}

function StorageBanners() {
  const { t, errorText } = useI18n();
  const app = useApp();
  const model = useModel();
  if (app.wiped) {
    // A full load of "/", not an in-app link: it creates the empty database and installs the worker again.
    return (
      <div class="banner" role="status" data-testid="data-deleted-banner">
        <span>{t('data.wipedBanner')}</span>
        <a href="/" class="button button--primary" data-testid="fresh-start">
          {t('data.freshStart')}
        </a>
      </div>
    );
  }
  return (
    <>
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
    </>
  );
}

function skipToMain() {
  document.getElementById('main')?.focus();
}

function Shell({ model }: { model: ModelState }) {
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
        <div class="topbar__end">
          <OfflineIndicator />
        </div>
      </header>
      <nav class="nav" aria-label={t('nav.label')}>
        <Link href="/" aria-current={current('home')}>
          {t('nav.home')}
        </Link>
        <Link href="/history" aria-current={current('history')}>
          {t('nav.history')}
        </Link>
        <Link href="/wallet" aria-current={current('wallet')}>
          {t('nav.wallet')}
        </Link>
        <Link href="/settings" aria-current={current('settings')}>
          {t('nav.settings')}
        </Link>
      </nav>
      <Banners model={model} />
      <CheckOutReminder />
      <main id="main" tabIndex={-1} class={`screen screen--${route.name}`}>
        <Screen key={routeKey(route)} route={route} />
      </main>
    </>
  );
}

/** Undefined while the model's chunk loads; 'failed' if it could not be loaded. */
type ModelState = AppModel | 'failed' | undefined;

export function App({ model }: { model: Promise<AppModel> }) {
  const [state, setState] = useState<ModelState>();
  useEffect(() => {
    model.then(setState, () => setState('failed'));
  }, [model]);
  return (
    <ModelContext.Provider value={state === 'failed' ? undefined : state}>
      <Shell model={state} />
    </ModelContext.Provider>
  );
}
