/**
 * How full a venue is, against the occupancy limit of the signed policy (core occupancy.ts). The count of people
 * inside comes from the server (GET /v1/venues/:id/occupancy) when there is a network; it is an addition that
 * arrives when it can — the decision never waits for it. Offline, on an error or after a short timeout the screen
 * says the count cannot be known. The check-in screen asks once; guard mode at a venue keeps asking while open.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { BundlePayload } from '../../core/bundle';
import { occupancyLimitOf, occupancyState } from '../../core/occupancy';
import { decodeVenue, type SignedVenue, type Venue, verifyVenue } from '../../core/venue';
import { useI18n } from '../i18n';
import { useApp } from '../model-context';

/** The count is a help, not a gate: a slow network gets "cannot know" quickly. */
const TIMEOUT_MS = 4_000;
/** Guard mode: how often the live count is asked again. */
const GUARD_REFRESH_MS = 10_000;

export type Count =
  | { readonly kind: 'loading' }
  | { readonly kind: 'known'; readonly inside: number; readonly left: number }
  | { readonly kind: 'unknown' };

const isCount = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 0;

async function fetchCount(venueId: string): Promise<Count> {
  if (typeof navigator !== 'undefined' && navigator.onLine === false) return { kind: 'unknown' };
  try {
    const res = await fetch(`/v1/venues/${encodeURIComponent(venueId)}/occupancy`, {
      headers: { accept: 'application/json' },
      cache: 'no-store',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    if (!res.ok) return { kind: 'unknown' };
    const body = (await res.json()) as { active?: unknown; left?: unknown } | null;
    if (!isCount(body?.active)) return { kind: 'unknown' };
    return { kind: 'known', inside: body.active, left: isCount(body.left) ? body.left : 0 };
  } catch {
    return { kind: 'unknown' };
  }
}

/** The venue's count, asked at once and then every `refreshMs` (if given) while mounted and online. */
export function useOccupancyCount(venueId: string | undefined, refreshMs?: number): Count {
  const [count, setCount] = useState<Count>({ kind: 'loading' });
  useEffect(() => {
    if (!venueId) return;
    let live = true;
    const ask = () =>
      void fetchCount(venueId).then((c) => {
        if (live) setCount(c);
      });
    ask();
    const timer = refreshMs ? setInterval(ask, refreshMs) : undefined;
    // Back online: ask again rather than keep saying "cannot know".
    addEventListener('online', ask);
    return () => {
      live = false;
      if (timer !== undefined) clearInterval(timer);
      removeEventListener('online', ask);
    };
  }, [venueId, refreshMs]);
  return count;
}

/** Check-in screen: "105 of 200 allowed inside", "Full — please wait", or "cannot know". Nothing without a limit. */
export function OccupancyLine({ count, limit }: { count: Count; limit: number | undefined }) {
  const { t } = useI18n();
  if (limit === undefined) return null;
  const state =
    count.kind === 'known'
      ? occupancyState(count.inside, limit).kind
      : count.kind === 'loading'
        ? 'loading'
        : 'unknown';
  const full = state === 'full';
  return (
    <p
      class={`occupancy occupancy--${state}${full ? ' warning' : ''}`}
      data-testid="occupancy"
      data-state={state}
      role={full ? 'alert' : 'status'}
    >
      {full && <strong class="occupancy__full">{t('occupancy.full')} </strong>}
      {count.kind === 'known'
        ? t('occupancy.count', { inside: count.inside, limit })
        : count.kind === 'loading'
          ? t('occupancy.loading', { limit })
          : t('occupancy.unknown', { limit })}
    </p>
  );
}

const GUARD_VENUE_KEY = 'singgah.verify.venue';

/** Guard mode took its place from a venue QR: keep the signed code (verified again when read) for the count. */
export function rememberGuardVenue(signed: SignedVenue): void {
  try {
    localStorage.setItem(GUARD_VENUE_KEY, signed.code);
  } catch {
    // Storage refused: no live count after a reload.
  }
}

/** The remembered venue of guard mode, if its signature still verifies against the current rules. */
function guardVenue(payload: BundlePayload): Venue | undefined {
  try {
    const code = localStorage.getItem(GUARD_VENUE_KEY);
    const decoded = code ? decodeVenue(code) : undefined;
    return decoded?.ok && verifyVenue(decoded.value, payload).ok ? decoded.value.venue : undefined;
  } catch {
    // Storage blocked: no remembered venue.
    return undefined;
  }
}

/**
 * Guard mode at a venue: the live count — inside / left / limit — refreshed while the screen is open. Shown only
 * when the guard's place is the venue whose QR was scanned (`placeName`), its signature still verifies against
 * the current rules, and the policy sets a limit for it.
 */
export function GuardOccupancy({ placeName }: { placeName: string | undefined }) {
  const { t } = useI18n();
  const payload = useApp().bundle.bundle?.payload;
  // Read and verified once per place and rules, not on every render (guard mode re-renders with its clock).
  const venue = useMemo(() => (placeName && payload ? guardVenue(payload) : undefined), [placeName, payload]);
  const shown = venue && placeName === venue.name ? venue : undefined;
  const limit = shown ? occupancyLimitOf(shown, payload?.policy) : undefined;
  const count = useOccupancyCount(limit === undefined ? undefined : shown?.id, GUARD_REFRESH_MS);
  if (!shown || limit === undefined) return null;
  const full = count.kind === 'known' && occupancyState(count.inside, limit).kind === 'full';
  const value = (n: number | undefined) => (n === undefined ? '–' : String(n));
  return (
    <section
      class={`guard-occupancy card${full ? ' guard-occupancy--full' : ''}`}
      aria-labelledby="guard-occupancy-title"
      data-testid="guard-occupancy"
      data-state={count.kind === 'known' ? (full ? 'full' : 'room') : count.kind}
    >
      <h2 id="guard-occupancy-title">{t('occupancy.guardTitle')}</h2>
      <dl class="guard-occupancy__numbers" aria-live="polite">
        <div>
          <dt>{t('occupancy.inside')}</dt>
          <dd data-testid="guard-occupancy-in">{value(count.kind === 'known' ? count.inside : undefined)}</dd>
        </div>
        <div>
          <dt>{t('occupancy.left')}</dt>
          <dd data-testid="guard-occupancy-out">{value(count.kind === 'known' ? count.left : undefined)}</dd>
        </div>
        <div>
          <dt>{t('occupancy.limit')}</dt>
          <dd data-testid="guard-occupancy-limit">{limit}</dd>
        </div>
      </dl>
      {full && (
        <p class="warning" role="alert">
          {t('occupancy.guardFull')}
        </p>
      )}
      {count.kind === 'unknown' && <p class="muted">{t('occupancy.guardUnknown')}</p>}
    </section>
  );
}
