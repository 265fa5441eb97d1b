/** The demo pages (`SINGGAH_DEMO`): `/demo` with its QR codes, `/demo.css`, `/demo.json` (server/demo-page.ts). */
import { Hono } from 'hono';
import type { Queryable } from '../db';
import { demoCss, demoJson, demoPage } from '../demo-page';
import { NO_CACHE } from '../http';

export interface DemoRoutesOptions {
  readonly db: Queryable;
  readonly dataDir: string;
  /**
   * The origin of every demo link, read per request (the listening port may be known only after start).
   * Never the request's Host header: anyone can send any Host, and the links end up in posters and QR codes.
   */
  readonly publicOrigin: () => string;
}

export function demoRoutes({ db, dataDir, publicOrigin }: DemoRoutesOptions): Hono {
  const routes = new Hono();
  routes.get('/demo', async (c) => {
    c.header('Cache-Control', 'no-store');
    return c.html(await demoPage(db, dataDir, publicOrigin()));
  });
  routes.get('/demo.css', (c) => {
    c.header('Cache-Control', NO_CACHE);
    c.header('Content-Type', 'text/css; charset=utf-8');
    return c.body(demoCss);
  });
  routes.get('/demo.json', async (c) => {
    c.header('Cache-Control', 'no-store');
    return c.json(await demoJson(db, dataDir, publicOrigin()));
  });
  return routes;
}
