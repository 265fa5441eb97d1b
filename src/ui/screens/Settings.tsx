/**
 * Settings: the language (here rather than in the header, where it would push the screen wider than a phone), the
 * rules (version, age, last check, manual check), the certificates with their recycle bin, the user's data (storage
 * protection and usage, export, import, delete all), notifications (in the sync section), about and privacy, app
 * version.
 */

import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { isScanSoundOn, setScanSound } from '../../scan/feedback';
import type { PullOutcome } from '../../sync/bundle-pull';
import type { RootsOutcome } from '../../sync/roots';
import { uploadsEnabled } from '../../sync/sync-run';
import { APP_VERSION } from '../../sync/trust';
import { DEFAULT_RETENTION_DAYS } from '../app-model';
import { ScreenTitle } from '../components/Common';
import { DataSection, WalletSection } from '../components/DataControl';
import { SyncSection } from '../components/SyncSettings';
import { formatAge, formatDateTime } from '../format';
import { type I18n, LANG_NAMES, LANGS, type Lang, setLang, useI18n } from '../i18n';
import { useApp, useModel, useNow } from '../model-context';
import { promptInstall, useSwState } from '../sw-bridge';
import { getThemeChoice, setThemeChoice, THEME_CHOICES, type ThemeChoice } from '../theme';

function pullText(o: PullOutcome, i18n: I18n): string {
  switch (o.kind) {
    case 'updated':
      return i18n.t('settings.updated', { version: o.version });
    case 'unchanged':
      return i18n.t('settings.unchanged');
    case 'unreachable':
      return i18n.t('settings.unreachable');
    case 'rejected':
      return i18n.t('settings.rejected', { reason: i18n.errorText(o.code) });
    case 'storage-error':
      return i18n.errorText(o.code);
  }
}

/** Only what needs attention: a refused chain or a failed store (offline and "no change" are normal). */
function rootsProblem(o: RootsOutcome | undefined, i18n: I18n): string | undefined {
  if (o?.kind === 'rejected') return i18n.t('trust.rootsRejected', { reason: i18n.errorText(o.code) });
  if (o?.kind === 'storage-error') return i18n.errorText(o.code);
  return undefined;
}

/** The scanner's optional beep (off by default; the vibration is always on where the phone has one). */
function ScannerSection() {
  const { t } = useI18n();
  const [sound, setSound] = useState(isScanSoundOn);
  return (
    <section class="card" aria-labelledby="scanner-title">
      <h2 id="scanner-title">{t('scan.soundTitle')}</h2>
      <label>
        <input
          type="checkbox"
          checked={sound}
          data-testid="scan-sound"
          aria-describedby="scan-sound-hint"
          onChange={(e) => {
            const on = (e.currentTarget as HTMLInputElement).checked;
            setScanSound(on);
            setSound(on);
          }}
        />{' '}
        {t('scan.soundLabel')}
      </label>
      <p class="muted" id="scan-sound-hint">
        {t('scan.soundHint')}
      </p>
    </section>
  );
}

const THEME_LABELS = {
  system: 'settings.themeSystem',
  light: 'settings.themeLight',
  dark: 'settings.themeDark',
} as const;

/** Light, dark or the phone's choice (src/ui/theme.ts); applied at once and before the next first paint. */
function AppearanceSection() {
  const { t } = useI18n();
  const [choice, setChoice] = useState(getThemeChoice);
  const choose = (c: ThemeChoice) => {
    setThemeChoice(c);
    setChoice(c);
  };
  return (
    <section class="card">
      <fieldset class="choices" data-testid="theme-choice">
        <legend>
          <h2>{t('settings.theme')}</h2>
        </legend>
        {THEME_CHOICES.map((c) => (
          <label key={c}>
            <input
              type="radio"
              name="theme"
              value={c}
              checked={choice === c}
              data-testid={`theme-${c}`}
              onChange={() => choose(c)}
            />
            {t(THEME_LABELS[c])}
          </label>
        ))}
      </fieldset>
    </section>
  );
}

/** The language (also offered once on Home's first run); the choice applies in every open tab. */
function LanguageSection() {
  const { t, lang } = useI18n();
  return (
    <section class="card" aria-labelledby="lang-title">
      <h2 id="lang-title">{t('settings.language')}</h2>
      <select
        id="lang-switch"
        aria-labelledby="lang-title"
        data-testid="lang-switch"
        value={lang}
        onChange={(e) => void setLang((e.currentTarget as HTMLSelectElement).value as Lang)}
      >
        {LANGS.map((l) => (
          <option key={l} value={l} lang={l}>
            {LANG_NAMES[l]}
          </option>
        ))}
      </select>
    </section>
  );
}

/** Only where the browser offered to install the app (`beforeinstallprompt`, kept by sw-bridge). */
function InstallSection() {
  const { t } = useI18n();
  const { installable } = useSwState();
  if (!installable) return null;
  return (
    <section class="card" aria-labelledby="install-title">
      <h2 id="install-title">{t('settings.install')}</h2>
      <p class="muted">{t('settings.installHint')}</p>
      <button
        type="button"
        class="button button--primary"
        data-testid="install-app"
        onClick={() => void promptInstall()}
      >
        {t('settings.install')}
      </button>
    </section>
  );
}

/**
 * About and privacy in plain words: what the app keeps, where, for how long, and what leaves the phone. The
 * upload sentence and the visit retention come from the signed policy on this phone (the same flag the sync
 * section shows), so the text cannot promise what the rules do not say.
 */
function AboutSection() {
  const { t } = useI18n();
  const app = useApp();
  const bundle = app.bundle.bundle;
  const uploads = bundle ? uploadsEnabled(bundle) : undefined;
  const days = bundle?.payload.policy.retentionDays ?? DEFAULT_RETENTION_DAYS;
  return (
    <section class="card about" aria-labelledby="about-title" data-testid="about-privacy">
      <h2 id="about-title">{t('about.title')}</h2>
      <h3>{t('about.whatTitle')}</h3>
      <ul>
        <li>{t('about.whatCertificates')}</li>
        <li>{t('about.whatVisits')}</li>
        <li>{t('about.whatRules')}</li>
      </ul>
      <h3>{t('about.whereTitle')}</h3>
      <p>{t('about.where')}</p>
      <h3>{t('about.howLongTitle')}</h3>
      <ul>
        <li data-testid="about-retention" data-days={days}>
          {t('about.howLongVisits', { days })}
        </li>
        <li>{t('about.howLongBin')}</li>
        <li>{t('about.howLongCertificates')}</li>
      </ul>
      <h3>{t('about.leavesTitle')}</h3>
      <ul>
        <li data-testid="about-uploads" data-uploads={uploads === undefined ? 'unknown' : String(uploads)}>
          {uploads === true
            ? t('about.uploadsOn')
            : uploads === false
              ? t('about.uploadsOff')
              : t('about.uploadsUnknown')}
        </li>
        <li>{t('about.downloads')}</li>
        <li>{t('about.caseReport')}</li>
        <li>{t('about.never')}</li>
      </ul>
    </section>
  );
}

/** The screen's groups, in order: each a heading of its own and a contents entry at the top. */
const GROUPS = ['rules', 'data', 'display', 'about'] as const;
type GroupId = (typeof GROUPS)[number];

function SettingsGroup({ id, children }: { id: GroupId; children: ComponentChildren }) {
  const { t } = useI18n();
  return (
    <section class="settings-group" aria-labelledby={`group-${id}`} data-testid="settings-group" data-group={id}>
      <h2 id={`group-${id}`} class="settings-group__title" tabIndex={-1}>
        {t(`settingsGroups.${id}`)}
      </h2>
      {children}
    </section>
  );
}

/**
 * Contents at the top of a long screen: one tap moves to a group (focus on its heading, so a screen reader reads
 * from there). Buttons, not #anchors: the hash carries the /v and /c payloads.
 */
function SettingsContents() {
  const { t } = useI18n();
  const go = (id: GroupId) => {
    const heading = document.getElementById(`group-${id}`);
    heading?.scrollIntoView({ block: 'start' });
    heading?.focus({ preventScroll: true });
  };
  return (
    <nav class="settings-contents" aria-label={t('settingsGroups.contents')} data-testid="settings-contents">
      <ul>
        {GROUPS.map((id) => (
          <li key={id}>
            <button type="button" class="button" data-group={id} onClick={() => go(id)}>
              {t(`settingsGroups.${id}`)}
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}

export function Settings() {
  const i18n = useI18n();
  const { t, lang, errorText } = i18n;
  const app = useApp();
  const model = useModel();
  const now = useNow();
  const payload = app.bundle.bundle?.payload;

  return (
    <>
      <ScreenTitle>{t('settings.title')}</ScreenTitle>
      <SettingsContents />

      <SettingsGroup id="rules">
        <section class="card" aria-labelledby="rules-title">
          <h2 id="rules-title">{t('settings.rules')}</h2>
          {/* The rows are there before the rules are ("—") and the result line keeps its room, so nothing below
            moves when the first pull lands (a layout shift Lighthouse measured on a first visit). */}
          <dl class="facts" aria-busy={!payload && app.pulling}>
            <div>
              <dt>{t('settings.rulesVersion')}</dt>
              <dd data-testid={payload ? 'settings-bundle-version' : undefined}>{payload?.version ?? '—'}</dd>
            </div>
            <div>
              <dt>{t('settings.rulesIssued')}</dt>
              <dd>
                {payload
                  ? `${formatDateTime(payload.issuedAt, lang)} (${formatAge(payload.issuedAt, now, lang)})`
                  : '—'}
              </dd>
            </div>
            <div>
              <dt>{t('settings.rulesExpires')}</dt>
              <dd>{payload ? formatDateTime(payload.expiresAt, lang) : '—'}</dd>
            </div>
            <div>
              <dt>{t('settings.rulesChecked')}</dt>
              <dd>
                {app.bundle.checkedAt !== undefined ? formatAge(app.bundle.checkedAt, now, lang) : t('settings.never')}
              </dd>
            </div>
          </dl>
          <p
            class="muted status-line"
            role="status"
            data-testid={app.lastPull ? 'pull-result' : undefined}
            data-kind={app.lastPull?.kind}
          >
            {app.lastPull
              ? `${t('settings.lastResult')}: ${pullText(app.lastPull, i18n)}`
              : payload
                ? app.pulling && t('settings.checking')
                : t('bundle.none')}
          </p>
          {/* A pull that brought no rules: still say there are none. */}
          {!payload && app.lastPull && <p>{t('bundle.none')}</p>}
          <dl class="facts">
            <div>
              <dt>{t('trust.rootVersion')}</dt>
              <dd data-testid="settings-root-version">{app.root.anchor.version ?? 1}</dd>
            </div>
          </dl>
          {app.root.storedError && (
            <p class="warning" role="status" data-testid="roots-stored-error" data-code={app.root.storedError}>
              {t('trust.rootsStoredInvalid', { reason: errorText(app.root.storedError) })}
            </p>
          )}
          {rootsProblem(app.lastRoots, i18n) && (
            <p
              class="warning"
              role="status"
              data-testid="roots-result"
              data-kind={app.lastRoots?.kind}
              data-code={app.lastRoots && 'code' in app.lastRoots ? app.lastRoots.code : undefined}
            >
              {rootsProblem(app.lastRoots, i18n)}
            </p>
          )}
          <button type="button" class="button" disabled={app.pulling} onClick={() => model.pullNow()}>
            {app.pulling ? t('settings.checking') : t('settings.checkNow')}
          </button>
        </section>

        <SyncSection />
      </SettingsGroup>

      <SettingsGroup id="data">
        <WalletSection />
        <DataSection />
      </SettingsGroup>

      <SettingsGroup id="display">
        <LanguageSection />
        <AppearanceSection />
        <ScannerSection />
        <InstallSection />
      </SettingsGroup>

      <SettingsGroup id="about">
        <AboutSection />
        <section class="card" aria-labelledby="app-title">
          <h2 id="app-title">{t('settings.app')}</h2>
          <dl class="facts">
            <div>
              <dt>{t('settings.appVersion')}</dt>
              <dd data-testid="app-version">{APP_VERSION}</dd>
            </div>
          </dl>
        </section>
      </SettingsGroup>
    </>
  );
}
