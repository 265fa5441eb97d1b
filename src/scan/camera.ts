/**
 * The camera: open (rear camera by default), list cameras, torch, release. Kept apart from decoding so the
 * scanner can restart the camera (hidden tab, camera switch) without touching the decoder.
 */

export type CameraErrorCode = 'CAMERA_DENIED' | 'CAMERA_UNAVAILABLE';

/** Map getUserMedia failures to what the user can act on. */
export function cameraErrorCode(e: unknown): CameraErrorCode {
  const name = e && typeof e === 'object' && 'name' in e ? String(e.name) : '';
  return name === 'NotAllowedError' || name === 'SecurityError' || name === 'PermissionDeniedError'
    ? 'CAMERA_DENIED'
    : 'CAMERA_UNAVAILABLE';
}

/** `torch` is in the Image Capture spec, not in TypeScript's DOM library. */
interface TorchCapabilities extends MediaTrackCapabilities {
  torch?: boolean;
}

/**
 * Open a camera: the given device, else the rear one (`ideal`, so a laptop's single front camera still
 * works). 1280×720 is asked for (`ideal`) so a small code far away still has pixels; the decoder only ever
 * sees a ≤ 400 px crop, so this costs the camera, not the decoder.
 */
export function openCamera(deviceId?: string): Promise<MediaStream> {
  const video: MediaTrackConstraints = deviceId
    ? { deviceId: { exact: deviceId } }
    : { facingMode: { ideal: 'environment' }, width: { ideal: 1280 }, height: { ideal: 720 } };
  return navigator.mediaDevices.getUserMedia({ audio: false, video });
}

/** Video inputs (labels and ids are only filled once the camera permission is granted). */
export async function listCameras(): Promise<MediaDeviceInfo[]> {
  try {
    return (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === 'videoinput');
  } catch {
    return [];
  }
}

export function hasTorch(stream: MediaStream): boolean {
  const track = stream.getVideoTracks()[0];
  if (!track || typeof track.getCapabilities !== 'function') return false;
  return (track.getCapabilities() as TorchCapabilities).torch === true;
}

export async function setTorch(stream: MediaStream, on: boolean): Promise<void> {
  const track = stream.getVideoTracks()[0];
  if (!track) return;
  await track.applyConstraints({ advanced: [{ torch: on } as MediaTrackConstraintSet] });
}

/** The device id the stream's video track is using. */
export function deviceOf(stream: MediaStream): string | undefined {
  return stream.getVideoTracks()[0]?.getSettings().deviceId;
}

/** Stop every track (the camera light goes off) and detach the stream from the video element. */
export function releaseCamera(stream: MediaStream | undefined, video?: HTMLVideoElement): void {
  for (const track of stream?.getTracks() ?? []) track.stop();
  if (video && video.srcObject === (stream ?? video.srcObject)) video.srcObject = null;
}
