/**
 * "A new version is ready — reload" (the service worker is waiting for the user's go-ahead). A lazy part of
 * the shell, in the start chunk (home-start.ts) with sw-bridge, which the first paint does not need.
 *
 * Never in the middle of a check-in: on the door flows (scanning, a venue's check-in, a certificate import, the
 * pass shown to a guard, the guard's verifier) the banner waits, so nobody reloads away a decision they are showing a guard; it appears on the next
 * screen. The page only reloads when the user presses the button (sw-bridge applyUpdate).
 */
import { useI18n } from '../i18n';
import { type Route, useRoute } from '../router';
import { applyUpdate, useSwState } from '../sw-bridge';

const DOOR_FLOWS: ReadonlySet<Route['name']> = new Set(['scan', 'venue', 'certificate', 'pass', 'verify']);

export function UpdateBanner() {
  const { t } = useI18n();
  const route = useRoute();
  const sw = useSwState();
  if (!sw.updateReady || DOOR_FLOWS.has(route.name)) return null;
  return (
    <div class="banner" role="status" data-testid="update-banner">
      <span>{t('update.ready')}</span>
      <button type="button" class="button" onClick={applyUpdate}>
        {t('update.reload')}
      </button>
    </div>
  );
}
