import type { PexipApi } from './api.js';

/** The Pexip events this client reacts to. */
export const EVENT_NAMES = [
  'participant_sync_begin', 'participant_sync_end', 'participant_create', 'participant_update', 'participant_delete',
  'conference_update', 'message_received', 'stage', 'layout', 'presentation_start', 'presentation_stop',
  'call_disconnected', 'disconnect', 'parley_slots',
] as const;
export type EventName = (typeof EVENT_NAMES)[number];

/**
 * The SSE stream (`events?token=`). A network blip is handled by EventSource itself (it reconnects and sends
 * Last-Event-ID, so the server replays what was missed). But the token is in the URL and is refreshed every
 * expires/3: a reconnect with a refreshed-away token gets 403 and EventSource gives up. Then we open a new
 * stream with the current token; the server answers it with a full participant sync.
 */
export class Events {
  private es?: EventSource;
  private closed = false;
  private retry?: ReturnType<typeof setTimeout>;
  private readonly handlers = new Map<string, Array<(data: any) => void>>();

  constructor(private readonly api: PexipApi) {}

  on(name: EventName, fn: (data: any) => void): this {
    this.handlers.set(name, [...(this.handlers.get(name) ?? []), fn]);
    return this;
  }

  open(): void {
    if (this.closed) return;
    const es = new EventSource(this.api.eventsUrl);
    this.es = es;
    for (const name of EVENT_NAMES) {
      es.addEventListener(name, (ev) => {
        let data: unknown = null;
        try { data = JSON.parse((ev as MessageEvent).data); } catch { /* data: null or not JSON */ }
        for (const fn of this.handlers.get(name) ?? []) fn(data);
      });
    }
    es.addEventListener('error', () => {
      if (es.readyState !== EventSource.CLOSED || this.closed) return; // CONNECTING: the browser retries itself
      clearTimeout(this.retry);
      this.retry = setTimeout(() => this.open(), 1000);
    });
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.retry);
    this.es?.close();
  }
}
