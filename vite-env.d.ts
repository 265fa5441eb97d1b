/// <reference types="vite/client" />

/** The pinned root key(s) of the authority, read from the trust file at build time (vite.config.ts). */
declare const __TRUST_ANCHOR__: {
  readonly threshold: number;
  readonly keys: readonly { readonly kid: string; readonly publicKey: string }[];
};

/** package.json version, compared with a bundle's minAppVersion. */
declare const __APP_VERSION__: string;
