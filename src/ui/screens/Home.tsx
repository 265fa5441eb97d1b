/**
 * Home: the big scan button first — in the first chunk, painted before anything else loads — then, from a
 * lazy chunk once the model is ready (HomeDetails.tsx), the rules' age, visits still open and who is on this
 * phone with their colour. Until then a loading line stands where they go: never a guessed status.
 */
import { Link } from '../components/Common';
import { useI18n } from '../i18n';
import { lazyScreen } from '../lazy-screen';

const details = () => import('./HomeDetails');
const HomeNotices = lazyScreen(() => details().then((m) => m.HomeNotices), { fallback: null });
const HomeDetails = lazyScreen(() => details().then((m) => m.HomeDetails));
const sync = () => import('../components/SyncStatus');
const ExposureAlert = lazyScreen(() => sync().then((m) => m.ExposureAlert), { fallback: null });
const HomeSyncLine = lazyScreen(() => sync().then((m) => m.HomeSyncLine), { fallback: null });

export function Home() {
  const { t } = useI18n();
  return (
    <>
      <h1 class="screen-title visually-hidden">{t('home.title')}</h1>
      <HomeNotices />
      <ExposureAlert />
      <section class="hero" aria-labelledby="scan-hint">
        <Link href="/scan" class="button button--primary button--big" data-testid="scan-button">
          <svg viewBox="0 0 24 24" width="28" height="28" aria-hidden="true" class="icon">
            <path
              d="M3 8V5a2 2 0 0 1 2-2h3M16 3h3a2 2 0 0 1 2 2v3M21 16v3a2 2 0 0 1-2 2h-3M8 21H5a2 2 0 0 1-2-2v-3M7 12h10"
              fill="none"
              stroke="currentColor"
              stroke-width="2"
              stroke-linecap="round"
            />
          </svg>
          {t('home.scan')}
        </Link>
        <p id="scan-hint" class="hint">
          {t('home.scanHint')}
        </p>
      </section>
      <HomeDetails />
      <HomeSyncLine />
    </>
  );
}
