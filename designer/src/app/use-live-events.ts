import { useEffect, useRef } from 'react';
import type { LiveEvent } from '../api/types.js';

/**
 * Calls `onEvent` for each server-sent event the user may see (`GET /api/events`). Bursts are
 * coalesced: one callback per 250 ms at most, so a flood of changes causes one refresh.
 */
export function useLiveEvents(onEvent: (events: LiveEvent[]) => void): void {
  const handler = useRef(onEvent);
  handler.current = onEvent;
  useEffect(() => {
    if (typeof EventSource === 'undefined') return;
    const source = new EventSource('/api/events', { withCredentials: true });
    let pending: LiveEvent[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    const flush = () => {
      timer = undefined;
      const batch = pending;
      pending = [];
      handler.current(batch);
    };
    const receive = (message: MessageEvent<string>) => {
      try {
        pending.push(JSON.parse(message.data) as LiveEvent);
      } catch {
        return; // keep-alive comments and unknown payloads
      }
      timer ??= setTimeout(flush, 250);
    };
    source.addEventListener('message', receive);
    for (const name of ['task', 'instance']) source.addEventListener(name, receive as EventListener);
    return () => {
      if (timer) clearTimeout(timer);
      source.close();
    };
  }, []);
}
