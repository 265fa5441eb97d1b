/**
 * Feedback when a code is read: a short vibration (NZ COVID Tracer's haptics) and, if the user turned it on
 * in Settings, a short beep made with WebAudio (no sound file to download or precache). Sound is off by
 * default: people scan in mosques, hospitals and offices.
 */

const SOUND_KEY = 'singgah.scanSound';

export function isScanSoundOn(): boolean {
  try {
    return localStorage.getItem(SOUND_KEY) === 'on';
  } catch {
    return false;
  }
}

export function setScanSound(on: boolean): void {
  try {
    if (on) localStorage.setItem(SOUND_KEY, 'on');
    else localStorage.removeItem(SOUND_KEY);
  } catch {
    // storage blocked: the setting lasts until reload only through the caller's state
  }
}

let audio: AudioContext | undefined;

/** A 120 ms, 880 Hz tone with a soft attack and release (no click). */
export function beep(): void {
  const Ctx = globalThis.AudioContext;
  if (typeof Ctx !== 'function') return;
  audio ??= new Ctx();
  const ctx = audio;
  const t = ctx.currentTime;
  const osc = ctx.createOscillator();
  const gain = ctx.createGain();
  osc.frequency.value = 880;
  gain.gain.setValueAtTime(0.0001, t);
  gain.gain.exponentialRampToValueAtTime(0.2, t + 0.01);
  gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.12);
  osc.connect(gain).connect(ctx.destination);
  osc.start(t);
  osc.stop(t + 0.13);
}

/** Called once per accepted scan (after the debounce). */
export function signalScanSuccess(): void {
  try {
    navigator.vibrate?.(60);
  } catch {
    // some browsers throw when vibration is blocked by policy
  }
  if (isScanSoundOn()) beep();
}
