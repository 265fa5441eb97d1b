/** The demo pages (`SINGGAH_DEMO`): `/demo` with its QR codes, `/demo.css`, `/demo.json` (server/demo-page.ts). */
import type { Context } from 'hono';
import { Hono } from 'hono';
import type { Queryable } from '../db';
import { demoCss, demoJson, demoPage } from '../demo-page';
import { NO_CACHE } from '../http';

export interface DemoRoutesOptions {
  readonly db: Queryable;
  readonly dataDir: string;
  /** Origin used in demo links instead of the request's (e.g. behind a TLS proxy). */
  readonly publicOrigin?: string | undefined;
}

export function demoRoutes({ db, dataDir, publicOrigin }: DemoRoutesOptions): Hono {
  const routes = new Hono();
  const originOf = (c: Context) => publicOrigin ?? new URL(c.req.url).origin;
  routes.get('/demo', async (c) => {
    c.header('Cache-Control', 'no-store');
    return c.html(await demoPage(db, dataDir, originOf(c)));
  });
  routes.get('/demo.css', (c) => {
    c.header('Cache-Control', NO_CACHE);
    c.header('Content-Type', 'text/css; charset=utf-8');
    return c.body(demoCss);
  });
  routes.get('/demo.json', async (c) => {
    c.header('Cache-Control', 'no-store');
    return c.json(await demoJson(db, dataDir, originOf(c)));
  });
  return routes;
}
