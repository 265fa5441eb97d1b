/** Dates, times and ages in the user's language, in the phone's time zone (WIB/WITA/WIT). */
import type { UnixSeconds } from '../core/schema';
import { type Lang, localeOf, translate } from './i18n';

export function formatTime(t: UnixSeconds, lang: Lang, seconds = false): string {
  return new Intl.DateTimeFormat(localeOf(lang), {
    hour: '2-digit',
    minute: '2-digit',
    ...(seconds ? { second: '2-digit' } : {}),
  }).format(t * 1000);
}

export function formatDateTime(t: UnixSeconds, lang: Lang): string {
  return new Intl.DateTimeFormat(localeOf(lang), { dateStyle: 'medium', timeStyle: 'short' }).format(t * 1000);
}

/** A calendar date (YYYY-MM-DD) as written on a certificate: no time zone shift. */
export function formatIsoDate(date: string, lang: Lang): string {
  const d = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return date;
  return new Intl.DateTimeFormat(localeOf(lang), { dateStyle: 'long', timeZone: 'UTC' }).format(d);
}

/**
 * "5 minutes ago", "in 2 hours", "1 day ago", "just now". An elapsed time, not a calendar day: numeric
 * 'always', because 'auto' turns 26 hours into "yesterday" (which may be two calendar days back).
 */
export function formatAge(then: UnixSeconds, now: UnixSeconds, lang: Lang): string {
  const diff = then - now;
  const abs = Math.abs(diff);
  if (abs < 60) return translate(lang, 'time.justNow');
  const rtf = new Intl.RelativeTimeFormat(localeOf(lang), { numeric: 'always' });
  if (abs < 3_600) return rtf.format(Math.round(diff / 60), 'minute');
  if (abs < 86_400) return rtf.format(Math.round(diff / 3_600), 'hour');
  return rtf.format(Math.round(diff / 86_400), 'day');
}

/** The same day as `now` shows only the time; another day shows the date too. */
export function formatWhen(t: UnixSeconds, now: UnixSeconds, lang: Lang): string {
  const a = new Date(t * 1000);
  const b = new Date(now * 1000);
  const sameDay = a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
  return sameDay ? formatTime(t, lang) : formatDateTime(t, lang);
}

/** A storage size: "12,3 MB", "1,2 GB" (decimal units, as browsers report quota). */
export function formatBytes(bytes: number, lang: Lang): string {
  const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const;
  let value = Math.max(0, bytes);
  let i = 0;
  while (value >= 1000 && i < units.length - 1) {
    value /= 1000;
    i++;
  }
  return new Intl.NumberFormat(localeOf(lang), {
    style: 'unit',
    unit: units[i],
    unitDisplay: 'short',
    maximumFractionDigits: value < 10 && i > 0 ? 1 : 0,
  }).format(value);
}
