/**
 * Per-client token buckets, in memory (one process; behind a load balancer each replica limits on its own,
 * which bounds a client at replicas × rate — enough to stop a runaway phone or a script, not a botnet).
 * A client is its IP address, or the last X-Forwarded-For hop when the operator says a proxy sets it.
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import { jsonError } from './http';

export interface RateLimit {
  /** Tokens added per second; 0 turns limiting off. */
  readonly perSecond: number;
  /** Bucket size: requests a client may make at once after being idle. */
  readonly burst: number;
}

export const DEFAULT_RATE_LIMIT: RateLimit = { perSecond: 10, burst: 60 };
/** Past this many tracked clients, buckets that have refilled (idle clients) are dropped. */
const MAX_TRACKED = 10_000;

/** `SINGGAH_RATE_LIMIT`: `<per second>/<burst>`, or `0` for off. Throws on anything else. */
export function parseRateLimit(text: string | undefined): RateLimit {
  if (text === undefined || text.trim() === '') return DEFAULT_RATE_LIMIT;
  if (text.trim() === '0') return { perSecond: 0, burst: 0 };
  const m = /^\s*(\d+(?:\.\d+)?)\s*\/\s*(\d+)\s*$/.exec(text);
  const perSecond = m ? Number(m[1]) : Number.NaN;
  const burst = m ? Number(m[2]) : Number.NaN;
  if (!(perSecond > 0) || !(burst >= 1)) {
    throw new Error(`SINGGAH_RATE_LIMIT must be "<per second>/<burst>" (e.g. 10/60) or 0, got ${JSON.stringify(text)}`);
  }
  return { perSecond, burst };
}

interface Bucket {
  tokens: number;
  /** Monotonic milliseconds of the last refill. */
  at: number;
}

/** The rate-limit state: `take(client)` answers 0 (go ahead) or the seconds to wait. */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly limit: RateLimit,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  take(client: string): number {
    if (this.limit.perSecond <= 0) return 0;
    const now = this.clock();
    const b = this.buckets.get(client) ?? { tokens: this.limit.burst, at: now };
    b.tokens = Math.min(this.limit.burst, b.tokens + ((now - b.at) / 1000) * this.limit.perSecond);
    b.at = now;
    if (!this.buckets.has(client)) {
      if (this.buckets.size >= MAX_TRACKED) this.sweep(now);
      this.buckets.set(client, b);
    }
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / this.limit.perSecond));
  }

  get size(): number {
    return this.buckets.size;
  }

  /** Forget clients whose bucket would be full by now: they lose nothing by starting afresh. */
  private sweep(now: number): void {
    for (const [client, b] of this.buckets) {
      if (b.tokens + ((now - b.at) / 1000) * this.limit.perSecond >= this.limit.burst) this.buckets.delete(client);
    }
  }
}

interface NodeBindings {
  incoming?: { socket?: { remoteAddress?: string } };
}

export function clientOf(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const hops = c.req.header('X-Forwarded-For')?.split(',');
    const last = hops?.at(-1)?.trim();
    if (last) return last;
  }
  // @hono/node-server passes the Node request as env.incoming; app.fetch in tests has none.
  return (c.env as NodeBindings | undefined)?.incoming?.socket?.remoteAddress ?? 'local';
}

/** How long one client's refusals share one log line. */
export const LIMIT_LOG_WINDOW_MS = 60_000;

interface LogWindow {
  /** Monotonic milliseconds when this window began (its first, logged, refusal). */
  start: number;
  /** Refusals in this window after the logged one. */
  suppressed: number;
}

/**
 * Log sampling for refusals: a client hammering the API must not turn into one log line per request. The first
 * refusal of a client in each window is logged, with how many of its refusals the window before went unlogged.
 */
export class RefusalSampler {
  private readonly windows = new Map<string, LogWindow>();

  constructor(
    private readonly windowMs: number = LIMIT_LOG_WINDOW_MS,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /** The count to log with this refusal (refusals unlogged since the last line), or undefined: do not log. */
  note(client: string): number | undefined {
    const now = this.clock();
    const w = this.windows.get(client);
    if (w && now - w.start < this.windowMs) {
      w.suppressed += 1;
      return undefined;
    }
    const before = w?.suppressed ?? 0;
    if (!w && this.windows.size >= MAX_TRACKED) this.sweep(now);
    this.windows.set(client, { start: now, suppressed: 0 });
    return before;
  }

  /** Drop ended windows; their unlogged counts are lost (bounded memory matters more than exact counts). */
  private sweep(now: number): void {
    for (const [client, w] of this.windows) if (now - w.start >= this.windowMs) this.windows.delete(client);
  }
}

/**
 * The rate limit on a route: an empty bucket answers 429 `RATE_LIMITED` with Retry-After, before any database
 * work. The request log skips 429s, so this sampled line is the only one: the route pattern (no identifiers
 * from the path, no client address), the wait, and the refusals left unlogged before it.
 */
export function limitRequests(
  buckets: TokenBuckets,
  trustProxy: boolean,
  logger: Logger,
  sampler: RefusalSampler = new RefusalSampler(),
): MiddlewareHandler {
  return async (c, next) => {
    const client = clientOf(c, trustProxy);
    const retryAfter = buckets.take(client);
    if (retryAfter === 0) return next();
    const suppressed = sampler.note(client);
    if (suppressed !== undefined) logger.info({ route: c.req.routePath, retryAfter, suppressed }, 'rate limited');
    c.header('Retry-After', String(retryAfter));
    return jsonError(c, 429, 'RATE_LIMITED', `too many requests: retry after ${retryAfter} s`);
  };
}
