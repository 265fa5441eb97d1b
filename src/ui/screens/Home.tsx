/**
 * Home: the big scan button first — in the first chunk, painted before anything else loads — then, from a
 * lazy chunk once the model is ready (HomeDetails.tsx), the rules' age, visits still open and who is on this
 * phone with their colour. Until then a loading line stands where they go: never a guessed status.
 */
import { useState } from 'preact/hooks';
import { Link } from '../components/Common';
import { hasChosenLang, LANG_NAMES, LANGS, setLang, useI18n } from '../i18n';
import { lazyScreen } from '../lazy-screen';

// Home's details come with the model, in the start chunk (ui/home-start.ts), and use the start strings only.
const start = () => import('../home-start');
const part = { laterStrings: false, fallback: null } as const;
const HomeNotices = lazyScreen(() => start().then((m) => m.HomeNotices), part);
const HomeDetails = lazyScreen(() => start().then((m) => m.HomeDetails), { laterStrings: false });
const ExposureAlert = lazyScreen(() => start().then((m) => m.ExposureAlert), part);
const HomeSyncLine = lazyScreen(() => start().then((m) => m.HomeSyncLine), part);

/**
 * The first run's language choice, once (later: Settings). Its heading is in both languages on purpose: whoever
 * cannot read the default one must still find it.
 */
function FirstRunLanguage() {
  const { lang } = useI18n();
  const [open, setOpen] = useState(() => !hasChosenLang());
  if (!open) return null;
  return (
    <section class="card" aria-labelledby="first-run-lang" data-testid="first-run-language">
      <h2 id="first-run-lang">
        <span lang="id">Pilih bahasa</span> / <span lang="en">Choose a language</span>
      </h2>
      <div class="actions">
        {LANGS.map((l) => (
          <button
            key={l}
            type="button"
            class="button"
            lang={l}
            aria-pressed={lang === l}
            onClick={() => void setLang(l).then(() => setOpen(false))}
          >
            {LANG_NAMES[l]}
          </button>
        ))}
      </div>
    </section>
  );
}

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
      <FirstRunLanguage />
      <HomeDetails />
      <HomeSyncLine />
    </>
  );
}
