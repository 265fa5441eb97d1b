/**
 * Translations. `t('some.key', {param})` — keys are checked by the compiler against id.ts (the default and
 * reference); en.ts must have the same shape. The chosen language is kept in localStorage and mirrored in
 * `<html lang>` so screen readers pronounce the text correctly. Indonesian is built into the first chunk;
 * English is a chunk of its own, loaded only when chosen (before the first paint if it was saved).
 */
import { useEffect, useState } from 'preact/hooks';
import type { AppErrorCode, ReasonCode } from './codes';
import { id } from './id';

export type Messages = typeof id;
export type Lang = 'id' | 'en';
export const LANGS: readonly Lang[] = ['id', 'en'];
export const LANG_NAMES: Record<Lang, string> = { id: 'Bahasa Indonesia', en: 'English' };

const dictionaries: Partial<Record<Lang, Messages>> = { id };
const STORAGE_KEY = 'singgah.lang';

type Leaves<T, P extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${P}${K}` : Leaves<T[K], `${P}${K}.`>;
}[keyof T & string];
export type MessageKey = Leaves<Messages>;
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

export const getLang = (): Lang => current;

/** Make a language's strings available (English: its lazy chunk, precached by the service worker). */
export async function loadLang(lang: Lang): Promise<void> {
  if (lang === 'en' && !dictionaries.en) dictionaries.en = (await import('./en')).en;
}

/** Switch language once its strings are there; if they cannot be loaded, the current language stays. */
export async function setLang(lang: Lang): Promise<void> {
  if (!isLang(lang)) return;
  try {
    await loadLang(lang);
  } catch {
    return;
  }
  current = lang;
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // not saved; still switched for this session
  }
  document.documentElement.lang = lang;
  for (const l of listeners) l();
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
  let node: unknown = dictionaries[lang] ?? id;
  for (const part of key.split('.')) node = (node as Record<string, unknown> | undefined)?.[part];
  const text = typeof node === 'string' ? node : key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (m, k: string) => (k in params ? String(params[k]) : m));
}

export const localeOf = (lang: Lang) => (lang === 'id' ? 'id-ID' : 'en-GB');

export interface I18n {
  readonly lang: Lang;
  readonly locale: string;
  t(key: MessageKey, params?: Params): string;
  errorText(code: AppErrorCode): string;
  reasonText(code: ReasonCode): string;
}

export function i18nFor(lang: Lang): I18n {
  return {
    lang,
    locale: localeOf(lang),
    t: (key, params) => translate(lang, key, params),
    errorText: (code) => translate(lang, `error.${code}`),
    reasonText: (code) => translate(lang, `reason.${code}`),
  };
}

/** Re-renders the component when the language changes. */
export function useI18n(): I18n {
  const [lang, setLocal] = useState(current);
  useEffect(() => {
    const l = () => setLocal(current);
    listeners.add(l);
    l();
    return () => {
      listeners.delete(l);
    };
  }, []);
  return i18nFor(lang);
}
