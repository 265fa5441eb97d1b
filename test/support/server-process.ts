/**
 * Runs the real server as a child process on a free loopback port, so a test can stop it to cut the
 * network (the most honest "offline": nothing answers).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { type Db, openDb } from '../../server/db';
import type { DemoJson } from '../../server/demo-page';
import { runCli } from './e2e-data';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface ServerProcess {
  readonly url: string;
  /** The process id (benchmarks read its CPU time). */
  readonly pid?: number;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export interface ServerProcessOptions {
  /**
   * The entry the process runs: `server/main.ts` (default; what `npm run serve` runs) or `scripts/start.mjs`
   * (`npm start`: demo set-up, build, then the same server).
   */
  readonly entry?: 'server/main.ts' | 'scripts/start.mjs';
  /** Added to the environment (e.g. SINGGAH_SKIP_BUILD for `npm start` on a prebuilt dist). */
  readonly env?: Readonly<Record<string, string>>;
  /** How long it may take to answer /healthz (`npm start` runs demo-init first). */
  readonly readyWithinMs?: number;
}

/** Starts the server process and waits for /healthz; throws with its output if it exits or never answers. */
export async function startServerProcess(
  dataDir: string,
  distDir: string,
  port?: number,
  options: ServerProcessOptions = {},
): Promise<ServerProcess> {
  const chosen = port ?? (await freePort());
  const entry = options.entry ?? 'server/main.ts';
  const child: ChildProcess = spawn(process.execPath, entry.endsWith('.ts') ? ['--import', 'tsx', entry] : [entry], {
    cwd: ROOT,
    env: {
      ...process.env,
      ...options.env,
      PORT: String(chosen),
      HOST: '127.0.0.1',
      SINGGAH_DATA_DIR: dataDir,
      SINGGAH_DIST: distDir,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d) => {
    output += d;
  });
  child.stderr?.on('data', (d) => {
    output += d;
  });
  const url = `http://127.0.0.1:${chosen}`;
  const readyWithinMs = options.readyWithinMs ?? 30_000;
  const deadline = Date.now() + readyWithinMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}):\n${output}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not become healthy in ${readyWithinMs / 1000} s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    ...(child.pid !== undefined ? { pid: child.pid } : {}),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/**
 * The e2e specs' server (the worker fixture `server`, support/fixtures.ts): one data dir and build, one loopback
 * port for its whole life, so a spec can stop it (the most honest offline), change the authority with the CLI
 * meanwhile, and start it again at the same origin the app was installed from.
 */
export class E2eServer {
  private process: ServerProcess | undefined;

  private constructor(
    readonly dataDir: string,
    /** The app build it serves (`start(dist)` deploys another one). */
    public dist: string,
    readonly port: number,
  ) {}

  static async start(dataDir: string, dist: string): Promise<E2eServer> {
    const server = new E2eServer(dataDir, dist, await freePort());
    await server.start();
    return server;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.process !== undefined;
  }

  /** Start (again) on the same port; `dist` deploys that build from now on. No-op when running the same build. */
  async start(dist = this.dist): Promise<void> {
    if (this.process && dist === this.dist) return;
    await this.stop();
    this.dist = dist;
    this.process = await startServerProcess(this.dataDir, dist, this.port);
  }

  async stop(): Promise<void> {
    const running = this.process;
    this.process = undefined;
    await running?.stop();
  }

  /**
   * `singgah <args…>` on this data dir with the server stopped meanwhile (PGlite allows one process per data
   * dir), then started again if it ran; returns the CLI's stdout.
   */
  async cli(args: readonly string[]): Promise<string> {
    const wasRunning = this.running;
    await this.stop();
    try {
      return runCli(this.dataDir, args);
    } finally {
      if (wasRunning) await this.start();
    }
  }

  /**
   * Look into the data dir's database (what the server stored) with the server stopped meanwhile, as `cli` does,
   * then started again if it ran.
   */
  async withDb<T>(fn: (db: Db) => Promise<T>): Promise<T> {
    const wasRunning = this.running;
    await this.stop();
    try {
      const db = await openDb({ dataDir: this.dataDir });
      try {
        return await fn(db);
      } finally {
        await db.close();
      }
    } finally {
      if (wasRunning) await this.start();
    }
  }

  /** The server's `/demo.json`: the demo venues and certificates with links on this origin. */
  async demo(): Promise<DemoJson> {
    return (await fetch(`${this.url}/demo.json`)).json() as Promise<DemoJson>;
  }
}
