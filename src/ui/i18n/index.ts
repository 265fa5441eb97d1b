/**
 * Translations. `t('some.key', {param})` — keys are checked by the compiler against id.ts (the default and
 * reference); en.ts must have the same shape. The chosen language is kept in localStorage and mirrored in
 * `<html lang>` so screen readers pronounce the text correctly. Indonesian is in two parts: what Home shows
 * as it starts (id-start.ts, in the first chunk) and the rest (id-later.ts, a chunk of its own), loaded when
 * another screen opens (`loadLaterStrings`, awaited by lazy-screen.tsx) or a string from it is first asked for.
 * English is a chunk of its own, loaded only when chosen (before the first paint if it was saved).
 */
import { useEffect, useState } from 'preact/hooks';
import type { AppErrorCode, ReasonCode } from './codes';
import type { id } from './id';
import { idStart } from './id-start';

export type Messages = typeof id;
export type Lang = 'id' | 'en';
export const LANGS: readonly Lang[] = ['id', 'en'];
export const LANG_NAMES: Record<Lang, string> = { id: 'Bahasa Indonesia', en: 'English' };

const dictionaries: Partial<Record<Lang, Messages>> = {};
/** Indonesian as far as it is loaded: the start part, then the whole (the fallback of a language not loaded). */
let indonesian: Partial<Messages> = idStart;
let later: Promise<void> | undefined;
const STORAGE_KEY = 'singgah.lang';

type Leaves<T, P extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${P}${K}` : Leaves<T[K], `${P}${K}.`>;
}[keyof T & string];
export type MessageKey = Leaves<Messages>;
/** A message with plural forms (`{one, other}` in the dictionary): `home.certificates` for `home.certificates.one|other`. */
export type PluralKey = { [K in MessageKey]: K extends `${infer P}.other` ? P : never }[MessageKey];
export type Params = Readonly<Record<string, string | number>>;

const isLang = (x: unknown): x is Lang => x === 'id' || x === 'en';

function initialLang(): Lang {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (isLang(saved)) return saved;
  } catch {
    // storage blocked: default language
  }
  return 'id';
}

/** Indonesian until a saved language's strings have loaded (applyLang). */
let current: Lang = 'id';
const listeners = new Set<() => void>();
/** Bumped when strings arrive, so that components showing them render again. */
let revision = 0;
const notify = () => {
  revision++;
  for (const l of listeners) l();
};

/**
 * The Indonesian strings of the other screens (id-later.ts; precached by the service worker like every chunk).
 * Resolves at once when they are in; a failed load (offline before the worker cached it) may be retried.
 */
export function loadLaterStrings(): Promise<void> {
  later ??= import('./id-later').then(({ idLater }) => {
    indonesian = { ...idStart, ...idLater };
    dictionaries.id = indonesian as Messages;
    notify();
  });
  later.catch(() => {
    later = undefined;
  });
  return later;
}

export const getLang = (): Lang => current;

/** Make a language's strings available (English: its lazy chunk, precached by the service worker). */
export async function loadLang(lang: Lang): Promise<void> {
  if (lang === 'en' && !dictionaries.en) dictionaries.en = (await import('./en')).en;
}

/** Show a language once its strings are there; false if they cannot be loaded (the current language stays). */
async function showLang(lang: Lang): Promise<boolean> {
  try {
    await loadLang(lang);
  } catch {
    return false;
  }
  current = lang;
  document.documentElement.lang = lang;
  notify();
  return true;
}

/** Switch language (Settings, or the first-run choice) and remember it; every open tab follows. */
export async function setLang(lang: Lang): Promise<void> {
  if (!isLang(lang) || !(await showLang(lang))) return;
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // not saved; still switched for this session
  }
}

/** Has the user chosen a language yet? (Home offers the choice once on the first run.) */
export function hasChosenLang(): boolean {
  try {
    return isLang(localStorage.getItem(STORAGE_KEY));
  } catch {
    // storage blocked: asking on every start would be worse than not asking
    return true;
  }
}

// A language chosen in another tab (its Settings) applies here too: the choice is one per phone, not per tab.
if (typeof window !== 'undefined') {
  window.addEventListener('storage', (e) => {
    if (e.key === STORAGE_KEY && isLang(e.newValue) && e.newValue !== current) void showLang(e.newValue);
  });
}

/** At start, before the first paint: load the saved language (no flash of Indonesian) and set <html lang>. */
export async function applyLang(): Promise<void> {
  const saved = initialLang();
  try {
    await loadLang(saved);
    current = saved;
  } catch {
    // The English chunk could not load (offline before the service worker cached it): Indonesian.
  }
  document.documentElement.lang = current;
}

export function translate(lang: Lang, key: MessageKey, params?: Params): string {
  // A language not loaded yet reads as Indonesian rather than as raw keys.
  const dictionary = dictionaries[lang] ?? indonesian;
  let node: unknown = dictionary;
  for (const part of key.split('.')) node = (node as Record<string, unknown> | undefined)?.[part];
  // A string of the later part asked for before it is in: nothing for this render, and every component using
  // strings renders again when it arrives (a screen other than Home waits for it before its first render).
  if (typeof node !== 'string' && dictionary === indonesian && indonesian !== dictionaries.id) {
    void loadLaterStrings().catch(() => {});
    return '';
  }
  const text = typeof node === 'string' ? node : key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (m, k: string) => (k in params ? String(params[k]) : m));
}

export const localeOf = (lang: Lang) => (lang === 'id' ? 'id-ID' : 'en-GB');

const pluralRules = new Map<Lang, Intl.PluralRules>();

/**
 * The plural form of a counted message in a language, by the CLDR rules (Intl.PluralRules): English has "one"
 * and "other"; Indonesian only "other", so its dictionary gives both forms the same text. `{n}` is the count.
 */
export function plural(lang: Lang, n: number, key: PluralKey, params?: Params): string {
  const rules = pluralRules.get(lang) ?? new Intl.PluralRules(localeOf(lang));
  pluralRules.set(lang, rules);
  const form = rules.select(n) === 'one' ? 'one' : 'other';
  return translate(lang, `${key}.${form}` as MessageKey, { n, ...params });
}

export interface I18n {
  readonly lang: Lang;
  readonly locale: string;
  t(key: MessageKey, params?: Params): string;
  /** A counted message in the right plural form (`plural` above). */
  plural(n: number, key: PluralKey, params?: Params): string;
  errorText(code: AppErrorCode): string;
  reasonText(code: ReasonCode): string;
}

export function i18nFor(lang: Lang): I18n {
  return {
    lang,
    locale: localeOf(lang),
    t: (key, params) => translate(lang, key, params),
    plural: (n, key, params) => plural(lang, n, key, params),
    errorText: (code) => translate(lang, `error.${code}`),
    reasonText: (code) => translate(lang, `reason.${code}`),
  };
}

/** Re-renders the component when the language changes or more of its strings have arrived. */
export function useI18n(): I18n {
  const [{ lang }, setLocal] = useState({ lang: current, revision });
  useEffect(() => {
    const l = () =>
      setLocal((was) => (was.lang === current && was.revision === revision ? was : { lang: current, revision }));
    listeners.add(l);
    l();
    return () => {
      listeners.delete(l);
    };
  }, []);
  return i18nFor(lang);
}
