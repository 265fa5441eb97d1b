/**
 * /verify, guard mode: choose the place's category and region once (select lists from the signed bundle, or
 * scan the venue QR at the door), remembered in localStorage; then scan visitors' pass QRs one after another.
 * Each scan is decided with the same core code as a check-in (decidePerson) and shown full screen with name
 * and birth date so the guard can match an ID card. Nothing about the scanned person is written anywhere: the
 * result lives in this component's state and stays (a guard looks twice) until a tap, "next person" or the next
 * person's scan. A pass QR holds
 * all of a person's certificates (core pass-code); a pass in parts, or bare certificates, are decided on all
 * codes read together, and while parts are missing the guard is told to scan the next one, never "refused".
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { EuDccRule } from '../../core/bundle';
import { verifyCertificate } from '../../core/certificate';
import { dccRuleDescription, dccRuleNamed } from '../../core/dcc/rules';
import { type DccCodec, installedDccCodec, installedShcCodec, type ShcCodec } from '../../core/dcc-codec';
import { loadDccCodec, loadShcCodec } from '../../core/dcc-codec-load';
import { type DecisionContext, decidePerson, type PersonDecision } from '../../core/eligibility';
import { type ForeignCertificate, foreignHolderOf, type HeldDcc } from '../../core/held-certificate';
import { collectPass, type PassCollection, passVerdict } from '../../core/pass-code';
import { parseScanned, passLink } from '../../core/qr-link';
import { addShcChunk, type ShcChunkSet } from '../../core/shc/chunks';
import { type Venue, verifyVenue } from '../../core/venue';
import { attachScanner, type ScanErrorCode } from '../../scan/camera-scanner';
import { signalScanSuccess } from '../../scan/feedback';
import { nowSeconds } from '../../sync/bundle-pull';
import { APP_VERSION } from '../../sync/trust';
import { ScreenTitle } from '../components/Common';
import { reasonText } from '../components/Decision';
import { loadPlace, type Place, PlaceForm, savePlace, venueOf } from '../components/GuardPlace';
import { OutcomeIcon } from '../components/Icons';
import { GuardOccupancy, rememberGuardVenue } from '../components/Occupancy';
import { ScannerView } from '../components/ScannerView';
import { ShcPartPrompt } from '../components/ShcPartPrompt';
import { formatIsoDate } from '../format';
import { useI18n } from '../i18n';
import type { AppErrorCode } from '../i18n/codes';
import { useApp } from '../model-context';
import { contextOf } from '../people';
import { regionLabel } from '../regions';

interface Result {
  readonly pass: PassCollection;
  readonly name: string;
  readonly birthDate: string;
  readonly decision: PersonDecision;
  /** Why a scanned certificate did not count (expired, bad signature…). */
  readonly problems: readonly AppErrorCode[];
  /** The EU acceptance rule a scanned DCC failed, when that is why it does not count. */
  readonly rule?: EuDccRule;
  readonly at: number;
}

/**
 * An EU DCC or SMART Health Card read at the door: decided on its own (no Singgah region, so a visitor to the
 * rules), with the holder's name and birth date as it has them; why it does not count when it does not verify.
 */
function foreignResult(
  c: ForeignCertificate,
  problem: AppErrorCode | undefined,
  venue: Venue,
  ctx: DecisionContext,
  rule?: EuDccRule,
): Result {
  return {
    pass: { holder: c.holderKey, certificates: [], missing: 0, parts: [], bare: false },
    ...foreignHolderOf(c),
    decision: decidePerson([c], '', venue, ctx),
    problems: problem ? [problem] : [],
    ...(rule ? { rule } : {}),
    at: ctx.now,
  };
}

function dccResult(codec: DccCodec, dcc: HeldDcc, venue: Venue, ctx: DecisionContext): Result {
  const verified = ctx.bundle ? codec.verifyHeldDcc(dcc.code, ctx.bundle, ctx.now) : undefined;
  const rule =
    verified && !verified.ok && verified.error.code.startsWith('DCC_RULE_')
      ? dccRuleNamed(ctx.bundle?.dccRules, verified.error.detail, dcc.payload, ctx.now)
      : undefined;
  return foreignResult(dcc, verified && !verified.ok ? verified.error.code : undefined, venue, ctx, rule);
}

/** A card's every part read: decoded and decided like a DCC (its own lazily loaded codec). */
function shcResult(codec: ShcCodec, code: string, venue: Venue, ctx: DecisionContext): Result | AppErrorCode {
  const card = codec.decodeShc(code);
  if (!card.ok) return card.error.code;
  const verified = ctx.bundle ? codec.verifyHeldShc(card.value.code, ctx.bundle, ctx.now) : undefined;
  return foreignResult(card.value, verified && !verified.ok ? verified.error.code : undefined, venue, ctx);
}

type Notice =
  | { readonly kind: 'foreign' | 'invalid'; readonly code?: AppErrorCode }
  /** Parts of a chunked SMART Health Card read so far: "scan part 2 of 3". */
  | { readonly kind: 'shc-part'; readonly set: ShcChunkSet; readonly missing: readonly number[] }
  | { readonly kind: 'place'; readonly name: string };

/**
 * The colour the whole screen takes: the answer at the door (green, red), yellow when admitted while partly
 * vaccinated, black for a person in isolation whatever the place, grey when it cannot be verified, blue while
 * more codes of the person are awaited (never red: more codes could change it).
 */
function toneOf(verdict: ReturnType<typeof passVerdict>, decision: PersonDecision): string {
  if (verdict !== 'final') return 'pending';
  if (decision.status === 'black') return 'black';
  if (decision.outcome === 'ALLOWED') return decision.status === 'yellow' ? 'yellow' : 'green';
  return decision.outcome === 'DENIED' ? 'red' : 'unknown';
}

function ResultView({ result, onNext }: { result: Result; onNext: () => void }) {
  const i18n = useI18n();
  const { t, lang, errorText } = i18n;
  const { outcome, status } = result.decision;
  const verdict = passVerdict(result.pass, result.decision);
  const final = verdict === 'final';
  const tone = toneOf(verdict, result.decision);
  return (
    // A tap anywhere clears it for the next person (a guard holding the phone out has no time to aim); the
    // "next person" button is the same action for keyboards and screen readers.
    // biome-ignore lint/a11y/useKeyWithClickEvents: the button inside is the keyboard path.
    <section
      class={`verify-result verify-result--${tone}`}
      data-testid="verify-result"
      data-tone={tone}
      data-verdict={verdict}
      data-outcome={final ? outcome : undefined}
      data-status={final ? status : undefined}
      role="status"
      aria-live="assertive"
      onClick={onNext}
    >
      <p class="verify-result__outcome" data-testid="verify-outcome">
        <OutcomeIcon outcome={final ? outcome : 'CANNOT_VERIFY'} />
        <span>
          {final
            ? t(`outcome.${outcome}`)
            : verdict === 'scan-next'
              ? t('verifyPass.scanNext', { n: result.pass.parts.length, total: result.pass.total ?? 0 })
              : t('verifyPass.scanPass')}
        </span>
      </p>
      <h2 class="verify-result__name truncate-lines" data-testid="verify-name">
        {result.name}
      </h2>
      <p class="verify-result__birth" data-testid="verify-birth">
        {t('verify.birthDate')}: {formatIsoDate(result.birthDate, lang)}
      </p>
      <p class="verify-result__match" data-testid="verify-match-id">
        {t('verify.matchId')}
      </p>
      {final && status && (
        <p class="verify-result__status" data-testid="verify-status">
          {t('verifyResult.status', { status: t(`status.${status}`), meaning: t(`statusMeaning.${status}`) })}
        </p>
      )}
      {(result.decision.reasons.length > 0 || result.problems.length > 0) && (
        <ul class="decision__reasons">
          {result.problems.map((code) => (
            <li key={code} data-reason={code}>
              {errorText(code)}
              {result.rule && code.startsWith('DCC_RULE_')
                ? ` ${t('dcc.rule', { id: result.rule.Identifier, description: dccRuleDescription(result.rule, lang) })}`
                : ''}
            </li>
          ))}
          {result.decision.reasons.map((r) => (
            <li key={`${r.code}:${r.ruleId ?? ''}`} data-reason={r.code}>
              {reasonText(r, i18n)}
            </li>
          ))}
        </ul>
      )}
      {result.pass.certificates.length > 1 && (
        <p data-testid="verify-combined">{t('verify.combined', { n: result.pass.certificates.length })}</p>
      )}
      <button type="button" class="button button--big verify-result__next" data-testid="verify-next" onClick={onNext}>
        {t('verify.next')}
      </button>
      <p>{t('verifyResult.tapHint')}</p>
    </section>
  );
}

/** `pass`: the digits of a pass QR a phone's own camera app opened (`/p#…`), decided as if scanned here. */
export function Verify({ pass = '' }: { pass?: string }) {
  const { t, lang, errorText } = useI18n();
  const app = useApp();
  const payload = app.bundle.bundle?.payload;
  const [place, setPlace] = useState(loadPlace);
  const [editing, setEditing] = useState(() => !loadPlace());
  const [result, setResult] = useState<Result | undefined>();
  const [notice, setNotice] = useState<Notice | undefined>();
  const [camera, setCamera] = useState<ScanErrorCode | undefined>();
  const video = useRef<HTMLVideoElement>(null);
  // The parts of a chunked card read so far (a ref: the camera callback outlives renders).
  const shcParts = useRef<ShcChunkSet | undefined>(undefined);

  const choose = (p: Place) => {
    savePlace(p);
    setPlace(p);
    setEditing(false);
  };

  const handle = (text: string) => {
    if (!payload) return;
    const parsed = parseScanned(text);
    if (!parsed.ok) {
      setNotice(
        parsed.error.code === 'NOT_SINGGAH_CODE' ? { kind: 'foreign' } : { kind: 'invalid', code: parsed.error.code },
      );
      return;
    }
    const now = nowSeconds();
    if (parsed.value.kind === 'venue') {
      const v = verifyVenue(parsed.value.signed, payload);
      if (!v.ok) {
        setNotice({ kind: 'invalid', code: v.error.code });
        return;
      }
      const { venue } = v.value;
      choose({ category: venue.category, region: venue.region, name: venue.name });
      rememberGuardVenue(parsed.value.signed);
      setNotice({ kind: 'place', name: venue.name });
      return;
    }
    if (!place) return;
    if (parsed.value.kind === 'dcc') {
      const text = parsed.value.text;
      const decide = (codec: DccCodec) => {
        const dcc = codec.decodeDcc(text);
        if (!dcc.ok) return setNotice({ kind: 'invalid', code: dcc.error.code });
        setNotice(undefined);
        const ctx = contextOf(payload, now, app.bundle.trustedTime, APP_VERSION, app.serverOffset);
        setResult(dccResult(codec, dcc.value, venueOf(place), ctx));
      };
      // The DCC decoder is its own chunk, fetched with the first HC1 code (precached: offline too).
      const ready = installedDccCodec();
      if (ready) return decide(ready);
      void loadDccCodec().then(decide, () => setNotice({ kind: 'invalid', code: 'ENCODING_INVALID' }));
      return;
    }
    if (parsed.value.kind === 'shc') {
      const added = addShcChunk(shcParts.current, parsed.value.text);
      if (!added.ok) return setNotice({ kind: 'invalid', code: added.error.code });
      if (added.value.kind === 'partial') {
        shcParts.current = added.value.set;
        setResult(undefined);
        return setNotice({ kind: 'shc-part', set: added.value.set, missing: added.value.missing });
      }
      shcParts.current = undefined;
      const code = added.value.texts.join('\n');
      const decide = (codec: ShcCodec) => {
        const ctx = contextOf(payload, now, app.bundle.trustedTime, APP_VERSION, app.serverOffset);
        const r = shcResult(codec, code, venueOf(place), ctx);
        if (typeof r === 'string') return setNotice({ kind: 'invalid', code: r });
        setNotice(undefined);
        setResult(r);
      };
      // The card decoder is its own chunk too, fetched when guard mode opens (precached: offline too).
      const ready = installedShcCodec();
      if (ready) return decide(ready);
      void loadShcCodec().then(decide, () => setNotice({ kind: 'invalid', code: 'ENCODING_INVALID' }));
      return;
    }
    const scan = parsed.value.kind === 'pass' ? { part: parsed.value.part } : { certificate: parsed.value.signed };
    setNotice(undefined);
    setResult((prev) => {
      // Another part or certificate of the person on screen joins what was read of them: decided together.
      const pass = collectPass(prev?.pass, scan);
      // The same codes again (the camera still sees the pass): nothing new.
      const known = new Set(prev?.pass.certificates.map((c) => c.code));
      if (prev && pass.missing === prev.pass.missing && pass.certificates.every((c) => known.has(c.code)))
        if (pass.certificates.length === known.size) return prev;
      const checked = pass.certificates.map((c) => verifyCertificate(c, payload, now));
      const problems = [...new Set(checked.flatMap((r) => (r.ok ? [] : [r.error.code])))];
      const ctx = contextOf(payload, now, app.bundle.trustedTime, APP_VERSION, app.serverOffset);
      const { holder } = pass.certificates[0].certificate;
      const decision = decidePerson(pass.certificates, holder.region, venueOf(place), ctx);
      return { pass, name: holder.name, birthDate: holder.birthDate, decision, problems, at: now };
    });
  };
  const handler = useRef(handle);
  handler.current = handle;

  // Fetch the DCC and card decoders while guard mode opens, not at the first HC1 or shc:/ code: a guard who
  // opened this screen online then reads them offline even before the service worker has precached the chunks.
  useEffect(() => {
    void loadDccCodec().catch(() => undefined);
    void loadShcCodec().catch(() => undefined);
  }, []);

  const hasPayload = payload !== undefined;
  useEffect(() => {
    const el = video.current;
    if (!el || !hasPayload) return;
    const c = attachScanner(el, {
      onText: (text) => {
        signalScanSuccess();
        handler.current(text);
      },
      onError: (code) => setCamera(code),
    });
    return () => c.detach();
  }, [hasPayload]);

  // A pass opened as a link is decided once the rules and the place are there (the form first, if none yet).
  const placeChosen = place !== undefined && !editing;
  useEffect(() => {
    if (pass && hasPayload && placeChosen) handler.current(passLink(location.origin, pass));
  }, [pass, hasPayload, placeChosen]);

  const next = useRef(() => setResult(undefined)).current;
  const category = payload?.categories.find((c) => c.code === place?.category)?.name[lang] ?? place?.category;

  return (
    <>
      <ScreenTitle>{t('verify.title')}</ScreenTitle>
      {!payload ? (
        <p class="warning" role="alert" data-testid="verify-no-bundle">
          {t('verify.noBundle')}
        </p>
      ) : (
        <>
          {result && <ResultView result={result} onNext={next} />}
          {editing || !place ? (
            <PlaceForm initial={place} onChoose={choose} />
          ) : (
            <div
              class="verify-venue"
              data-testid="verify-venue"
              data-category={place.category}
              data-region={place.region}
            >
              <p>
                {place.name
                  ? t('verify.venueFromQr', { name: place.name })
                  : t('verify.venue', { category: category ?? '', region: regionLabel(place.region) })}
              </p>
              <button type="button" class="button" data-testid="verify-change" onClick={() => setEditing(true)}>
                {t('verify.change')}
              </button>
            </div>
          )}
          {!editing && <GuardOccupancy placeName={place?.name} />}
          <ScannerView video={video} hidden={result !== undefined} />
          {!editing && place && <p class="hint">{t('verify.scanHint')}</p>}
          {notice?.kind === 'shc-part' && <ShcPartPrompt set={notice.set} missing={notice.missing} />}
          {notice && notice.kind !== 'shc-part' && (
            <p
              class={notice.kind === 'place' ? 'success' : 'error'}
              role="status"
              data-testid="verify-notice"
              data-kind={notice.kind}
              data-code={'code' in notice ? notice.code : undefined}
            >
              {notice.kind === 'place'
                ? t('verify.venueFromQr', { name: notice.name })
                : notice.kind === 'foreign'
                  ? t('verify.notCertificate')
                  : `${t('verify.invalid')} ${notice.code ? errorText(notice.code) : ''}`}
            </p>
          )}
          {camera && (
            <p class="error" role="alert" data-testid="camera-error" data-code={camera}>
              {errorText(camera)}
            </p>
          )}
          <p class="muted">{t('verify.nothingStored')}</p>
        </>
      )}
    </>
  );
}
