// Cross-tab coordination. Tabs of one origin share the refresh cookie, so only one of them should
// spend it at a time, and the others should adopt the token it got instead of refreshing again.
// - Web Locks (every current browser) make the refresh exclusive across tabs;
// - BroadcastChannel shares the new access token and "signed out" with the sibling tabs.
// Where neither exists (old browsers, some runtimes) the server's reuse interval still makes two
// simultaneous refreshes return the same successor, so nobody is logged out; we only lose the saving.

import { parseTabMessage, type TabMessage } from './tab-message.js';

export type { TabMessage } from './tab-message.js';

interface LockManagerLike {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
}

export interface TabCoordinator {
  withRefreshLock<T>(fn: () => Promise<T>): Promise<T>;
  publish(message: TabMessage): void;
  close(): void;
}

export function createTabCoordinator(
  name: string,
  onMessage: (message: TabMessage) => void,
  options: { locks?: LockManagerLike | null; broadcast?: boolean } = {},
): TabCoordinator {
  const nav = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator;
  const locks = options.locks === undefined ? nav?.locks : (options.locks ?? undefined);
  const channel =
    options.broadcast !== false && typeof BroadcastChannel === 'function'
      ? new BroadcastChannel(name)
      : undefined;

  if (channel) {
    const ownOrigin = (globalThis as { location?: { origin?: string } }).location?.origin;
    channel.onmessage = (event: MessageEvent) => {
      // Browsers only deliver same-origin messages; checking costs nothing and covers odd runtimes.
      if (ownOrigin && event.origin && event.origin !== ownOrigin) return;
      const message = parseTabMessage(event.data);
      if (message) onMessage(message);
    };
    channel.onmessageerror = () => {
      // undeserializable data: ignored like any other malformed message
    };
    // Node keeps the process alive while a channel is open; a browser tab has no such concern.
    (channel as unknown as { unref?: () => void }).unref?.();
  }

  return {
    withRefreshLock(fn) {
      return locks ? locks.request(`${name}:refresh`, fn) : fn();
    },
    publish(message) {
      channel?.postMessage(message);
    },
    close() {
      channel?.close();
    },
  };
}
