/**
 * How components reach the `AppModel` — apart from the model itself, so the first chunk can hold the shell and
 * Home without the store, sync and verification code the model pulls in (main.tsx imports app-model lazily).
 * Only types come from app-model here; a value import would put it back in the first chunk.
 */
import { createContext } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import type { UnixSeconds } from '../core/schema';
import type { AppModel, AppSnapshot } from './app-model';

/** Undefined until the model's chunk has loaded (a few milliseconds from the service worker's cache). */
export const ModelContext = createContext<AppModel | undefined>(undefined);

/** The model; only for components rendered once it is there (lazy screens wait for it: lazy-screen.tsx). */
export function useModel(): AppModel {
  const model = useContext(ModelContext);
  if (!model) throw new Error('useModel outside <ModelContext.Provider>');
  return model;
}

/** The model, or undefined while its chunk loads (the shell, Home and Scan render before it). */
export const useOptionalModel = (): AppModel | undefined => useContext(ModelContext);

/** The current snapshot; re-renders on every change. */
export function useApp(): AppSnapshot {
  const model = useModel();
  const [snap, setSnap] = useState(model.get());
  useEffect(() => {
    setSnap(model.get());
    return model.subscribe(setSnap);
  }, [model]);
  return snap;
}

// The page's clock. The same line as sync/bundle-pull's nowSeconds, on purpose: importing that module here
// would drag the sync and verification graph into the first chunk.
const pageNow = (): UnixSeconds => Math.floor(Date.now() / 1000);

/** Unix seconds, refreshed every `periodMs` (for ages, active check-ins, live clocks). */
export function useNow(periodMs = 30_000): UnixSeconds {
  const [now, setNow] = useState(pageNow);
  useEffect(() => {
    const id = setInterval(() => setNow(pageNow()), periodMs);
    return () => clearInterval(id);
  }, [periodMs]);
  return now;
}
