/**
 * One request with a deadline over the whole exchange: the timer aborts the fetch *and* the body read, and is
 * cleared however it ends. `read` consumes the response while the deadline still runs, so a server that sends
 * its headers and then stalls the body cannot hold a sync open. Network errors and the abort are thrown as
 * fetch throws them; each caller maps them to its own outcome.
 */
export async function fetchWithTimeout<T>(
  fetchFn: typeof fetch,
  url: string,
  init: RequestInit,
  timeoutMs: number,
  read: (res: Response) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const res = await fetchFn(url, { ...init, signal: controller.signal });
    return await read(res);
  } finally {
    clearTimeout(timer);
  }
}
