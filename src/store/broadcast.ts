/**
 * Cross-tab: after every committed write the store posts `{type: 'changed', db, stores}` on
 * BroadcastChannel(STORE_CHANNEL), and other tabs (or store instances) of the same database re-read those stores.
 * IndexedDB already serialises the writes themselves; this only tells the others that something changed.
 */

/** Posted on BroadcastChannel(STORE_CHANNEL) after every committed write. */
export interface StoreChange {
  readonly type: 'changed';
  /** The database name, so stores of other databases (tests) ignore it. */
  readonly db: string;
  readonly stores: readonly string[];
}
export const STORE_CHANNEL = 'singgah-store';

export interface Broadcast {
  /** Announce a committed write to these stores. */
  notify(stores: readonly string[]): void;
  /** Another tab (or store instance) committed a write to these stores. Returns the unsubscribe function. */
  onExternalChange(listener: (stores: readonly string[]) => void): () => void;
  /** Stop listening and posting, for good. */
  close(): void;
}

/** The channel is opened lazily (first write or first listener), and not at all where BroadcastChannel is absent. */
export function createBroadcast(name: string): Broadcast {
  let channel: BroadcastChannel | undefined;
  let closed = false;
  const externalListeners = new Set<(stores: readonly string[]) => void>();

  function getChannel(): BroadcastChannel | undefined {
    if (channel || closed || typeof BroadcastChannel === 'undefined') return channel;
    try {
      channel = new BroadcastChannel(STORE_CHANNEL);
    } catch {
      return undefined;
    }
    channel.onmessage = (e: MessageEvent) => {
      const m = e.data as Partial<StoreChange> | null;
      if (m?.type !== 'changed' || m.db !== name || !Array.isArray(m.stores)) return;
      for (const listener of externalListeners) listener(m.stores);
    };
    // Node (tests): do not keep the process alive for the channel.
    (channel as { unref?: () => void }).unref?.();
    return channel;
  }

  function notify(stores: readonly string[]) {
    const message: StoreChange = { type: 'changed', db: name, stores: [...stores] };
    try {
      getChannel()?.postMessage(message);
    } catch {
      // a closed channel: other tabs refresh on their next read
    }
  }

  function onExternalChange(listener: (stores: readonly string[]) => void): () => void {
    externalListeners.add(listener);
    getChannel();
    return () => externalListeners.delete(listener);
  }

  function close() {
    closed = true;
    externalListeners.clear();
    try {
      channel?.close();
    } catch {
      // already closed
    }
    channel = undefined;
  }

  return { notify, onExternalChange, close };
}
