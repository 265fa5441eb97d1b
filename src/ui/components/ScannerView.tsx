/** The camera preview with its aiming frame, shared by the check-in scanner and the guard's verifier. */
import type { RefObject } from 'preact';
import { useI18n } from '../i18n';

export function ScannerView({ video, hidden }: { video: RefObject<HTMLVideoElement>; hidden?: boolean }) {
  const { t } = useI18n();
  return (
    <div class="scanner" hidden={hidden}>
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
  );
}
