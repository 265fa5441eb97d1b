/**
 * Code splitting for screens (squoosh/proxx style): `lazyScreen(() => import('./screens/X').then((m) => m.X))`
 * gives a component that fetches its chunk on first render, shows a translated loading line meanwhile, and
 * renders the screen once both its code and — unless `needsModel: false` — the AppModel are there. Every chunk
 * is precached by the service worker, so offline this is a cache read, not a network wait.
 */
import type { ComponentType, JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { getLang, loadLaterStrings, useI18n } from './i18n';
import { useOptionalModel } from './model-context';

export interface LazyOptions {
  /** The screen uses useModel()/useApp(): wait for the model too (default true). */
  readonly needsModel?: boolean;
  /** What stands in while loading: the default is a loading line (`null` for parts that may be empty). */
  readonly fallback?: 'loading' | null;
  /**
   * Wait for the Indonesian strings beyond Home's (i18n/id-later.ts) too (default true). Only Home's own parts,
   * which use the start strings, say false: a first visit to Home then never downloads the others.
   */
  readonly laterStrings?: boolean;
}

/** The translated "loading…" line that stands in for a screen or part still on its way. */
export function Loading() {
  const { t } = useI18n();
  return (
    <p class="lazy-loading" role="status" data-testid="lazy-loading">
      {t('app.loading')}
    </p>
  );
}

function LoadFailed() {
  const { t } = useI18n();
  return (
    <div class="error" role="alert" data-testid="lazy-failed">
      <p>{t('app.loadFailed')}</p>
      <button type="button" class="button" onClick={() => window.location.reload()}>
        {t('storage.reload')}
      </button>
    </div>
  );
}

export function lazyScreen<P extends object>(
  load: () => Promise<ComponentType<P>>,
  { needsModel = true, fallback = 'loading', laterStrings = true }: LazyOptions = {},
): ComponentType<P> {
  let loaded: ComponentType<P> | undefined;
  let pending: Promise<ComponentType<P>> | undefined;
  const get = () => {
    const strings = laterStrings && getLang() === 'id' ? loadLaterStrings() : undefined;
    pending ??= Promise.all([load(), strings]).then(([c]) => {
      loaded = c;
      return c;
    });
    // A failed fetch (offline before the worker cached it) may succeed later: let the next render retry.
    pending.catch(() => {
      pending = undefined;
    });
    return pending;
  };

  return function Lazy(props: P): JSX.Element | null {
    const model = useOptionalModel();
    const [screen, setScreen] = useState(() => loaded);
    const [failed, setFailed] = useState(false);
    useEffect(() => {
      if (screen) return;
      let live = true;
      get().then(
        (c) => live && setScreen(() => c),
        () => live && setFailed(true),
      );
      return () => {
        live = false;
      };
    }, [screen]);
    if (failed) return <LoadFailed />;
    if (!screen || (needsModel && !model)) return fallback === 'loading' ? <Loading /> : null;
    const Screen = screen;
    return <Screen {...props} />;
  };
}
