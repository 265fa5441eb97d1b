/**
 * `npm run screens` — a screenshot of every screen (test/support/screens.ts) on a 360×640 phone, in Bahasa
 * Indonesia and English, light and dark, into docs/screens/<lang>-<theme>-<screen>.png, and docs/screens/README.md
 * listing them. The phone is the real thing: a throw-away demo authority, an app build pinned to it, the real
 * server, Debian's Chromium with a fake (grey) camera; Budi's certificate imported and one visit recorded first.
 * The two Indonesian light screenshots the web manifest names are copied to public/screenshots/. Then the "guard at
 * arm's length" set: guard mode's result for green, yellow, red, black and "scan the next code", the fake camera
 * showing a demo person's pass QR. Then the EU DCC screens on a second phone holding a demo DCC (import preview,
 * an untrusted signer's DCC refused, the wallet, the pass with its HC1 QR, guard mode reading that HC1 code), and
 * the SMART Health Card screens on a third phone holding a visitor's two-part card ("scan part 2 of 2" on the Scan
 * screen and in guard mode, the import preview, the wallet, the pass with both of the card's QRs).
 *
 * `npm run screens -- NAME…` takes only the screens whose name starts with one of the NAMEs (e.g. `dcc-`), and
 * keeps the other screenshots in docs/screens/ as they are.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from '@playwright/test';
import type { DemoJson } from '../server/demo-page';
import { demoShcIssuerPath, loadShcIssuer } from '../server/shc-issuer';
import { encodePass } from '../src/core/pass-code';
import { passLink, qrText } from '../src/core/qr-link';
import { buildApp, formatMarkdown, initDemo } from '../test/support/app-build';
import { chromiumLaunchOptions, fakeCameraArgs } from '../test/support/chromium';
import {
  allScreens,
  chooseLook,
  dccScreens,
  LANGS,
  openScreen,
  prepareDccPhone,
  preparePhone,
  prepareShcPhone,
  shcScreens,
  THEMES,
  untrustedDcc,
} from '../test/support/screens';
import { type ServerProcess, startServerProcess } from '../test/support/server-process';
import { twoPartVisitorCard } from '../test/support/shc-sign';
import { writeBlankY4m, writeQrSequenceY4m } from '../test/support/y4m';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(ROOT, 'docs', 'screens');
/** Named in the web manifest (vite.config.ts) as the install dialog's screenshots. */
const MANIFEST_SHOTS = ['home', 'checkin'];

/** The guard's result for each colour: whose pass, at which place (demo policy), which part of it. */
const GUARD_SHOTS = [
  { tone: 'green', holder: 'Budi Santoso', place: { category: 'gov', region: '64' } },
  { tone: 'yellow', holder: 'Siti Rahayu', place: { category: 'worship', region: '33' } },
  { tone: 'red', holder: 'Budi Santoso', place: { category: 'gov', region: '33' } },
  { tone: 'black', holder: 'Dewi Lestari', place: { category: 'worship', region: '33' } },
  // Andi's pass forced into two parts, only the first shown: "scan the next code (1 of 2)".
  { tone: 'pending', holder: 'Andi Wijaya', place: { category: 'gov', region: '64' }, maxDigits: 700 },
] as const;

/** `npm run screens -- dcc- …`: the name prefixes to take; none = every screen. */
const ONLY = process.argv.slice(2);
const wanted = (name: string) => ONLY.length === 0 || ONLY.some((prefix) => name.startsWith(prefix));

/** The pass QR text of a demo person (its first part), as their pass screen shows it. */
function passQrOf(origin: string, demo: DemoJson, holder: string, maxDigits?: number): string {
  const codes = demo.certificates.filter((c) => c.holder === holder).map((c) => c.code);
  const parts = encodePass(codes, maxDigits);
  if (!parts.ok) throw new Error(`no pass for ${holder}: ${parts.error.code}`);
  return qrText(passLink(origin, parts.value[0]));
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'singgah-screens-'));
  const dataDir = join(work, 'data');
  const distDir = join(work, 'dist');
  const camera = join(work, 'camera.y4m');
  let server: ServerProcess | undefined;
  const browser = await chromium.launch(chromiumLaunchOptions(fakeCameraArgs(camera)));
  const files: string[] = [];
  let allNames: string[] = [];
  try {
    initDemo(dataDir);
    buildApp(dataDir, distDir);
    writeBlankY4m(camera, { level: 90 });
    server = await startServerProcess(dataDir, distDir);
    const demo = (await (await fetch(`${server.url}/demo.json`)).json()) as DemoJson;
    const context = await browser.newContext({ viewport: { width: 360, height: 640 }, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    await preparePhone(page, server.url, demo);
    mkdirSync(OUT, { recursive: true });
    for (const lang of LANGS) {
      for (const theme of THEMES) {
        await chooseLook(page, lang, theme);
        for (const screen of allScreens(server.url, demo).filter((sc) => wanted(sc.name))) {
          await page.goto(screen.url);
          await screen.ready(page);
          // The caret and the live clock's pulse would make every run's pictures differ.
          await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
          const file = `${lang}-${theme}-${screen.name}.png`;
          await page.screenshot({ path: join(OUT, file), animations: 'disabled', caret: 'hide' });
          files.push(file);
        }
        for (const shot of GUARD_SHOTS.filter((g) => wanted(`guard-${g.tone}`))) {
          // The camera opens on /verify and plays the pass; the place is the one the guard chose last.
          writeQrSequenceY4m(
            camera,
            [passQrOf(server.url, demo, shot.holder, 'maxDigits' in shot ? shot.maxDigits : undefined)],
            2,
            1,
          );
          await page.evaluate(
            (place) => localStorage.setItem('singgah.verify.place', JSON.stringify(place)),
            shot.place,
          );
          await page.goto(`${server.url}/verify`);
          await page.locator(`[data-testid="verify-result"][data-tone="${shot.tone}"]`).waitFor({ timeout: 20_000 });
          const file = `${lang}-${theme}-guard-${shot.tone}.png`;
          await page.screenshot({ path: join(OUT, file), animations: 'disabled', caret: 'hide' });
          files.push(file);
        }
        // The next look's screens start as this one's did: a grey camera, guard mode asking for its place.
        writeBlankY4m(camera, { level: 90 });
        await page.evaluate(() => localStorage.removeItem('singgah.verify.place'));
      }
    }
    await context.close();

    // A second phone holding only a demo visitor's EU DCC, a third only a visitor's two-part SMART Health Card.
    const refused = untrustedDcc(Math.floor(Date.now() / 1000));
    const card = twoPartVisitorCard(loadShcIssuer(demoShcIssuerPath(dataDir)), Math.floor(Date.now() / 1000));
    const phones = [
      {
        shots: dccScreens(server.url, demo, refused),
        prepare: (p: Page) => prepareDccPhone(p, server?.url ?? '', demo),
      },
      { shots: shcScreens(server.url, card), prepare: (p: Page) => prepareShcPhone(p, server?.url ?? '', card) },
    ];
    for (const phone of phones) {
      const shots = phone.shots.filter((sc) => wanted(sc.name));
      if (shots.length === 0) continue;
      const otherContext = await browser.newContext({
        viewport: { width: 360, height: 640 },
        isMobile: true,
        hasTouch: true,
      });
      const otherPage = await otherContext.newPage();
      await phone.prepare(otherPage);
      for (const lang of LANGS) {
        for (const theme of THEMES) {
          await chooseLook(otherPage, lang, theme);
          for (const screen of shots) {
            await openScreen(otherPage, screen, camera);
            await otherPage.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
            const file = `${lang}-${theme}-${screen.name}.png`;
            await otherPage.screenshot({ path: join(OUT, file), animations: 'disabled', caret: 'hide' });
            files.push(file);
          }
        }
      }
      await otherContext.close();
    }
    allNames = [
      ...allScreens(server.url, demo).map((sc) => sc.name),
      ...GUARD_SHOTS.map((g) => `guard-${g.tone}`),
      ...phones.flatMap((p) => p.shots.map((sc) => sc.name)),
    ];
  } finally {
    await browser.close();
    await server?.stop();
    rmSync(work, { recursive: true, force: true });
  }
  mkdirSync(join(ROOT, 'public', 'screenshots'), { recursive: true });
  for (const name of MANIFEST_SHOTS.filter(wanted)) {
    copyFileSync(join(OUT, `id-light-${name}.png`), join(ROOT, 'public', 'screenshots', `${name}.png`));
  }
  const looks = LANGS.flatMap((lang) => THEMES.map((theme) => `${lang}-${theme}`));
  // Every screen with pictures in docs/screens/ (a selective run keeps the others), in screen order.
  const names = allNames.filter((n) => looks.every((l) => existsSync(join(OUT, `${l}-${n}.png`))));
  const rows = names.map((n) => `| ${n} | ${looks.map((l) => `![${n}, ${l}](${l}-${n}.png)`).join(' | ')} |`);
  const readme = join(OUT, 'README.md');
  writeFileSync(
    readme,
    [
      '# Screens',
      '',
      'Every screen on a 360×640 phone, in Bahasa Indonesia and English, light and dark. Regenerate with',
      '`npm run screens` (scripts/screens.ts: the real server and app, Chromium with a fake grey camera, a demo',
      'phone holding Budi’s certificate and one visit). The `guard-*` rows are guard mode’s result at arm’s length',
      '(green, yellow, red, black, and `pending`: “scan the next code”), the camera showing a demo pass. The `dcc-*`',
      'rows are a second phone holding a demo visitor’s EU DCC: the import preview of a DCC from a trusted signer and',
      '(`dcc-refused`) of one from a signer the authority does not trust, the wallet, the pass with the DCC’s own HC1',
      'QR, and guard mode reading that HC1 code. `npm run screens -- dcc-` regenerates only those. The `shc-*` rows',
      'are a third phone holding a visitor’s two-part SMART Health Card: the Scan screen and guard mode after part 1',
      '(“scan part 2 of 2”), the import preview, the wallet and the pass with both of the card’s QRs',
      '(`npm run screens -- shc-`).',
      '',
      `| screen | ${looks.join(' | ')} |`,
      `| --- | ${looks.map(() => '---').join(' | ')} |`,
      ...rows,
      '',
    ].join('\n'),
  );
  formatMarkdown(readme);
  console.log(`${files.length} screenshots in docs/screens/`);
}

await main();
