/**
 * Bahasa Indonesia — the default language and the reference dictionary: en.ts must have exactly these keys.
 * Two files, so that a first visit downloads only what Home shows (id-start.ts, in the first chunk) and the
 * rest when it is needed (id-later.ts); the app itself imports those, tests and types this sum.
 */
import { idLater } from './id-later';
import { idStart } from './id-start';

export const id = { ...idStart, ...idLater };
