import { useEffect, useRef } from 'react';
import type { LiveEvent, LiveEventKind } from '../api/types.js';

type Listener = (event: LiveEvent) => void;

const KINDS: readonly LiveEventKind[] = ['task', 'instance', 'notification'];
const listeners = new Set<Listener>();
let source: EventSource | null = null;

/**
 * One `EventSource('/api/events')` for the whole app, open while anything listens: the header's
 * bell and the page below it share it (browsers allow few connections per host).
 */
function subscribe(listener: Listener): () => void {
  listeners.add(listener);
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
    opened.addEventListener('message', receive);
    for (const name of KINDS) opened.addEventListener(name, receive as EventListener);
    source = opened;
  }
  return () => {
    listeners.delete(listener);
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
 * coalesced: one callback per 250 ms at most, so a flood of changes causes one refresh.
 */
export function useLiveEvents(
  onEvent: (events: LiveEvent[]) => void,
  kinds: readonly LiveEventKind[] = ['task', 'instance'],
): void {
  const handler = useRef(onEvent);
  handler.current = onEvent;
  const wanted = kinds.join(',');
  useEffect(() => {
    const accepted = new Set(wanted.split(','));
    let pending: LiveEvent[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    const flush = () => {
      timer = undefined;
      const batch = pending;
      pending = [];
      handler.current(batch);
    };
    const unsubscribe = subscribe((event) => {
      if (!accepted.has(event.kind)) return;
      pending.push(event);
      timer ??= setTimeout(flush, 250);
    });
    return () => {
      if (timer) clearTimeout(timer);
      unsubscribe();
    };
  }, [wanted]);
}
