import { useEffect, useRef } from 'react';
import type { LiveEvent, LiveEventKind } from '../api/types.js';

type Listener = (event: LiveEvent) => void;

const KINDS: readonly LiveEventKind[] = ['task', 'instance', 'notification'];
const listeners = new Set<Listener>();
/** Called whenever the stream (re)opens: whatever happened while it was not open was not sent. */
const openListeners = new Set<() => void>();
let source: EventSource | null = null;

/**
 * One `EventSource('/api/events')` for the whole app, open while anything listens: the header's
 * bell and the page below it share it (browsers allow few connections per host).
 */
function subscribe(listener: Listener, opened: () => void): () => void {
  listeners.add(listener);
  openListeners.add(opened);
  if (!source && typeof EventSource !== 'undefined') {
    const opened = new EventSource('/api/events', { withCredentials: true });
    const receive = (message: MessageEvent<string>) => {
      let event: LiveEvent;
      try {
        event = JSON.parse(message.data) as LiveEvent;
      } catch {
        return; // keep-alive comments and unknown payloads
      }
      for (const each of [...listeners]) each(event);
    };
    // The first open follows the page's own load, and a reconnect follows a gap: either way a
    // change may have come and gone unsent, so every view reloads once.
    opened.addEventListener('open', () => {
      for (const each of [...openListeners]) each();
    });
    opened.addEventListener('message', receive);
    for (const name of KINDS) opened.addEventListener(name, receive as EventListener);
    source = opened;
  }
  return () => {
    listeners.delete(listener);
    openListeners.delete(opened);
    if (listeners.size === 0) {
      source?.close();
      source = null;
    }
  };
}

/**
 * Tells this tab's listeners about a change it made itself (a notification marked read), as if
 * the server had sent it, so every view of the same data follows.
 */
export function announceLocally(event: LiveEvent): void {
  for (const each of [...listeners]) each(event);
}

/**
 * Calls `onEvent` for each server-sent event of the given kinds the user may see. Bursts are
 * coalesced: one callback per 250 ms at most, so a flood of changes causes one refresh. When the
 * stream (re)opens, `resync` is true: events may have been missed, reload what the view shows.
 */
export function useLiveEvents(
  onEvent: (events: LiveEvent[], resync: boolean) => void,
  kinds: readonly LiveEventKind[] = ['task', 'instance'],
): void {
  const handler = useRef(onEvent);
  handler.current = onEvent;
  const wanted = kinds.join(',');
  useEffect(() => {
    const accepted = new Set(wanted.split(','));
    let pending: LiveEvent[] = [];
    let resync = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const flush = () => {
      timer = undefined;
      const batch = pending;
      const again = resync;
      pending = [];
      resync = false;
      handler.current(batch, again);
    };
    const unsubscribe = subscribe(
      (event) => {
        if (!accepted.has(event.kind)) return;
        pending.push(event);
        timer ??= setTimeout(flush, 250);
      },
      () => {
        resync = true;
        timer ??= setTimeout(flush, 250);
      },
    );
    return () => {
      if (timer) clearTimeout(timer);
      unsubscribe();
    };
  }, [wanted]);
}
