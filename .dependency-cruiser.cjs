/**
 * The layer rules of docs/ARCHITECTURE.md as a check (`npm run lint:layers`, a step of `npm test`):
 *   ui → scan | sync | store → core;  sync → store;  sw → sync | store | core;  server → core;  nothing imports ui;
 *   nothing in server/ outside server/cli imports server/cli;
 *   core imports only itself and the packages in CORE_PACKAGES; nothing outside test/ imports test/.
 * Inside server: authority/ is a library reached through its index (never importing the CLI, app, main, routes or
 * the demo), and routes/ never import the CLI.
 * The test tree is cruised too, so a cycle among its helpers or a relative import left broken by a move fails here.
 * Each folder README's "may import" line says the same in words. Type-only imports count too
 * (tsPreCompilationDeps): a type import is still a dependency on that layer, and it can close a cycle.
 *
 * dependency-cruiser is held at 17.x: 18 needs Node 22, and package.json promises Node 20.19.
 */

/**
 * npm packages src/core may import (src/core/README.md, "May import"). @noble/curves, cborg and fflate are for the
 * certificate formats being added under src/core/ (ECDSA P-256, CBOR/COSE, zlib); a package must also be in
 * package.json's dependencies to resolve at all.
 */
const CORE_PACKAGES = [
  '@noble/ed25519',
  '@noble/hashes',
  '@noble/curves',
  'valibot',
  'certlogic-js',
  'cborg',
  'fflate',
  'tweetnacl',
];

const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const corePackages = `node_modules/(${CORE_PACKAGES.map(escapeRegExp).join('|')})/`;

/** A rule forbidding imports from the folder `from` into any of `to`. */
const layer = (name, comment, from, to) => ({
  name,
  comment,
  severity: 'error',
  from: { path: from },
  to: { path: `^(${to.join('|')})` },
});

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'Import cycles hide the real dependency order; move the shared type or constant to its own module.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-is-pure',
      comment: 'src/core imports only itself and CORE_PACKAGES: no other layer, no Node built-ins, no other package.',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { pathNot: [`^src/core/`, corePackages] },
    },
    layer(
      'nothing-imports-ui',
      'Only the UI (and its entry, src/main.tsx) imports src/ui; tests may.',
      '^(?!src/ui/|src/main\\.tsx$|test/)',
      ['src/ui/'],
    ),
    layer('store-imports-core-only', 'src/store imports src/core only.', '^src/store/', [
      'src/scan/',
      'src/sync/',
      'sw/',
      'server/',
    ]),
    layer('sync-imports-store-and-core', 'src/sync imports src/store and src/core only.', '^src/sync/', [
      'src/scan/',
      'sw/',
      'server/',
    ]),
    layer('scan-imports-core-only', 'src/scan imports nothing from ui, store or sync.', '^src/scan/', [
      'src/store/',
      'src/sync/',
      'sw/',
      'server/',
    ]),
    layer('sw-imports-sync-store-core', 'The service worker imports src/sync, src/store and src/core only.', '^sw/', [
      'src/scan/',
      'server/',
    ]),
    layer('ui-not-server-or-sw', 'The page never imports server code or the service worker itself.', '^src/', [
      'server/',
      'sw/',
    ]),
    layer(
      'server-imports-core-only',
      'The server shares only src/core with the phones: the rest is browser code — except the pure pixel decoder, so ' +
        '`singgah qr decode` reads codes exactly as the phones do (server/README.md).',
      '^server/',
      ['src/(?!core/|scan/zxing-decode\\.ts$|scan/finder-triangles\\.ts$)', 'sw/'],
    ),
    layer(
      'authority-is-a-library',
      'server/authority signs and stores; the CLI, the demo set-up and the HTTP side call it, never the other way.',
      '^server/authority/',
      ['server/(cli|app\\.ts$|main\\.ts$|routes/|demo)'],
    ),
    {
      name: 'authority-through-index',
      comment:
        'Outside server/authority, import its index (the public operations), not one of its files; its own tests ' +
        '(test/server/authority/, the mirror of the folder) test its files.',
      severity: 'error',
      from: { pathNot: '^(test/)?server/authority/' },
      to: { path: '^server/authority/', pathNot: '^server/authority/index\\.ts$' },
    },
    layer(
      'routes-not-cli',
      'HTTP routes may use the authority operations but not the operator CLI.',
      '^server/routes/',
      ['server/cli', 'server/main\\.ts$'],
    ),
    {
      name: 'the-server-never-creates-keys',
      comment:
        'The demo set-up (server/demo.ts) creates keys and a trust anchor; the server process must not be able to ' +
        'reach it, so no start-up of the server can make or rewrite them (docs/SECURITY.md). The demo pages read ' +
        'server/demo-listing.ts instead.',
      severity: 'error',
      from: { path: '^server/main\\.ts$' },
      to: { path: '^server/demo\\.ts$', reachable: true },
    },
    layer(
      'server-holds-no-signer',
      'The request path (routes, app.ts) never reaches the code that opens sealed cases or signs notices: those keys stay with the officer (server/case-review.ts, server/notice-signing.ts; main.ts wires them only for the demo).',
      '^server/(routes/|app\\.ts$)',
      ['server/case-review\\.ts$', 'server/notice-signing\\.ts$'],
    ),
    layer(
      'only-the-cli-imports-cli',
      'server/cli is an entry point (bin/singgah.mjs): the server and the authority code never depend on the CLI.',
      '^server/(?!cli/)',
      ['server/cli/'],
    ),
    layer(
      'no-test-code-shipped',
      'App, service worker and server code never import the tests or their helpers.',
      '^(src|sw|server)/',
      ['test/'],
    ),
    {
      name: 'browser-no-node',
      comment: 'Code that runs in the browser or the service worker cannot import Node built-ins.',
      severity: 'error',
      from: { path: '^(src|sw)/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that resolves to nothing (a typo, or a package missing from package.json).',
      severity: 'error',
      from: {},
      // Vite virtual modules (scripts/regions-plugin.ts) and `?url` asset imports exist only at build time.
      to: { couldNotResolve: true, pathNot: ['^virtual:', '\\?url$'] },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^dist' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
