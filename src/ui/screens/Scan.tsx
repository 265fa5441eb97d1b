/**
 * Scan: camera (lazy zxing) plus a labelled text field for a pasted link. Both feed parseScanned: a venue
 * opens /v#…, a certificate /c#…, anything else says plainly what was read and that it is not ours.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { CoreError } from '../../core/errors';
import { describeForeign, type Foreign, parseScanned } from '../../core/qr-link';
import { attachScanner, type CameraErrorCode } from '../../scan/camera-scanner';
import { ScreenTitle } from '../components/Common';
import { useI18n } from '../i18n';
import { navigate } from '../router';

type Camera = { state: 'starting' } | { state: 'running' } | { state: 'error'; code: CameraErrorCode };
interface ScanError {
  readonly error: CoreError;
  readonly seen: Foreign;
}

export function Scan() {
  const { t, errorText } = useI18n();
  const video = useRef<HTMLVideoElement>(null);
  const [camera, setCamera] = useState<Camera>({ state: 'starting' });
  const [attempt, setAttempt] = useState(0);
  const [scanError, setScanError] = useState<ScanError | undefined>();
  const [pasted, setPasted] = useState('');
  const [pasteEmpty, setPasteEmpty] = useState(false);

  const handle = (text: string) => {
    const parsed = parseScanned(text);
    if (parsed.ok) {
      const { kind, signed } = parsed.value;
      navigate(kind === 'venue' ? `/v#${signed.code}` : `/c#${signed.code}`);
      return;
    }
    setScanError({ error: parsed.error, seen: describeForeign(text) });
  };
  // The camera callback outlives renders: always call the latest handler.
  const handler = useRef(handle);
  handler.current = handle;

  useEffect(() => {
    const el = video.current;
    if (!el) return;
    setCamera({ state: 'starting' });
    return attachScanner(el, {
      onText: (text) => handler.current(text),
      onError: (code) => setCamera({ state: 'error', code }),
      onRunning: (running) => running && setCamera({ state: 'running' }),
    });
  }, [attempt]);

  const submit = (e: Event) => {
    e.preventDefault();
    const text = pasted.trim();
    setPasteEmpty(text === '');
    if (text) handle(text);
  };

  return (
    <>
      <ScreenTitle>{t('scan.title')}</ScreenTitle>
      <div class="scanner">
        <video
          ref={video}
          class="scanner__video"
          data-testid="scanner-video"
          aria-label={t('scan.videoLabel')}
          muted
          playsInline
          autoPlay
        />
        <div class="scanner__frame" aria-hidden="true" />
      </div>
      <p class="scanner__state" role="status">
        {camera.state === 'starting' && t('scan.starting')}
        {camera.state === 'running' && t('scan.running')}
      </p>
      {camera.state === 'error' && (
        <div class="error" role="alert" data-testid="camera-error" data-code={camera.code}>
          <p>{errorText(camera.code)}</p>
          <button type="button" class="button" onClick={() => setAttempt((n) => n + 1)}>
            {t('scan.retry')}
          </button>
        </div>
      )}
      {scanError && (
        <div class="error" role="alert" data-testid="scan-error" data-code={scanError.error.code}>
          <p>{scanError.error.code === 'NOT_SINGGAH_CODE' ? t('scan.notSinggah') : errorText(scanError.error.code)}</p>
          <p class="truncate-lines">
            {t(scanError.seen.kind === 'url' ? 'scan.sawLink' : 'scan.saw', { text: scanError.seen.preview })}
          </p>
        </div>
      )}
      <form class="paste" onSubmit={submit}>
        <label for="paste-link">{t('scan.pasteLabel')}</label>
        <div class="paste__row">
          <input
            id="paste-link"
            type="text"
            inputMode="url"
            autoComplete="off"
            spellcheck={false}
            value={pasted}
            data-testid="paste-input"
            aria-invalid={pasteEmpty ? 'true' : undefined}
            onInput={(e) => setPasted((e.currentTarget as HTMLInputElement).value)}
          />
          <button type="submit" class="button" data-testid="paste-open">
            {t('scan.pasteOpen')}
          </button>
        </div>
        {pasteEmpty && <p class="muted">{t('scan.pasteEmpty')}</p>}
      </form>
    </>
  );
}
