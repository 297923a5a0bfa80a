import { pageOf, type Page } from '../paging.js';
import { constant, plan, type ListQuery, type SortKey } from './list-query.js';

/** One chat message as the message log shows it (times in ms). */
export interface LoggedMessage {
  id: string;
  timeStamp: number;
  /** The call session the message was sent in, or null for a one-to-one chat. */
  conferenceId: string | null;
  fromCallId: string;
  fromDisplayName: string;
  toCallId: string;
  /** The recipient was offline when it was sent. */
  isOffline: boolean;
  message: string;
}

export interface MessageFilter {
  fromCallId?: string;
  toCallId?: string;
  /** Messages containing this text. */
  text?: string;
  conferenceId?: string;
}

/** What a message store answers for one page of the log, already filtered, sorted and windowed. */
export interface MessageWindow {
  from?: number;
  to?: number;
  /** A field of LoggedMessage's wire form (`time_stamp`, `from_call_id`, ...). */
  sortField: string;
  desc: boolean;
  offset: number;
  limit: number;
}

export type MessageSource = (filter: MessageFilter, w: MessageWindow) => Promise<{ items: LoggedMessage[]; total: number }>;

/** Parley keeps no chat messages yet (the chat store arrives with issue #5): the log is empty, never invented. */
export const noMessages: MessageSource = async () => ({ items: [], total: 0 });

// The keys only name what may be sorted on; the source does the sorting.
const MESSAGE_KEYS: Record<string, SortKey> = Object.fromEntries(
  ['id', 'time_stamp', 'conference_id', 'from_call_id', 'from_display_name', 'to_call_id', 'is_offline', 'message']
    .map((k) => [k, constant]),
);

/** The chat message log over a pluggable source; `use()` swaps in the chat store when it exists. */
export class MessageLog {
  private source: MessageSource = noMessages;

  use(source: MessageSource): void {
    this.source = source;
  }

  async list(filter: MessageFilter, q: ListQuery): Promise<Page<LoggedMessage>> {
    const p = plan(q, MESSAGE_KEYS, 'time_stamp');
    const sortField = q.sortField === undefined || q.sortField === '' ? 'time_stamp' : q.sortField;
    const { items, total } = await this.source(filter, {
      from: q.from, to: q.to, sortField, desc: p.desc, offset: (p.page.page - 1) * p.page.size, limit: p.page.size,
    });
    return pageOf(items, total, p.page);
  }
}
