/** The app's page paths: the service worker answers exactly these with the shell, the router maps each of them. */
import { describe, expect, it } from 'vitest';
import { APP_PATHS, isAppPath } from '../../src/core/app-routes';
import { parseRoute } from '../../src/ui/router';

describe('isAppPath', () => {
  it('accepts every app page, with or without a trailing slash, and the router maps each to a screen', () => {
    for (const path of [...APP_PATHS, '/history/', '/wallet//', '/pass/Budi%7C1990-01-01', '/pass/x']) {
      expect(isAppPath(path), path).toBe(true);
      expect(parseRoute(path, '').name, path).not.toBe('not-found');
    }
  });

  it('leaves server pages and unknown paths to the network', () => {
    for (const path of [
      '/demo',
      '/demo.css',
      '/demo.json',
      '/healthz',
      '/v1/bundle',
      '/v1/',
      '/nope',
      '/vx',
      '/settings/x',
      '/wallet/pass/x',
    ])
      expect(isAppPath(path), path).toBe(false);
  });
});
