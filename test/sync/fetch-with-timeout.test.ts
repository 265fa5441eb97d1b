import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { fetchWithTimeout } from '../../src/sync/fetch-with-timeout';

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
});

/** A loopback server that sends its headers and the first bytes, then never finishes the body. */
async function stallingServer(): Promise<string> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"partial":');
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

describe('fetchWithTimeout', () => {
  it('aborts a body that stalls after the headers: the deadline covers the read', async () => {
    const url = await stallingServer();
    const started = Date.now();
    await expect(fetchWithTimeout(fetch, url, {}, 200, (res) => res.text())).rejects.toThrow(/abort/i);
    // A read the deadline missed would hang until the test times out.
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('returns what read returns, passes the init through, and clears its timer', async () => {
    let seen: RequestInit | undefined;
    const fakeFetch = (async (_url: string, init?: RequestInit) => {
      seen = init;
      return new Response('hello', { status: 201 });
    }) as typeof fetch;
    const got = await fetchWithTimeout(fakeFetch, '/x', { method: 'POST', cache: 'no-store' }, 50, async (res) => ({
      status: res.status,
      text: await res.text(),
    }));
    expect(got).toEqual({ status: 201, text: 'hello' });
    expect(seen?.method).toBe('POST');
    expect(seen?.cache).toBe('no-store');
    // Past the deadline: a timer left running would abort the signal of a request that already finished.
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(seen?.signal?.aborted).toBe(false);
  });
});
