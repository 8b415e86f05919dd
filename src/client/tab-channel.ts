import { readShared, writeShared } from './origin-store.js';
import { web } from './platform.js';

/**
 * The tabs of an origin in DPoP mode. The tab that refreshed posts the new access token on a
 * `BroadcastChannel` (a copy of a DPoP-bound token is useless without the key), and counts the
 * refresh in IndexedDB (a number, never a token): a tab that got the refresh lock after another
 * tab refreshed, but before that tab's message reached it, sees the count ahead of what it heard,
 * and waits for the message instead of refreshing again.
 *
 * @internal
 * @module
 */

/** A message between the tabs: a new access token, its scheme and how long it still lives, or a logout (no token). @internal */
export type TabMessage = { token: string; type: string; ms: number; n?: number } | { token?: undefined; n?: number };

/** The tabs' channel. @internal */
export interface TabChannel {
  /** Tells the other tabs: a new token (counted as a refresh) or a logout. */
  post(message: TabMessage): Promise<void>;
  /** In the refresh lock: when another tab refreshed since this one last heard, waits for its token (at most 2 s). */
  catchUp(): Promise<void>;
}

/** The most a tab waits for the message of a refresh it knows was made. */
const CATCH_UP_MS = 2000;

async function refreshCount(name: string): Promise<number> {
  return ((await readShared(name, 'refreshes')) as number | undefined) ?? 0;
}

/**
 * Opens the channel `name`; `receive` gets the other tabs' messages.
 *
 * @returns `undefined` without IndexedDB or `BroadcastChannel` (Node): there, no key is shared.
 * @internal
 */
export function openTabChannel(name: string, receive: (message: TabMessage) => void): TabChannel | undefined {
  const Channel = web.BroadcastChannel;
  if (web.indexedDB === undefined || Channel === undefined) return undefined;
  const channel = new Channel(name);
  /** The number of the last refresh this tab knows of. */
  let heard = 0;
  let arrived = () => {};
  channel.onmessage = ({ data }) => {
    const message = (data ?? {}) as TabMessage;
    if (message.token !== undefined && typeof message.token !== 'string') return;
    heard = Math.max(heard, Number(message.n) || 0);
    receive(message);
    arrived();
  };
  return {
    async post(message) {
      if (message.token !== undefined) {
        heard = (await refreshCount(name)) + 1;
        await writeShared(name, 'refreshes', heard);
      }
      channel.postMessage({ ...message, n: heard });
    },
    async catchUp() {
      if ((await refreshCount(name)) <= heard) return;
      await new Promise<void>((resolve) => {
        arrived = resolve;
        setTimeout(resolve, CATCH_UP_MS);
      });
      arrived = () => {};
    },
  };
}
