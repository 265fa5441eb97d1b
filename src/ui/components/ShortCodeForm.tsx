/**
 * "Type the code under the QR" (Scan screen): for a poster the camera cannot read. The code is checked on the
 * phone first (typos caught by its check character), then looked up in this phone's own history — offline, and
 * without telling any server where you are — and only then asked of the server, which answers with the venue's
 * signed QR digits. Either way the app opens /v#<digits>, where the venue is verified exactly like a scanned QR.
 */
import { useRef, useState } from 'preact/hooks';
import type { ErrorCode } from '../../core/errors';
import { formatShortCode, parseShortCode, shortCodeOf } from '../../core/short-code';
import type { Store } from '../../store';
import { useI18n } from '../i18n';
import { useOptionalModel } from '../model-context';
import { navigate } from '../router';

type Failure = { kind: 'code'; code: ErrorCode } | { kind: 'not-found' } | { kind: 'offline' };

/** A venue's QR digits from a visit on this phone with that short code, the newest; undefined when none. */
async function findInHistory(store: Store, code: string): Promise<string | undefined> {
  const r = await store.listCheckIns();
  if (!r.ok) return undefined;
  const seen = new Set<string>();
  for (const visit of r.value.items) {
    if (seen.has(visit.venueId)) continue;
    seen.add(visit.venueId);
    if (shortCodeOf(visit.venueId) === code) return visit.venueCode;
  }
  return undefined;
}

const LOOKUP_TIMEOUT_MS = 10_000;
/** A well-formed code to show the shape (any id gives one). */
const EXAMPLE = formatShortCode(shortCodeOf('contoh'));
/** A venue QR's digits: the signature and payload of a venue fit well within this (core's QR size cap). */
const DIGITS = /^[0-9]{1,4000}$/;

/** The server's answer: the digits, 'not-found', or undefined when it could not be asked (offline, an error). */
async function askServer(code: string): Promise<string | 'not-found' | undefined> {
  try {
    const res = await fetch(`/v1/venues/by-code/${code}`, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(LOOKUP_TIMEOUT_MS),
    });
    if (res.status === 404) return 'not-found';
    if (!res.ok) return undefined;
    const body: unknown = await res.json();
    const digits = (body as { code?: unknown } | null)?.code;
    return typeof digits === 'string' && DIGITS.test(digits) ? digits : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `typed` lives in the Scan screen: the form moves above the viewfinder when the camera fails (a new form), and
 * what was typed meanwhile — say while the permission prompt was still open — must move with it.
 */
export function ShortCodeForm({
  typed,
  onTyped,
}: {
  readonly typed: string;
  readonly onTyped: (typed: string) => void;
}) {
  const { t, errorText } = useI18n();
  const model = useOptionalModel();
  const field = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | undefined>();

  const submit = async (e: Event) => {
    e.preventDefault();
    // The field itself, not the state: a paste then an immediate tap can submit before the state has rendered.
    const parsed = parseShortCode(field.current?.value ?? typed);
    if (!parsed.ok) {
      setFailure({ kind: 'code', code: parsed.error.code });
      return;
    }
    setBusy(true);
    setFailure(undefined);
    const local = model ? await findInHistory(model.store, parsed.value) : undefined;
    const found = local ?? (await askServer(parsed.value));
    setBusy(false);
    if (found === undefined) setFailure({ kind: 'offline' });
    else if (found === 'not-found') setFailure({ kind: 'not-found' });
    else navigate(`/v#${found}`);
  };

  const message = !failure
    ? undefined
    : failure.kind === 'code'
      ? errorText(failure.code)
      : t(failure.kind === 'offline' ? 'shortCode.offline' : 'shortCode.notFound');

  return (
    <form class="paste short-code" onSubmit={submit} data-testid="short-code-form">
      <label for="short-code">{t('shortCode.label')}</label>
      <p id="short-code-hint" class="muted">
        {t('shortCode.hint', { example: EXAMPLE })}
      </p>
      <div class="paste__row">
        <input
          ref={field}
          id="short-code"
          type="text"
          autoComplete="off"
          autoCapitalize="characters"
          spellcheck={false}
          maxLength={40}
          value={typed}
          data-testid="short-code-input"
          aria-describedby="short-code-hint"
          aria-invalid={failure?.kind === 'code' ? 'true' : undefined}
          onInput={(e) => onTyped((e.currentTarget as HTMLInputElement).value)}
        />
        <button type="submit" class="button" data-testid="short-code-open" disabled={busy}>
          {busy ? t('shortCode.busy') : t('shortCode.open')}
        </button>
      </div>
      {message && (
        <p
          class="error"
          role="alert"
          data-testid="short-code-error"
          data-code={failure?.kind === 'code' ? failure.code : failure?.kind}
        >
          {message}
        </p>
      )}
    </form>
  );
}
