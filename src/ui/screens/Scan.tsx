/**
 * Scan: the camera (src/scan: native BarcodeDetector or zxing in a worker, loaded when this screen opens),
 * a photo or screenshot of a QR code, and a labelled field for a pasted link. All feed parseScanned: a
 * venue opens /v#…, a certificate /c#…, a person's pass points to guard mode, anything else says plainly what was read and that it is not ours.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { CoreError } from '../../core/errors';
import type { Foreign } from '../../core/qr-link';
import type { ShcChunkSet } from '../../core/shc/chunks';
import { attachScanner, type ScanErrorCode, type ScannerControls, type ScannerState } from '../../scan/camera-scanner';
import { signalScanSuccess } from '../../scan/feedback';
import { scanImageFile } from '../../scan/image-file';
import { ScreenTitle } from '../components/Common';
import { ScannerView } from '../components/ScannerView';
import { ShcPartPrompt } from '../components/ShcPartPrompt';
import { ShortCodeForm } from '../components/ShortCodeForm';
import { useI18n } from '../i18n';
import { navigate } from '../router';

type Camera =
  | { state: 'starting' }
  | { state: 'running'; info: ScannerState }
  | { state: 'stopped' }
  | { state: 'error'; code: ScanErrorCode };
// core/qr-link pulls in core's shared chunk (valibot, Ed25519, SHA-2): it is fetched while the camera opens,
// so it never delays the scan screen, and it is there long before the first code is decoded.
// With it the reassembly of a chunked SMART Health Card (core/shc chunks.ts: a few hundred bytes, no decoder).
let qrLink: Promise<typeof import('../../core/qr-link') & typeof import('../../core/shc/chunks')> | undefined;
const loadQrLink = () => {
  qrLink ??= Promise.all([import('../../core/qr-link'), import('../../core/shc/chunks')]).then(([a, b]) => ({
    ...a,
    ...b,
  }));
  return qrLink;
};

type Picture = { state: 'idle' } | { state: 'reading' } | { state: 'error'; code: ScanErrorCode };
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
  const [shortCode, setShortCode] = useState('');
  const [pasteEmpty, setPasteEmpty] = useState(false);
  const [picture, setPicture] = useState<Picture>({ state: 'idle' });
  const controls = useRef<ScannerControls | undefined>(undefined);
  // The parts of a chunked SMART Health Card read so far, by camera, photo or paste alike.
  const [shcParts, setShcParts] = useState<{ set: ShcChunkSet; missing: readonly number[] } | undefined>();
  const shcSet = useRef<ShcChunkSet | undefined>(undefined);

  const handle = async (text: string) => {
    const { addShcChunk, describeForeign, foreignImportPath, parseScanned } = await loadQrLink();
    const parsed = parseScanned(text);
    const v = parsed.ok ? parsed.value : undefined;
    if (v?.kind === 'shc') {
      const added = addShcChunk(shcSet.current, v.text);
      if (!added.ok) {
        setScanError({ error: added.error, seen: describeForeign(text) });
        return;
      }
      setScanError(undefined);
      if (added.value.kind === 'partial') {
        shcSet.current = added.value.set;
        setShcParts({ set: added.value.set, missing: added.value.missing });
        return;
      }
      navigate(foreignImportPath(added.value.texts.join('\n')));
      return;
    }
    if (v && v.kind !== 'pass') {
      navigate(
        v.kind === 'dcc'
          ? foreignImportPath(v.text)
          : v.kind === 'venue'
            ? `/v#${v.signed.code}`
            : `/c#${v.signed.code}`,
      );
      return;
    }
    // Someone's pass is for a guard to check (guard mode), not something to check in at or keep.
    const error = parsed.ok ? { code: 'PASS_NOT_FOR_CHECK_IN' as const } : parsed.error;
    setScanError({ error, seen: describeForeign(text) });
  };
  // The camera callback outlives renders: always call the latest handler.
  const handler = useRef(handle);
  handler.current = handle;

  useEffect(() => {
    void loadQrLink();
    // A decoded venue goes to the check-in screen: fetching its chunk now, while the camera opens, takes it
    // off the path from QR to decision (scripts/bench/scanner-app.ts). A failure here is retried by the
    // check-in screen's own lazy load, which shows the error if it fails again.
    import('./CheckIn').catch(() => undefined);
    const el = video.current;
    if (!el) return;
    setCamera({ state: 'starting' });
    const c = attachScanner(el, {
      onText: (text) => {
        signalScanSuccess();
        void handler.current(text);
      },
      onError: (code) => setCamera({ state: 'error', code }),
      // A stop after an error keeps the error on screen.
      onState: (info) =>
        setCamera((now) =>
          info.running ? { state: 'running', info } : now.state === 'error' ? now : { state: 'stopped' },
        ),
    });
    controls.current = c;
    return () => {
      controls.current = undefined;
      c.detach();
    };
  }, [attempt]);

  const pick = async (e: Event) => {
    const input = e.currentTarget as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return;
    setPicture({ state: 'reading' });
    setScanError(undefined);
    const result = await scanImageFile(file);
    // The same file can be picked again (e.g. after a wrong guess) only if the input is cleared.
    input.value = '';
    if (!result.ok) {
      setPicture({ state: 'error', code: result.code });
      return;
    }
    setPicture({ state: 'idle' });
    signalScanSuccess();
    await handle(result.text);
  };

  const submit = (e: Event) => {
    e.preventDefault();
    const text = pasted.trim();
    setPasteEmpty(text === '');
    // A card's parts pasted together (separated by spaces or line breaks) are read one after another.
    if (text)
      void (async () => {
        const card = (await loadQrLink()).shcPasteOf(text);
        for (const part of card ? card.split('\n') : [text]) await handle(part);
      })();
  };

  // No camera (refused, absent, busy): the black viewfinder goes and the ways in without one come first —
  // the poster's typed code, a photo, a pasted link — with the camera's own help and "try again" after them.
  const noCamera = camera.state === 'error';
  const alternatives = (
    <>
      {noCamera && <ShortCodeForm typed={shortCode} onTyped={setShortCode} />}
      <div class="picture">
        <label for="scan-image">{t('scan.imageLabel')}</label>
        <input id="scan-image" type="file" accept="image/*" data-testid="scan-image" onChange={pick} />
        {picture.state === 'reading' && (
          <p class="muted" role="status">
            {t('scan.imageReading')}
          </p>
        )}
        {picture.state === 'error' && (
          <p class="error" role="alert" data-testid="image-error" data-code={picture.code}>
            {errorText(picture.code)}
          </p>
        )}
      </div>
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
      {!noCamera && <ShortCodeForm typed={shortCode} onTyped={setShortCode} />}
    </>
  );
  const cameraHelp = camera.state === 'error' && (
    <div class="error" role="alert" data-testid="camera-error" data-code={camera.code}>
      <p>{errorText(camera.code)}</p>
      <button type="button" class="button" onClick={() => setAttempt((n) => n + 1)}>
        {t('scan.retry')}
      </button>
    </div>
  );

  return (
    <>
      <ScreenTitle>{t('scan.title')}</ScreenTitle>
      {noCamera && (
        <>
          <p class="warning" role="status" data-testid="camera-unavailable">
            {t('door.noCamera')}
          </p>
          {alternatives}
        </>
      )}
      <ScannerView video={video} hidden={noCamera} />
      <p
        class="scanner__state"
        role="status"
        data-testid="scanner-state"
        data-state={camera.state}
        data-engine={camera.state === 'running' ? camera.info.engine : undefined}
      >
        {camera.state === 'starting' && t('scan.starting')}
        {camera.state === 'running' && t('scan.running')}
      </p>
      {camera.state === 'running' && (camera.info.cameras > 1 || camera.info.torch) && (
        <div class="scanner__controls">
          {camera.info.cameras > 1 && (
            <button
              type="button"
              class="button"
              data-testid="switch-camera"
              onClick={() => void controls.current?.switchCamera()}
            >
              {t('scan.switchCamera')}
            </button>
          )}
          {camera.info.torch && (
            <button
              type="button"
              class="button"
              data-testid="torch"
              aria-pressed={camera.info.torchOn}
              onClick={() => void controls.current?.toggleTorch()}
            >
              {t('scan.torch')}
            </button>
          )}
        </div>
      )}
      {shcParts && <ShcPartPrompt set={shcParts.set} missing={shcParts.missing} />}
      {scanError && (
        <div class="error" role="alert" data-testid="scan-error" data-code={scanError.error.code}>
          <p>{scanError.error.code === 'NOT_SINGGAH_CODE' ? t('scan.notSinggah') : errorText(scanError.error.code)}</p>
          <p class="truncate-lines">
            {t(scanError.seen.kind === 'url' ? 'scan.sawLink' : 'scan.saw', { text: scanError.seen.preview })}
          </p>
        </div>
      )}
      {!noCamera && alternatives}
      {cameraHelp}
    </>
  );
}
