/** Small shared pieces: links that stay in the page, a heading that takes focus, the live clock, bundle age. */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import type { UnixSeconds } from '../../core/schema';
import type { CurrentBundle } from '../../sync/bundle-pull';
import { formatAge, formatTime } from '../format';
import { useI18n } from '../i18n';
import { useNow } from '../model-context';
import { onLinkClick } from '../router';

export function Link({
  href,
  children,
  ...rest
}: {
  href: string;
  class?: string;
  children: ComponentChildren;
  'data-testid'?: string;
  'aria-current'?: 'page';
}) {
  return (
    <a href={href} {...rest} onClick={onLinkClick}>
      {children}
    </a>
  );
}

/** The screen's <h1>. It takes focus when the screen opens so screen readers announce the new screen. */
export function ScreenTitle({ children }: { children: ComponentChildren }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    ref.current?.focus({ preventScroll: true });
  }, []);
  return (
    <h1 ref={ref} tabIndex={-1} class="screen-title">
      {children}
    </h1>
  );
}

/** A running clock with a moving mark: shows a guard the screen is live, not a screenshot. */
export function LiveClock() {
  const { t, lang } = useI18n();
  const now = useNow(1_000);
  return (
    <p class="live-clock">
      <span class="live-clock__pulse" aria-hidden="true" />
      <span class="visually-hidden">{t('checkin.liveClock')}: </span>
      <time dateTime={new Date(now * 1000).toISOString()}>{formatTime(now, lang, true)}</time>
    </p>
  );
}

/** "Rules version 3 · issued 2 days ago · last checked 5 minutes ago", or "no rules yet — connect". */
export function BundleAge({
  bundle,
  now,
  testId,
  clockAhead,
}: {
  bundle: CurrentBundle;
  now: UnixSeconds;
  testId?: string;
  /** The phone's clock is ahead of the server's: the rules only look expired, so no "connect to update". */
  clockAhead?: boolean;
}) {
  const { t, lang } = useI18n();
  const payload = bundle.bundle?.payload;
  const parts: string[] = [];
  if (payload) {
    parts.push(t('bundle.version', { version: payload.version }));
    parts.push(t('bundle.issued', { age: formatAge(payload.issuedAt, now, lang) }));
    if (bundle.checkedAt !== undefined)
      parts.push(t('bundle.checked', { age: formatAge(bundle.checkedAt, now, lang) }));
  }
  const expired = payload && now > payload.expiresAt && !clockAhead;
  return (
    <p
      class={`bundle-age${payload ? '' : ' bundle-age--none'}`}
      data-testid={testId}
      data-version={payload ? String(payload.version) : undefined}
    >
      {payload ? parts.join(' · ') : t('bundle.none')}
      {expired && <span class="bundle-age__warn"> {t('bundle.expired')}</span>}
      {!payload && bundle.storedInvalid && <span class="bundle-age__warn"> {t('bundle.storedInvalid')}</span>}
    </p>
  );
}
