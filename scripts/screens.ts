/**
 * `npm run screens` — a screenshot of every screen (test/support/screens.ts) on a 360×640 phone, in Bahasa
 * Indonesia and English, light and dark, into docs/screens/<lang>-<theme>-<screen>.png, and docs/screens/README.md
 * listing them. The phone is the real thing: a throw-away demo authority, an app build pinned to it, the real
 * server, Debian's Chromium with a fake (grey) camera; Budi's certificate imported and one visit recorded first.
 * The two Indonesian light screenshots the web manifest names are copied to public/screenshots/.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import type { DemoJson } from '../server/demo-page';
import { buildApp, formatMarkdown, initDemo } from '../test/support/app-build';
import { CHROMIUM_PATH, chromiumArgs, fakeCameraArgs } from '../test/support/chromium';
import { allScreens, chooseLook, LANGS, preparePhone, THEMES } from '../test/support/screens';
import { type ServerProcess, startServerProcess } from '../test/support/server-process';
import { writeBlankY4m } from '../test/support/y4m';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(ROOT, 'docs', 'screens');
/** Named in the web manifest (vite.config.ts) as the install dialog's screenshots. */
const MANIFEST_SHOTS = ['home', 'checkin'];

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'singgah-screens-'));
  const dataDir = join(work, 'data');
  const distDir = join(work, 'dist');
  const camera = join(work, 'camera.y4m');
  let server: ServerProcess | undefined;
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: chromiumArgs(fakeCameraArgs(camera)),
  });
  const files: string[] = [];
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
        for (const screen of allScreens(server.url, demo)) {
          await page.goto(screen.url);
          await screen.ready(page);
          // The caret and the live clock's pulse would make every run's pictures differ.
          await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
          const file = `${lang}-${theme}-${screen.name}.png`;
          await page.screenshot({ path: join(OUT, file), animations: 'disabled', caret: 'hide' });
          files.push(file);
        }
      }
    }
    await context.close();
  } finally {
    await browser.close();
    await server?.stop();
    rmSync(work, { recursive: true, force: true });
  }
  mkdirSync(join(ROOT, 'public', 'screenshots'), { recursive: true });
  for (const name of MANIFEST_SHOTS) {
    copyFileSync(join(OUT, `id-light-${name}.png`), join(ROOT, 'public', 'screenshots', `${name}.png`));
  }
  const looks = LANGS.flatMap((lang) => THEMES.map((theme) => `${lang}-${theme}`));
  const names = [...new Set(files.map((f) => f.replace(/^\w+-\w+-|\.png$/g, '')))];
  const rows = names.map((n) => `| ${n} | ${looks.map((l) => `![${n}, ${l}](${l}-${n}.png)`).join(' | ')} |`);
  const readme = join(OUT, 'README.md');
  writeFileSync(
    readme,
    [
      '# Screens',
      '',
      'Every screen on a 360×640 phone, in Bahasa Indonesia and English, light and dark. Regenerate with',
      '`npm run screens` (scripts/screens.ts: the real server and app, Chromium with a fake grey camera, a demo',
      'phone holding Budi’s certificate and one visit).',
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
