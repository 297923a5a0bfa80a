import { sql } from 'kysely';
import type { EngineContext } from '../context.js';
import type { LoggedMessage, MessageSource } from '../history/messages.js';

// Sortable wire fields of the message log onto columns of the query below.
const SORT: Record<string, string> = {
  id: 'id', time_stamp: 'time_stamp', conference_id: 'conference_id', from_call_id: 'from_call_id',
  from_display_name: 'from_display_name', to_call_id: 'to_call_id', is_offline: 'is_offline', message: 'message',
};

/**
 * The chat store as the /logs/messages source: user-written messages (system messages are not logged).
 * from/to are TrueConf call ids (`login@server`); to is the peer in a P2P chat, else the conference id (a
 * conference's chat) or the chat id. Times in ms.
 */
export function chatMessageSource(ctx: EngineContext): MessageSource {
  const at = `@${ctx.serverName}`;
  return async (filter, w) => {
    const base = sql`
      select m.id as id, m.created_at as time_stamp, c.conference_id as conference_id,
        m.author_id || ${at} as from_call_id, coalesce(u.display_name, m.author_id) as from_display_name,
        case when c.type = 'p2p'
          then coalesce((select p.user_id from chat_participants p where p.chat_id = m.chat_id and p.user_id <> m.author_id limit 1), m.author_id) || ${at}
          else coalesce(c.conference_id, c.id) end as to_call_id,
        0 as is_offline, m.text as message
      from messages m join chats c on c.id = m.chat_id left join users u on u.id = m.author_id
      where m.author_id is not null and m.kind <> 'system'`;
    const conds = [sql`1 = 1`];
    if (filter.conferenceId !== undefined) conds.push(sql`conference_id = ${filter.conferenceId}`);
    if (filter.fromCallId !== undefined) conds.push(sql`from_call_id = ${filter.fromCallId}`);
    if (filter.toCallId !== undefined) conds.push(sql`to_call_id = ${filter.toCallId}`);
    if (filter.text !== undefined && filter.text !== '') conds.push(sql`instr(lower(message), lower(${filter.text})) > 0`);
    if (w.from !== undefined) conds.push(sql`time_stamp >= ${w.from}`);
    if (w.to !== undefined) conds.push(sql`time_stamp <= ${w.to}`);
    const where = sql.join(conds, sql` and `);
    const order = sql.raw(`${SORT[w.sortField] ?? 'time_stamp'} ${w.desc ? 'desc' : 'asc'}, id ${w.desc ? 'desc' : 'asc'}`);
    const total = await sql<{ n: number }>`select count(*) as n from (${base}) where ${where}`.execute(ctx.db);
    const rows = await sql<{
      id: string; time_stamp: number; conference_id: string | null; from_call_id: string; from_display_name: string;
      to_call_id: string; is_offline: number; message: string;
    }>`select * from (${base}) where ${where} order by ${order} limit ${w.limit} offset ${w.offset}`.execute(ctx.db);
    const items: LoggedMessage[] = rows.rows.map((r) => ({
      id: r.id, timeStamp: Number(r.time_stamp), conferenceId: r.conference_id, fromCallId: r.from_call_id,
      fromDisplayName: r.from_display_name, toCallId: r.to_call_id, isOffline: r.is_offline === 1, message: r.message,
    }));
    return { items, total: Number(total.rows[0]?.n ?? 0) };
  };
}
