import type { EngineContext } from '../context.js';

/**
 * Call history, written through as live sessions change: one row per session, one per participant stay,
 * one per invitation. Read by the TrueConf `/logs/calls...` endpoints.
 */
export class CallHistory {
  constructor(private readonly ctx: EngineContext) {}

  async nextStreamNumber(): Promise<number> {
    return this.ctx.db.transaction().execute(async (tx) => {
      const row = await tx.selectFrom('counters').select('value').where('name', '=', 'stream').executeTakeFirst();
      const next = (row?.value ?? 0) + 1;
      if (row) await tx.updateTable('counters').set({ value: next }).where('name', '=', 'stream').execute();
      else await tx.insertInto('counters').values({ name: 'stream', value: next }).execute();
      return next;
    });
  }

  async started(c: { id: string; namedConfId: string | null; topic: string | null; type: number; subtype: number; owner: string; start: number }): Promise<void> {
    await this.ctx.db.insertInto('calls').values({
      id: c.id, named_conf_id: c.namedConfId, topic: c.topic, class: c.namedConfId ? 10 : 1, type: c.type,
      subtype: c.subtype, owner: c.owner, participant_count: 0, start_time: c.start, end_time: null, term_reason: 0,
    }).execute();
  }

  async ended(callId: string, end: number, termReason: number): Promise<void> {
    await this.ctx.db.updateTable('calls').set({ end_time: end, term_reason: termReason }).where('id', '=', callId).execute();
    await this.ctx.db.updateTable('call_participants').set({ leave_time: end, leave_reason: 1 })
      .where('call_id', '=', callId).where('leave_time', 'is', null).execute();
  }

  async joined(callId: string, participantCallId: string, displayName: string, appId: string, at: number): Promise<void> {
    await this.ctx.db.insertInto('call_participants').values({
      call_id: callId, participant_call_id: participantCallId, display_name: displayName, app_id: appId,
      join_time: at, leave_time: null, leave_reason: null,
    }).execute();
    const [{ n }] = await this.ctx.db.selectFrom('call_participants')
      .select((eb) => eb.fn.count<number>('participant_call_id').distinct().as('n')).where('call_id', '=', callId).execute();
    await this.ctx.db.updateTable('calls').set({ participant_count: Number(n) }).where('id', '=', callId).execute();
  }

  async left(callId: string, participantCallId: string, at: number, reason: number): Promise<void> {
    await this.ctx.db.updateTable('call_participants').set({ leave_time: at, leave_reason: reason })
      .where('call_id', '=', callId).where('participant_call_id', '=', participantCallId).where('leave_time', 'is', null).execute();
  }

  async invited(callId: string, inviter: string, invited: string, at: number): Promise<void> {
    await this.ctx.db.insertInto('call_invites').values({
      call_id: callId, inviter_call_id: inviter, invited_call_id: invited, invite_time: at, is_accepted: 0,
    }).execute();
  }

  async accepted(callId: string, invited: string): Promise<void> {
    await this.ctx.db.updateTable('call_invites').set({ is_accepted: 1 })
      .where('call_id', '=', callId).where('invited_call_id', '=', invited).execute();
  }

  /** Sessions left open by a crash or kill: close them at start-up with term_reason 6 (server restarted). */
  async closeDangling(at: number): Promise<void> {
    const open = await this.ctx.db.selectFrom('calls').select('id').where('end_time', 'is', null).execute();
    for (const c of open) await this.ended(c.id, at, 6);
  }
}
