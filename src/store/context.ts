/**
 * What createStore (store.ts) lends every repository: the transaction runner of the one connection, and the
 * quarantine that every checked read uses. Each repository is a function of this context — no module holds state.
 */
import type { Run } from './connection';
import type { Quarantine } from './quarantine';

export interface StoreContext extends Omit<Quarantine, 'listQuarantine'> {
  /** Every transaction goes through it (connection.ts); a committed write is announced to other tabs. */
  readonly run: Run;
}
