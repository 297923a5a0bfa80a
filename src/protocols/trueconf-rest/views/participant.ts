import type { Engine } from '../../../engine/engine.js';
import type { LiveParticipant } from '../../../engine/sessions/types.js';
import { seconds } from '../../../engine/context.js';
import type { Version } from '../versions.js';
import { userExtras, userView } from './user.js';

const ts = (ms: number | null) => (ms === null ? null : seconds(ms));

/**
 * The Participant object (§4.10): the User fields with `id` = the TrueConf ID (`login@server`, unlike User `id`),
 * then invite_time, join_time (Unix seconds, null until it happens) and is_owner. A guest carries only the
 * subset of the seed's guest example: id, display_name, login_name, status (0 there).
 */
export async function participantViews(engine: Engine, participants: LiveParticipant[], version: Version,
  baseUrl: string): Promise<Record<string, unknown>[]> {
  const users = await engine.users.findMany(participants.flatMap((p) => (p.userId ? [p.userId] : [])));
  const extras = await userExtras(engine, [...users.keys()]);
  return participants.map((p) => {
    const u = p.userId ? users.get(p.userId) : undefined;
    let v: Record<string, unknown>;
    if (u) {
      v = userView(engine, u, extras, version, baseUrl);
      v.id = p.callId;
      v.display_name = p.displayName;
    } else {
      v = { id: p.callId, display_name: p.displayName, login_name: p.callId.slice(0, p.callId.lastIndexOf('@')), status: 0 };
    }
    v.invite_time = ts(p.invitedAt);
    v.join_time = ts(p.joinedAt);
    v.is_owner = p.isOwner;
    return v;
  });
}

export async function participantView(engine: Engine, p: LiveParticipant, version: Version, baseUrl: string): Promise<Record<string, unknown>> {
  const [v] = await participantViews(engine, [p], version, baseUrl);
  return v;
}
