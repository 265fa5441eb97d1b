/**
 * Trust notices that replace or head the decisions: the phone's clock is behind trusted time, and the rules
 * need a newer app. Both state the facts (times, versions) so a guard and the user know what to fix.
 */
import { useState } from 'preact/hooks';
import type { RulesCause } from '../../core/rules-cause';
import type { UnixSeconds } from '../../core/schema';
import { formatDateTime } from '../format';
import type { UpdateRequired } from '../gating';
import { useI18n } from '../i18n';
import { applyUpdate, checkForUpdate, swState, useSwState } from '../sw-bridge';
import { ScreenTitle } from './Common';

/** "Your phone's clock is wrong": shown wherever a decision would be CLOCK_BEHIND. */
function ClockWrongBanner({ expected, now }: { expected: UnixSeconds; now: UnixSeconds }) {
  const { t, lang } = useI18n();
  return (
    <div class="trust-alert" role="alert" data-testid="clock-wrong" data-expected={String(expected)}>
      <p class="trust-alert__title">{t('trust.clockWrongTitle')}</p>
      <p>
        {t('trust.clockWrong', {
          now: formatDateTime(now, lang),
          expected: formatDateTime(expected, lang),
        })}
      </p>
      <p>{t('trust.clockWrongHint')}</p>
    </div>
  );
}

/**
 * Why the rules cannot be used, in the words that fit the cause (core rules-cause.ts): the clock (ahead of the
 * server, or behind trusted time — with the time the phone should show), expired rules, or none yet.
 */
export function RulesProblemBanner({ cause, now }: { cause: RulesCause; now: UnixSeconds }) {
  const { t, lang } = useI18n();
  const serverTime = 'serverTime' in cause ? String(cause.serverTime) : undefined;
  if (cause.code === 'CLOCK_BEHIND') {
    return (
      <div data-testid="rules-problem" data-cause={cause.code} data-server-time={serverTime}>
        <ClockWrongBanner expected={cause.serverTime} now={now} />
      </div>
    );
  }
  const [title, text] =
    cause.code === 'CLOCK_AHEAD'
      ? [
          t('rulesCause.clockAheadTitle'),
          t('rulesCause.clockAhead', {
            now: formatDateTime(now, lang),
            server: formatDateTime(cause.serverTime, lang),
          }),
        ]
      : cause.code === 'RULES_EXPIRED'
        ? [t('rulesCause.expiredTitle'), t('rulesCause.expired', { time: formatDateTime(cause.endedAt, lang) })]
        : [t('rulesCause.neverSyncedTitle'), t('rulesCause.neverSynced')];
  return (
    <div
      class="trust-alert"
      role="alert"
      data-testid="rules-problem"
      data-cause={cause.code}
      data-server-time={serverTime}
    >
      <p class="trust-alert__title">{title}</p>
      <p>{text}</p>
      {cause.code === 'CLOCK_AHEAD' && <p>{t('trust.clockWrongHint')}</p>}
    </div>
  );
}

type UpdatePhase = 'idle' | 'checking' | 'none';

/** Check for a newer version through the service-worker bridge; install it when one is waiting. */
function useUpdateAction() {
  const ready = useSwState().updateReady;
  const [phase, setPhase] = useState<UpdatePhase>('idle');
  const run = async () => {
    if (swState().updateReady) {
      applyUpdate();
      return;
    }
    setPhase('checking');
    const found = await checkForUpdate();
    if (found) applyUpdate();
    else setPhase('none');
  };
  return { ready, phase, run };
}

function UpdateButton({ big }: { big?: boolean }) {
  const { t } = useI18n();
  const { ready, phase, run } = useUpdateAction();
  return (
    <>
      <button
        type="button"
        class={`button button--primary${big ? ' button--big' : ''}`}
        data-testid="update-check"
        disabled={phase === 'checking'}
        onClick={run}
      >
        {ready ? t('trust.updateInstall') : phase === 'checking' ? t('trust.updateChecking') : t('trust.updateCheck')}
      </button>
      {phase === 'none' && (
        <p class="muted" role="status" data-testid="update-none">
          {t('trust.updateNone')}
        </p>
      )}
    </>
  );
}

/** Replaces the check-in screen's venue and decisions: an app older than the rules decides nothing. */
export function UpdateRequiredScreen({ gate }: { gate: UpdateRequired }) {
  const { t } = useI18n();
  return (
    <section class="update-required" data-testid="update-required">
      <ScreenTitle>{t('trust.updateRequiredTitle')}</ScreenTitle>
      <p>{t('trust.updateRequired', { required: gate.required, running: gate.running })}</p>
      <dl class="facts">
        <div>
          <dt>{t('settings.appVersion')}</dt>
          <dd data-testid="update-running">{gate.running}</dd>
        </div>
        <div>
          <dt>{t('trust.requiredVersion')}</dt>
          <dd data-testid="update-required-version">{gate.required}</dd>
        </div>
      </dl>
      <UpdateButton big />
    </section>
  );
}

/** Home's banner for the same state. */
export function UpdateRequiredBanner({ gate }: { gate: UpdateRequired }) {
  const { t } = useI18n();
  return (
    <div class="trust-alert" role="alert" data-testid="update-required-banner">
      <p class="trust-alert__title">{t('trust.updateRequiredTitle')}</p>
      <p>{t('trust.updateRequiredBanner', { required: gate.required, running: gate.running })}</p>
      <UpdateButton />
    </div>
  );
}
