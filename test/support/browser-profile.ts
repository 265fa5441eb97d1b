/**
 * Chromium with a profile on disk, for storage tests that need what a fresh in-memory context cannot give: a
 * browser killed and started again on the same profile (crash recovery), and a profile on a small tmpfs, where
 * Chromium's quota — computed from the size of the disk holding the profile — is small enough to fill.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from '@playwright/test';
import { chromiumLaunchOptions } from './chromium';

type ProfileOptions = NonNullable<Parameters<typeof chromium.launchPersistentContext>[1]>;

/** A persistent context (the `browser` fixture cannot have one) on `userDataDir`, with every test's flags. */
export function launchProfile(userDataDir: string, options: ProfileOptions = {}): Promise<BrowserContext> {
  return chromium.launchPersistentContext(userDataDir, { ...options, ...chromiumLaunchOptions(options.args ?? []) });
}

/** Mounting needs root (CAP_SYS_ADMIN); a spec skips with this reason otherwise. */
export const canMount = (): boolean => process.getuid?.() === 0;

export interface Tmpfs {
  readonly dir: string;
  /** Unmount and remove the mount point (idempotent). */
  remove(): void;
}

/** A fresh tmpfs of `mebibytes` MiB on a new directory under the system temp dir. */
export function mountTmpfs(mebibytes: number): Tmpfs {
  const dir = mkdtempSync(join(tmpdir(), 'singgah-tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${mebibytes}m,mode=0700`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  let mounted = true;
  return {
    dir,
    remove() {
      if (mounted) execFileSync('umount', [dir], { stdio: 'pipe' });
      mounted = false;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The pid of the browser process (not a renderer or helper) started on `userDataDir`: the one whose command line
 * names that profile and has no `--type=`. Each test profile is a fresh temp dir, so only our browser matches.
 */
function browserPid(userDataDir: string): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let args: string[];
    try {
      args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue; // exited meanwhile
    }
    if (args.includes(`--user-data-dir=${userDataDir}`) && !args.some((a) => a.startsWith('--type='))) {
      return Number(entry);
    }
  }
  return undefined;
}

/**
 * SIGKILL the browser on `userDataDir` — no shutdown, no flush, like a phone killing the app — and wait until it
 * is gone. The context is closed afterwards (Playwright has noticed by then; a close error is expected).
 */
export async function killBrowser(context: BrowserContext, userDataDir: string): Promise<void> {
  const pid = browserPid(userDataDir);
  if (pid === undefined) throw new Error(`no browser process found for ${userDataDir}`);
  process.kill(pid, 'SIGKILL');
  const deadline = Date.now() + 10_000;
  while (browserPid(userDataDir) !== undefined) {
    if (Date.now() > deadline) throw new Error(`browser ${pid} still running 10 s after SIGKILL`);
    await new Promise((r) => setTimeout(r, 50));
  }
  await context.close().catch(() => undefined);
}
