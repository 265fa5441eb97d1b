/**
 * Per-client token buckets, in memory (one process; behind a load balancer each replica limits on its own,
 * which bounds a client at replicas × rate — enough to stop a runaway phone or a script, not a botnet).
 * A client is its IP address, or the last X-Forwarded-For hop when the operator says a proxy sets it.
 */
import type { Context, MiddlewareHandler } from 'hono';

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

export function rateLimit(
  buckets: TokenBuckets,
  trustProxy: boolean,
  onLimited: (c: Context, retryAfter: number) => Response,
): MiddlewareHandler {
  return async (c, next) => {
    const wait = buckets.take(clientOf(c, trustProxy));
    if (wait > 0) return onLimited(c, wait);
    await next();
  };
}
