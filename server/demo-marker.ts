/**
 * The demo data directory's marker, `DATA_DIR/demo-marker.json`. `singgah demo-init` writes it when it finds its
 * directory absent or empty, before anything else, and records in it every file it made in `keys/` with its
 * SHA-256 — so a later run recognises keys it did not make and refuses (server/demo.ts). The server only asks
 * whether the marker is there: its demo pages are served from such a directory and from no other.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AuthorityError } from './errors';
import { writeFileAtomic } from './keys';

export const DEMO_MARKER_FILE = 'demo-marker.json';
const DEMO_MARKER_TYPE = 'singgah-demo-data-dir';

export interface DemoMarker {
  readonly type: typeof DEMO_MARKER_TYPE;
  /** When demo-init took the directory (ISO 8601). */
  readonly createdAt: string;
  /** Name in `keys/` → SHA-256 (hex) of each file demo-init made there. */
  readonly keyFiles: Readonly<Record<string, string>>;
}

export const demoMarkerPath = (dataDir: string) => join(dataDir, DEMO_MARKER_FILE);

/** A new marker: the directory is the demo's from `now` on, with no key file yet. */
export const newDemoMarker = (now: number): DemoMarker => ({
  type: DEMO_MARKER_TYPE,
  createdAt: new Date(now * 1000).toISOString(),
  keyFiles: {},
});

function isDemoMarker(json: unknown): json is DemoMarker {
  if (typeof json !== 'object' || json === null) return false;
  const { type, createdAt, keyFiles } = json as Record<string, unknown>;
  return (
    type === DEMO_MARKER_TYPE &&
    typeof createdAt === 'string' &&
    typeof keyFiles === 'object' &&
    keyFiles !== null &&
    Object.entries(keyFiles).every(([name, hash]) => !name.includes('/') && /^[0-9a-f]{64}$/.test(String(hash)))
  );
}

/** The marker, undefined when there is none; a damaged one is refused rather than taken for either. */
export function readDemoMarker(dataDir: string): DemoMarker | undefined {
  const path = demoMarkerPath(dataDir);
  if (!existsSync(path)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    json = undefined;
  }
  if (!isDemoMarker(json)) {
    throw new AuthorityError(
      'DEMO_DIR_REFUSED',
      `${path} is damaged: delete the directory and let demo-init start a new one, or delete the file if this ` +
        'directory is not a demo',
    );
  }
  return json;
}

export const isDemoDataDir = (dataDir: string): boolean => readDemoMarker(dataDir) !== undefined;

/** Not secret, but nobody else needs it: mode 0600, like the key files it lists. */
export function writeDemoMarker(dataDir: string, marker: DemoMarker): void {
  writeFileAtomic(demoMarkerPath(dataDir), `${JSON.stringify(marker, null, 2)}\n`, 0o600);
}
