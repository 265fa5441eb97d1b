/**
 * Admission for the database-backed routes, built for carrier-grade NAT: thousands of phones can share one
 * address, so one bucket per address would refuse them all after a blackout, while one abuser at that address
 * must still not flood. Every request spends one token from two buckets at once:
 *
 * - its **key** at that address: for a check-in upload the venue whose signed QR the first check-in proves
 *   (server/upload-admission.ts), for other routes the route. A key has the configured limit (default 10/s,
 *   burst 60): a runaway phone or a script hammering one venue or one route gets that much, and no more.
 * - the **address** as a whole: ADDRESS_SHARE keys' worth (300/s, burst 1,800 by default), what a NAT full of
 *   phones needs and the most one address may take from the server, however many keys it spreads over.
 *
 * A request is admitted only if both buckets hold a token; a refusal spends neither. In memory, per process:
 * behind a load balancer each replica limits on its own (docs/OPERATIONS.md "Abuse control behind carrier NAT").
 * An address is the socket's IP, or the last X-Forwarded-For hop when the operator says a proxy sets it.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { Logger } from 'pino';
import { jsonError } from './http';

export interface RateLimit {
  /** Tokens added per second to each key's bucket; 0 turns limiting off. */
  readonly perSecond: number;
  /** A key's bucket size: requests it may make at once after being idle. */
  readonly burst: number;
}

export const DEFAULT_RATE_LIMIT: RateLimit = { perSecond: 10, burst: 60 };
/**
 * One address's budget, in keys' worth. 10,000 phones behind one address after a blackout send ~2 requests
 * each (one per visit): at 300/s that is about a minute of admission (docs/BENCHMARKS.md "Fairness behind
 * carrier NAT"), and 300 small requests/s is a few per cent of one replica.
 */
export const ADDRESS_SHARE = 30;
/** Past this many tracked buckets, those that have refilled (idle clients) are dropped. */
const MAX_TRACKED = 100_000;

/** `SINGGAH_RATE_LIMIT`: `<per second>/<burst>` per key, or `0` for off. Throws on anything else. */
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

/** `limit` times `share`: a bucket worth that many keys. */
const scaled = (limit: RateLimit, share: number): RateLimit => ({
  perSecond: limit.perSecond * share,
  burst: limit.burst * share,
});

interface Bucket {
  tokens: number;
  /** Monotonic milliseconds of the last refill. */
  at: number;
  readonly limit: RateLimit;
}

/** Named token buckets, each with its own limit; time is a parameter (monotonic milliseconds). */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private sweptAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly maxTracked: number = MAX_TRACKED) {}

  /** Seconds until `name` holds a token (0: it holds one now); a bucket not seen before starts full. */
  wait(name: string, limit: RateLimit, now: number): number {
    const b = this.refilled(name, limit, now);
    return b.tokens >= 1 ? 0 : Math.max(1, Math.ceil((1 - b.tokens) / limit.perSecond));
  }

  /** Spend the token `wait` found. */
  spend(name: string): void {
    const b = this.buckets.get(name);
    if (b) b.tokens -= 1;
  }

  get size(): number {
    return this.buckets.size;
  }

  private refilled(name: string, limit: RateLimit, now: number): Bucket {
    const b = this.buckets.get(name);
    if (b) {
      b.tokens = Math.min(b.limit.burst, b.tokens + ((now - b.at) / 1000) * b.limit.perSecond);
      b.at = now;
      return b;
    }
    // A sweep walks every bucket: at most one a second, so a flood of new names cannot make each request O(n).
    if (this.buckets.size >= this.maxTracked && now - this.sweptAt >= 1000) this.sweep(now);
    const fresh = { tokens: limit.burst, at: now, limit };
    this.buckets.set(name, fresh);
    return fresh;
  }

  /** Forget buckets that would be full by now: they lose nothing by starting afresh. */
  private sweep(now: number): void {
    this.sweptAt = now;
    for (const [name, b] of this.buckets) {
      if (b.tokens + ((now - b.at) / 1000) * b.limit.perSecond >= b.limit.burst) this.buckets.delete(name);
    }
  }
}

/** Why a request was refused: which budget was empty, and the seconds until it holds a token again. */
export interface Refusal {
  readonly budget: 'address' | 'key';
  readonly retryAfter: number;
}

/**
 * The two-level budgets (see the top of this file). `take` admits (undefined, one token spent from the key's
 * and the address's bucket) or refuses (spending nothing). `share` widens one key: a key that many phones
 * behind one address legitimately share (the venue-code look-up of a cold cache) gets that many keys' worth.
 */
export class AddressBudgets {
  private readonly buckets = new TokenBuckets();
  private readonly address: RateLimit;

  constructor(
    private readonly limit: RateLimit,
    addressShare: number = ADDRESS_SHARE,
  ) {
    this.address = scaled(limit, addressShare);
  }

  get off(): boolean {
    return this.limit.perSecond <= 0;
  }

  take(address: string, key: string, now: number, share = 1): Refusal | undefined {
    if (this.off) return undefined;
    // The address first: a refused address creates no bucket for the key, so invented keys cost no memory.
    const addressName = `a\n${address}`;
    const addressWait = this.buckets.wait(addressName, this.address, now);
    if (addressWait > 0) return { budget: 'address', retryAfter: addressWait };
    const keyName = `k\n${address}\n${key}`;
    const keyWait = this.buckets.wait(keyName, share === 1 ? this.limit : scaled(this.limit, share), now);
    if (keyWait > 0) return { budget: 'key', retryAfter: keyWait };
    this.buckets.spend(addressName);
    this.buckets.spend(keyName);
    return undefined;
  }

  /** Seconds until the address's own bucket holds a token (0: now), spending nothing. */
  addressWait(address: string, now: number): number {
    return this.off ? 0 : this.buckets.wait(`a\n${address}`, this.address, now);
  }

  /** Buckets held in memory (bounded: idle ones are swept). */
  get size(): number {
    return this.buckets.size;
  }
}

interface NodeBindings {
  incoming?: { socket?: { remoteAddress?: string } };
}

export function clientOf(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const hops = c.req.header('X-Forwarded-For')?.split(',');
    const last = hops?.at(-1)?.trim();
    if (last) return addressKeyOf(last);
  }
  // @hono/node-server passes the Node request as env.incoming; app.fetch in tests has none.
  return addressKeyOf((c.env as NodeBindings | undefined)?.incoming?.socket?.remoteAddress ?? 'local');
}

/**
 * What one budget is charged to: an IPv4 address as it is (an IPv4-mapped IPv6 address as its IPv4), an IPv6
 * address as its /64 — a carrier gives each subscriber a /64, whose 2^64 addresses must not be 2^64 budgets.
 */
export function addressKeyOf(ip: string): string {
  const bare = ip.replace(/%.*$/, '').toLowerCase();
  if (!bare.includes(':')) return bare;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(bare);
  if (mapped?.[1]) return mapped[1];
  const [head = '', tail] = bare.split('::');
  const groups = (part: string | undefined) => (part ? part.split(':') : []);
  const known = [...groups(head), ...(tail === undefined ? [] : groups(tail))].length;
  const all = [...groups(head), ...Array(tail === undefined ? 0 : Math.max(0, 8 - known)).fill('0'), ...groups(tail)];
  return `${all
    .slice(0, 4)
    .map((g) => Number.parseInt(g, 16).toString(16))
    .join(':')}::/64`;
}

/** How long one address's refusals share one log line. */
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

export interface AdmissionOptions {
  readonly limit: RateLimit;
  readonly trustProxy: boolean;
  readonly logger: Logger;
  /** Monotonic milliseconds (tests move it). */
  readonly clock?: () => number;
  readonly sampler?: RefusalSampler;
}

/**
 * The rate limit as the routes use it. A refusal answers 429 `RATE_LIMITED` with Retry-After, before any database
 * work. The request log skips 429s, so a sampled line is the only one: the route pattern, which budget was empty
 * and the wait, and the refusals left unlogged before it — never the address, the key or the path (they carry
 * venue ids and short codes, and a log of them per client is a trail).
 */
export class Admission {
  readonly budgets: AddressBudgets;
  private readonly clock: () => number;
  private readonly sampler: RefusalSampler;

  constructor(private readonly o: AdmissionOptions) {
    this.budgets = new AddressBudgets(o.limit);
    this.clock = o.clock ?? (() => performance.now());
    this.sampler = o.sampler ?? new RefusalSampler(LIMIT_LOG_WINDOW_MS, this.clock);
  }

  /** Undefined when `key` may go ahead at this request's address; else the 429 to answer. */
  refuse(c: Context, key: string, share = 1): Response | undefined {
    const address = clientOf(c, this.o.trustProxy);
    const refusal = this.budgets.take(address, key, this.clock(), share);
    return refusal && this.refused(c, address, refusal);
  }

  private refused(c: Context, address: string, { budget, retryAfter }: Refusal): Response {
    const suppressed = this.sampler.note(address);
    if (suppressed !== undefined) {
      this.o.logger.info({ route: routePath(c), budget, retryAfter, suppressed }, 'rate limited');
    }
    c.header('Retry-After', String(retryAfter));
    return jsonError(c, 429, 'RATE_LIMITED', `too many requests: retry after ${retryAfter} s`);
  }

  /** Middleware refusing an address whose own budget is empty, before the body is read (the check-in upload). */
  readonly byAddress: MiddlewareHandler = async (c, next) => {
    const address = clientOf(c, this.o.trustProxy);
    const retryAfter = this.budgets.addressWait(address, this.clock());
    return retryAfter > 0 ? this.refused(c, address, { budget: 'address', retryAfter }) : next();
  };

  /** Middleware for a route whose key is the route itself (every route but the check-in upload). */
  readonly byRoute: MiddlewareHandler = async (c, next) => this.refuse(c, `${c.req.method} ${routePath(c)}`) ?? next();
}
