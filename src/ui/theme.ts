/**
 * The colour theme the user chose in Settings: follow the system, or always light / always dark. The choice
 * is kept in localStorage; public/theme-boot.js (a render-blocking script in index.html) reads it and sets
 * `<html data-theme="light|dark">` before the first paint and again on every change — styles.css keys its
 * colours on that attribute. This module only stores the choice and asks the boot script to apply it.
 */
export type ThemeChoice = 'system' | 'light' | 'dark';
export const THEME_CHOICES: readonly ThemeChoice[] = ['system', 'light', 'dark'];

const STORAGE_KEY = 'singgah.theme';
const THEME_EVENT = 'singgah:theme';

const isThemeChoice = (x: unknown): x is ThemeChoice => x === 'system' || x === 'light' || x === 'dark';

export function getThemeChoice(): ThemeChoice {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (isThemeChoice(saved)) return saved;
  } catch {
    // storage blocked: the system's choice
  }
  return 'system';
}

/** Save the choice (if storage allows) and apply it at once. */
export function setThemeChoice(choice: ThemeChoice): void {
  try {
    if (choice === 'system') localStorage.removeItem(STORAGE_KEY);
    else localStorage.setItem(STORAGE_KEY, choice);
  } catch {
    // Not saved: without storage the boot script cannot apply it either, so the system theme stays.
  }
  window.dispatchEvent(new Event(THEME_EVENT));
}
