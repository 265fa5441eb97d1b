/**
 * The check-out reminder: REMIND_BEFORE before a visit's automatic check-out, a system notification says when
 * it will end, so someone who left early can check out, and someone staying knows. Only where the user allowed
 * notifications (Settings → Sync), and only while Singgah is open in some tab: a page cannot schedule a
 * notification for later, and the service worker is not woken at a set time without Notification Triggers,
 * which no browser ships. Mounted once in the shell; renders nothing.
 */
import { useEffect } from 'preact/hooks';
import type { UnixSeconds } from '../../core/schema';
import { type CheckInRecord, isActiveCheckIn } from '../../store';
import { formatTime } from '../format';
import { useI18n } from '../i18n';
import { useApp, useNow } from '../model-context';
import { showAppNotification } from '../sw-bridge';

/** Ten minutes: time to walk out and tap check-out, not so early that the reminder is forgotten. */
export const REMIND_BEFORE = 10 * 60;
/** Visits already reminded of (ids), so a reload or a second tab does not remind twice. */
const REMINDED_KEY = 'singgah.reminded';

/** Open visits whose automatic check-out is at most REMIND_BEFORE away and that were not reminded of yet. */
export function dueReminders(
  visits: readonly CheckInRecord[],
  now: UnixSeconds,
  reminded: ReadonlySet<string>,
): CheckInRecord[] {
  return visits.filter(
    (c) => isActiveCheckIn(c, now) && c.autoCheckOutAt - now <= REMIND_BEFORE && !reminded.has(c.id),
  );
}

function readReminded(): Set<string> {
  try {
    const ids: unknown = JSON.parse(localStorage.getItem(REMINDED_KEY) ?? '[]');
    return new Set(Array.isArray(ids) ? ids.filter((x): x is string => typeof x === 'string') : []);
  } catch {
    return new Set();
  }
}

/** Keep only ids of visits still open: the list stays as short as the open visits. */
function saveReminded(ids: ReadonlySet<string>, open: readonly CheckInRecord[]) {
  const keep = open.filter((c) => ids.has(c.id)).map((c) => c.id);
  try {
    localStorage.setItem(REMINDED_KEY, JSON.stringify(keep));
  } catch {
    // storage refused: at worst one more reminder after a reload
  }
}

export function CheckOutReminder() {
  const { t, lang } = useI18n();
  const app = useApp();
  const now = useNow(30_000);
  useEffect(() => {
    if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
    const reminded = readReminded();
    const due = dueReminders(app.checkins, now, reminded);
    if (due.length === 0) return;
    for (const c of due) reminded.add(c.id);
    saveReminded(
      reminded,
      app.checkins.filter((c) => isActiveCheckIn(c, now)),
    );
    // The tag is per visit: another tab showing the same reminder replaces it instead of adding one.
    for (const c of due)
      void showAppNotification(t('reminder.title'), {
        body: t('reminder.body', { venue: c.venueName, time: formatTime(c.autoCheckOutAt, lang) }),
        tag: `singgah-checkout-${c.id}`,
        data: { url: '/history' },
      });
  }, [app.checkins, now, t, lang]);
  return null;
}
