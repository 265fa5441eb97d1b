/**
 * The one module in the page that talks to the service worker (workbox-window). It registers /sw.js,
 * reports when a new version is installed and waiting, and applies it only when the user asks:
 * SKIP_WAITING is sent to the waiting worker, and the page reloads once that worker controls it.
 * Never skipWaiting() behind the user's back in the middle of a check-in.
 */
import { Workbox } from 'workbox-window';

export interface SwState {
  /** A new version is installed and waiting for the user's go-ahead. */
  readonly updateReady: boolean;
  /** A service worker controls this page (the app works offline from now on). */
  readonly controlled: boolean;
}

let wb: Workbox | undefined;
let state: SwState = { updateReady: false, controlled: false };
let reloadOnControl = false;
const listeners = new Set<(s: SwState) => void>();

function set(patch: Partial<SwState>) {
  state = { ...state, ...patch };
  for (const l of listeners) l(state);
}

export const swState = (): SwState => state;

export function onSwState(listener: (s: SwState) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function registerServiceWorker(): void {
  if (import.meta.env.DEV || !('serviceWorker' in navigator) || wb) return;
  set({ controlled: !!navigator.serviceWorker.controller });
  wb = new Workbox('/sw.js', { type: 'module', scope: '/' });
  wb.addEventListener('waiting', () => set({ updateReady: true }));
  wb.addEventListener('controlling', () => {
    set({ controlled: true });
    // Only an update the user accepted reloads the page; the first install just takes control (clientsClaim).
    if (reloadOnControl) window.location.reload();
  });
  wb.register().catch(() => {
    // Registration failing (private mode, old browser) leaves an online-only app; nothing to show.
  });
  // Look for a new version when the page comes back and every hour while it stays open.
  const check = () => {
    if (document.visibilityState === 'visible') wb?.update().catch(() => {});
  };
  document.addEventListener('visibilitychange', check);
  window.addEventListener('online', check);
  setInterval(check, 60 * 60 * 1000);
}

/**
 * Ask the server for a newer version now (the "Update Singgah" screen). Resolves true when a new version is
 * installed and waiting (then `applyUpdate()` switches to it), false when there is none, no service worker
 * (development, private mode) or no network. Waits up to `timeoutMs` for a found version to finish installing.
 */
export async function checkForUpdate(timeoutMs = 30_000): Promise<boolean> {
  if (state.updateReady) return true;
  if (!wb) return false;
  try {
    await wb.update();
  } catch {
    return false;
  }
  if (state.updateReady) return true;
  const registration = await navigator.serviceWorker.getRegistration('/').catch(() => undefined);
  if (registration?.waiting) {
    set({ updateReady: true });
    return true;
  }
  if (!registration?.installing) return false;
  return new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => {
      stop();
      resolve(state.updateReady);
    }, timeoutMs);
    const stop = onSwState((s) => {
      if (!s.updateReady) return;
      clearTimeout(timer);
      stop();
      resolve(true);
    });
  });
}

/** The user pressed "reload": activate the waiting worker, then reload when it has taken control. */
export function applyUpdate(): void {
  if (!wb) {
    window.location.reload();
    return;
  }
  reloadOnControl = true;
  wb.messageSkipWaiting();
}
