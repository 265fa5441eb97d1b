/// <reference types="vite/client" />

/**
 * The pinned root key(s) of the authority, read from the trust file at build time (vite.config.ts).
 * `version` is the root version (1 unless the build pins a rotated root); later roots arrive signed.
 */
declare const __TRUST_ANCHOR__: {
  readonly version: number;
  readonly threshold: number;
  readonly keys: readonly { readonly kid: string; readonly publicKey: string }[];
};

/** package.json version, compared with a bundle's minAppVersion. */
declare const __APP_VERSION__: string;

/** Region names from idn-area-data, generated at build time (scripts/regions-plugin.ts): code → name. */
declare module 'virtual:singgah-regions/provinces' {
  export const PROVINCES: Readonly<Record<string, string>>;
}
declare module 'virtual:singgah-regions/regencies' {
  export const REGENCIES: Readonly<Record<string, string>>;
}
