/**
 * How tests launch Chromium. Browsers cannot be downloaded here (`npx playwright install` fails and
 * must never be called), so every test drives the system Chromium (Debian package `chromium`).
 * See test/README.md for why each flag is needed.
 */
export const CHROMIUM_PATH: string = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** Flags every test browser gets: no sandbox (root in CI), no GPU, and no traffic to Google services. */
export const CHROMIUM_BASE_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

export function chromiumArgs(extra: readonly string[] = []): string[] {
  return [...CHROMIUM_BASE_ARGS, ...extra];
}

/**
 * What every `chromium.launch()` gets: the system binary, `chromiumArgs(extra)`, and Playwright's
 * `--no-startup-window` left out. Without a first window Chromium never sees its start-up finish, so it holds
 * back its low-priority ("best effort") work until a 30–60 s fallback timer: the service worker's soft update
 * is such work, and every register/unregister queued behind it waited too — "delete all" then found its
 * worker still registered (test/README.md, "Chromium").
 */
export function chromiumLaunchOptions(extra: readonly string[] = []): {
  executablePath: string;
  args: string[];
  ignoreDefaultArgs: string[];
} {
  return { executablePath: CHROMIUM_PATH, args: chromiumArgs(extra), ignoreDefaultArgs: ['--no-startup-window'] };
}

/**
 * Flags that replace the camera with a Y4M file (looped) and auto-accept the permission prompt.
 * The path must be absolute; Chromium reads the file when the first getUserMedia call opens the device.
 */
export function fakeCameraArgs(y4mPath: string): string[] {
  return [
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    `--use-file-for-fake-video-capture=${y4mPath}`,
  ];
}
