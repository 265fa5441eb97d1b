/**
 * The one module in the page that talks to the service worker, through the browser's own API (workbox-window
 * did the same in ~2 KB more that every first visit paid). It registers /sw.js, reports when a new version is
 * installed and waiting, and applies it only when the user asks: SKIP_WAITING is sent to the waiting worker,
 * and the page reloads once that worker controls it. Never skipWaiting() behind the user's back in the middle
 * of a check-in.
 */
import { useEffect, useState } from 'preact/hooks';
import { getLang, translate } from './i18n';

export interface SwState {
  /** A new version is installed and waiting for the user's go-ahead. */
  readonly updateReady: boolean;
  /** A service worker controls this page (the app works offline from now on). */
  readonly controlled: boolean;
  /** The browser offered to install the app (`beforeinstallprompt`); Settings shows an "Install" button. */
  readonly installable: boolean;
}

/** Chromium's install offer; not in TypeScript's DOM lib. */
interface BeforeInstallPromptEvent extends Event {
  prompt(): Promise<void>;
  readonly userChoice: Promise<{ outcome: 'accepted' | 'dismissed' }>;
}

let registration: Promise<ServiceWorkerRegistration | undefined> | undefined;
/** The registration once the browser has it (applyUpdate acts on it at once). */
let registered: ServiceWorkerRegistration | undefined;
let state: SwState = { updateReady: false, controlled: false, installable: false };
let reloadOnControl = false;
/** This page runs an older build than the worker that controls it: "reload" is all an update needs. */
let staleUnderNewWorker = false;
let installOffer: BeforeInstallPromptEvent | undefined;
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

/**
 * The bridge's state in a component. It reads the state again when it subscribes: a change between the first
 * render and the effect (a waiting version announced just then) would otherwise be lost until the next one.
 */
export function useSwState(): SwState {
  const [current, setCurrent] = useState(state);
  useEffect(() => {
    setCurrent(state);
    return onSwState(setCurrent);
  }, []);
  return current;
}

/**
 * Whether the worker controlling this page precaches this page's build — asked by the entry script's URL,
 * whose hash changes with any chunk of the build. Undefined without a controller or an answer (a worker from
 * before the question existed): nothing to say then.
 */
function askControllerServesThisBuild(): Promise<boolean | undefined> {
  const controller = navigator.serviceWorker.controller;
  const entry = document.querySelector<HTMLScriptElement>('script[type="module"][src]')?.src;
  if (!controller || !entry) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    const timer = setTimeout(() => resolve(undefined), 3000);
    channel.port1.onmessage = (event) => {
      clearTimeout(timer);
      resolve(event.data === true);
    };
    controller.postMessage({ type: 'PRECACHES', url: entry }, [channel.port2]);
  });
}

/** A newer version controls this page already (see sw/sw.ts): offer the reload like any update. */
function checkBuild(): void {
  void askControllerServesThisBuild().then((serves) => {
    if (serves !== false) return;
    staleUnderNewWorker = true;
    set({ updateReady: true });
  });
}

/**
 * A worker that finished installing while another one controls the page is an update waiting for the user
 * (the first install has no controller, and takes control by itself: sw/sw.ts).
 */
function watchInstalls(reg: ServiceWorkerRegistration): void {
  const follow = (worker: ServiceWorker | null) => {
    if (!worker) return;
    const check = () => {
      if (worker.state === 'installed' && navigator.serviceWorker.controller) set({ updateReady: true });
    };
    check();
    worker.addEventListener('statechange', check);
  };
  if (reg.waiting && navigator.serviceWorker.controller) set({ updateReady: true });
  follow(reg.installing);
  reg.addEventListener('updatefound', () => follow(reg.installing));
}

export function registerServiceWorker(): void {
  if (import.meta.env.DEV || !('serviceWorker' in navigator) || registration) return;
  // Keep the browser's install offer for the Settings button instead of its own banner, which would cover the
  // scan button at the door. It can come any time after the worker controls the page.
  window.addEventListener('beforeinstallprompt', (event) => {
    event.preventDefault();
    installOffer = event as BeforeInstallPromptEvent;
    set({ installable: true });
  });
  window.addEventListener('appinstalled', () => {
    installOffer = undefined;
    set({ installable: false });
  });
  set({ controlled: !!navigator.serviceWorker.controller });
  checkBuild();
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    set({ controlled: !!navigator.serviceWorker.controller });
    // Only an update the user accepted reloads the page; the first install just takes control (clientsClaim).
    if (reloadOnControl) window.location.reload();
    else checkBuild();
  });
  // After the page's `load`, as workbox-window did: the precache then does not compete with the page's own files.
  const loaded = new Promise<void>((resolve) => {
    if (document.readyState === 'complete') resolve();
    else window.addEventListener('load', () => resolve(), { once: true });
  });
  registration = loaded
    .then(() => navigator.serviceWorker.register('/sw.js', { type: 'module', scope: '/' }))
    .then((reg: ServiceWorkerRegistration | undefined) => {
      // A browser that blocks workers may answer with no registration at all.
      if (!reg) return undefined;
      registered = reg;
      watchInstalls(reg);
      return reg;
    })
    .catch(() => {
      // Registration failing (private mode, old browser) leaves an online-only app; nothing to show.
      return undefined;
    });
  // Look for a new version when the page comes back and every hour while it stays open.
  const check = () => {
    if (document.visibilityState === 'visible') void updateRegistration();
  };
  document.addEventListener('visibilitychange', check);
  window.addEventListener('online', check);
  setInterval(check, 60 * 60 * 1000);
}

/** Ask the browser to fetch /sw.js again; false without a registration or when the fetch failed. */
async function updateRegistration(): Promise<boolean> {
  const reg = await registration;
  if (!reg) return false;
  try {
    await reg.update();
    return true;
  } catch {
    return false;
  }
}

/**
 * Ask the server for a newer version now (the "Update Singgah" screen). Resolves true when a new version is
 * installed and waiting (then `applyUpdate()` switches to it), false when there is none, no service worker
 * (development, private mode) or no network. Waits up to `timeoutMs` for a found version to finish installing.
 */
export async function checkForUpdate(timeoutMs = 30_000): Promise<boolean> {
  if (state.updateReady) return true;
  if (!(await updateRegistration())) return false;
  if (state.updateReady) return true;
  const reg = await navigator.serviceWorker.getRegistration('/').catch(() => undefined);
  if (reg?.waiting) {
    set({ updateReady: true });
    return true;
  }
  if (!reg?.installing) return false;
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
  const waiting = registered?.waiting;
  if (!waiting || staleUnderNewWorker) {
    window.location.reload();
    return;
  }
  reloadOnControl = true;
  waiting.postMessage({ type: 'SKIP_WAITING' });
}

/** The user pressed "Install": show the browser's own dialog (an offer can be used once). */
export async function promptInstall(): Promise<boolean> {
  const offer = installOffer;
  if (!offer) return false;
  installOffer = undefined;
  set({ installable: false });
  await offer.prompt();
  return (await offer.userChoice).outcome === 'accepted';
}

/**
 * Ask for Background Sync under `tag` (Chromium): the worker then runs the outbox upload when the network is
 * back, even after the page is closed. Resolves false where the browser has no Background Sync or no worker.
 */
export async function requestBackgroundSync(tag: string): Promise<boolean> {
  if (!('serviceWorker' in navigator)) return false;
  const registration = await navigator.serviceWorker.getRegistration('/').catch(() => undefined);
  const sync = (registration as { sync?: { register(tag: string): Promise<void> } } | undefined)?.sync;
  if (!sync) return false;
  return sync.register(tag).then(
    () => true,
    () => false,
  );
}

/**
 * A system notification, through the worker's registration (Android Chrome refuses `new Notification()` in a
 * page). Only when the user allowed notifications (asked from Settings); false when it was not shown.
 */
export async function showAppNotification(title: string, options: NotificationOptions): Promise<boolean> {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return false;
  const registration = await navigator.serviceWorker?.getRegistration('/').catch(() => undefined);
  try {
    if (registration) await registration.showNotification(title, options);
    else new Notification(title, options);
    return true;
  } catch {
    return false;
  }
}

/** New exposures matched on the phone. */
export function showExposureNotification(count: number): Promise<boolean> {
  const t = (key: 'exposure.notifyTitle' | 'exposure.notifyBody') => translate(getLang(), key, { n: count });
  return showAppNotification(t('exposure.notifyTitle'), {
    body: t('exposure.notifyBody'),
    tag: 'singgah-exposure',
    data: { url: '/' },
  });
}
