/** `GET /healthz`: the database answers, and which bundle version is served (null when none or invalid). */
import { Hono } from 'hono';
import type { Queryable } from '../db';
import { errorBody } from '../http';
import type { BundleFile } from './bundle';

export function healthRoutes(db: Queryable, bundleFile: BundleFile): Hono {
  const routes = new Hono();
  routes.get('/healthz', async (c) => {
    c.header('Cache-Control', 'no-store');
    try {
      await db.query('select 1');
    } catch {
      return c.json({ status: 'error', error: errorBody('DB_UNAVAILABLE', 'database unavailable').error }, 503);
    }
    const bundle = await bundleFile.get();
    return c.json({ status: 'ok', bundleVersion: bundle && !bundle.invalid ? bundle.version : null });
  });
  return routes;
}
