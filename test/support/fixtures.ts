/**
 * The e2e specs' Playwright fixtures: `import { expect, test } from '../support/fixtures'`.
 *
 * Worker-scoped (one per worker process, shared by the spec files that run in it):
 * - `server`: the real server (server/main.ts) on a loopback port, on the worker's own copy of the demo data dir
 *   that global-setup made, serving the app build pinned to its root key. A test may stop it (offline) and
 *   start it again; it is running again when that test ends.
 * - `demo`: the server's /demo.json (venues, certificates, people), with `office` and `budi` picked out.
 * - `cameras`: Chromium with a fake camera playing a Y4M file, or refusing the camera; each launched when a
 *   test first asks for it (option `camera`).
 *
 * Options (`test.use` at the top of a spec):
 * - `serverOptions` (worker): `{ own: true }` for a spec that changes the authority (CLI, files of the data
 *   dir), `prepare` for CLI set-up before its server starts, `copyBuild` to change files of the build. Any
 *   `serverOptions` gives the spec a worker, so a server and data dir, of its own: nothing it does leaks.
 * - `camera` (test, may be set per describe): 'none' (default), 'fake', 'denied'.
 *
 * Test-scoped:
 * - `app`: an AppPage (support/app-page.ts) in a fresh browser context — a new phone — on the `camera`
 *   option's browser, not yet navigated.
 * - `openApp(options?)`: another such phone (a guard next to a citizen, a phone with its clock behind…).
 * Every context they open is closed after the test.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  test as base,
  chromium,
} from '@playwright/test';
import type { DemoJson } from '../../server/demo-page';
import { AppPage, keepStreams } from './app-page';
import { chromiumLaunchOptions, fakeCameraArgs } from './chromium';
import { copyDataDir, e2eEnv } from './e2e-data';
import { E2eServer } from './server-process';
import { writeBlankY4m } from './y4m';

export interface ServerOptions {
  /** A server of the spec's own, for a spec that changes the authority after it started. */
  readonly own?: true;
  /** Runs once on the spec's copy of the data dir before its server first starts (e.g. `runCli`). */
  readonly prepare?: (dataDir: string) => void;
  /** Serve a private copy of the app build, for a spec that changes its files. */
  readonly copyBuild?: true;
}

export type Camera = 'none' | 'fake' | 'denied';

/** The camera browsers of a worker, launched on first use. */
interface Cameras {
  /** Chromium whose camera plays `y4m` (rewrite it with support/y4m.ts, or AppPage.showToCamera). */
  fake(): Promise<{ readonly browser: Browser; readonly y4m: string }>;
  /** Chromium that refuses the camera. */
  denied(): Promise<Browser>;
}

type DemoVenue = DemoJson['venues'][number];
type DemoCertificate = DemoJson['certificates'][number];

/** The server's /demo.json, with the entries most specs use picked out. */
export interface Demo extends DemoJson {
  /** The Kaltim governor's office (government office; wants green). */
  readonly office: DemoVenue;
  /** Budi Santoso's vaccination certificate (a fully vaccinated resident: green). */
  readonly budi: DemoCertificate;
  /** Every certificate of a demo holder (`'Andi Wijaya'`). */
  certificatesOf(holder: string): DemoCertificate[];
}

interface WorkerFixtures {
  serverOptions: ServerOptions;
  server: E2eServer;
  demo: Demo;
  cameras: Cameras;
}

interface TestFixtures {
  camera: Camera;
  serverUp: undefined;
  openApp: (options?: BrowserContextOptions) => Promise<AppPage>;
  app: AppPage;
}

export const test = base.extend<TestFixtures, WorkerFixtures>({
  serverOptions: [{}, { option: true, scope: 'worker' }],

  server: [
    async ({ serverOptions }, use) => {
      const dataDir = copyDataDir('worker');
      const dist = serverOptions.copyBuild ? mkdtempSync(join(tmpdir(), 'singgah-e2e-dist-copy-')) : undefined;
      if (dist) cpSync(e2eEnv().dist, dist, { recursive: true });
      try {
        serverOptions.prepare?.(dataDir);
        const server = await E2eServer.start(dataDir, dist ?? e2eEnv().dist);
        await use(server);
        await server.stop();
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
        if (dist) rmSync(dist, { recursive: true, force: true });
      }
    },
    { scope: 'worker' },
  ],

  demo: [
    async ({ server }, use) => {
      const json = await server.demo();
      const office = json.venues.find((v) => v.name === 'Kantor Gubernur Kalimantan Timur');
      const budi = json.certificates.find((c) => c.holder === 'Budi Santoso' && c.kind === 'vaccination');
      if (!office || !budi) throw new Error('demo venue or certificate missing from /demo.json');
      await use({ ...json, office, budi, certificatesOf: (h) => json.certificates.filter((c) => c.holder === h) });
    },
    { scope: 'worker' },
  ],

  cameras: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright reads a fixture's dependencies from this pattern.
    async ({}, use) => {
      const work = mkdtempSync(join(tmpdir(), 'singgah-camera-'));
      const launched: Promise<Browser>[] = [];
      const launch = (name: string, autoAccept: boolean) => {
        const y4m = join(work, `${name}.y4m`);
        // Chromium opens the file at the first capture: it must exist, and shows nothing until a test writes a QR.
        writeBlankY4m(y4m);
        // Without the auto-accept flag headless Chromium refuses the camera, as a user pressing "Block" would.
        const flags = fakeCameraArgs(y4m).filter((f) => autoAccept || f !== '--use-fake-ui-for-media-stream');
        const browser = chromium.launch(chromiumLaunchOptions(flags));
        launched.push(browser);
        return { browser, y4m };
      };
      let fake: { browser: Promise<Browser>; y4m: string } | undefined;
      let denied: Promise<Browser> | undefined;
      await use({
        async fake() {
          fake ??= launch('fake', true);
          return { browser: await fake.browser, y4m: fake.y4m };
        },
        denied() {
          denied ??= launch('denied', false).browser;
          return denied;
        },
      });
      for (const browser of launched) await (await browser).close();
      rmSync(work, { recursive: true, force: true });
    },
    { scope: 'worker' },
  ],

  camera: ['none', { option: true }],

  // A test may stop the server (offline) or deploy another build. It is started again after that test, since the
  // next spec file's beforeAll runs before any test fixture and may use it, and before each test for safety.
  serverUp: [
    async ({ server }, use) => {
      await server.start();
      await use(undefined);
      await server.start();
    },
    { auto: true },
  ],

  openApp: async ({ browser, camera, cameras, server, viewport, isMobile, hasTouch }, use) => {
    // A worker fixture cannot depend on a test option: the camera browsers are launched when first picked.
    const pick = async (): Promise<{ browser: Browser; y4m?: string }> => {
      if (camera === 'fake') return cameras.fake();
      if (camera === 'denied') return { browser: await cameras.denied() };
      return { browser };
    };
    // Each test starts with a camera that sees nothing, whatever the worker's earlier tests showed it.
    if (camera === 'fake') writeBlankY4m((await cameras.fake()).y4m);
    const contexts: BrowserContext[] = [];
    await use(async (options = {}) => {
      const chosen = await pick();
      const context = await chosen.browser.newContext({ viewport, isMobile, hasTouch, ...options });
      contexts.push(context);
      await context.addInitScript(keepStreams);
      return new AppPage(await context.newPage(), server, chosen.y4m);
    });
    for (const context of contexts) await context.close().catch(() => undefined);
  },

  app: async ({ openApp }, use) => {
    await use(await openApp());
  },
});

export { expect } from '@playwright/test';
