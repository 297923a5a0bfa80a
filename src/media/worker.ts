import { parentPort, workerData } from 'node:worker_threads';
import { Room } from './room.js';
import type { FromWorker, RtcSettings, ToWorker } from './protocol.js';

/**
 * A media worker thread: hosts whole rooms (a conference's calls never span workers, so forwarding stays
 * inside one thread). It owns no conference state: the engine decides, the main thread relays.
 */
const port = parentPort!;
const rtc = (workerData as { rtc: RtcSettings }).rtc;
const rooms = new Map<string, Room>();
const roomOfCall = new Map<string, Room>();

const send = (m: FromWorker) => port.postMessage(m);

function room(conferenceId: string): Room {
  let r = rooms.get(conferenceId);
  if (!r) { r = new Room(conferenceId, rtc, send); rooms.set(conferenceId, r); }
  return r;
}

function callRoom(callId: string): Room {
  const r = roomOfCall.get(callId);
  if (!r) throw new Error('Call not found');
  return r;
}

async function handle(m: ToWorker): Promise<void> {
  switch (m.op) {
    case 'open': {
      const r = room(m.conferenceId);
      roomOfCall.set(m.callId, r);
      try {
        const sdp = await r.open(m.participantId, m.callId, m.kind, m.media, m.sdp, m.multistream ?? false);
        send({ kind: 'reply', rid: m.rid, ok: true, sdp });
      } catch (err) {
        roomOfCall.delete(m.callId);
        if (r.size === 0) rooms.delete(m.conferenceId);
        throw err;
      }
      return;
    }
    case 'candidate': await callRoom(m.callId).candidate(m.callId, m.candidate, m.mid); break;
    case 'update': send({ kind: 'reply', rid: m.rid, ok: true, sdp: await callRoom(m.callId).update(m.callId, m.sdp, m.media) }); return;
    case 'ack': callRoom(m.callId).ack(m.callId); break;
    case 'close': {
      const r = roomOfCall.get(m.callId);
      roomOfCall.delete(m.callId);
      if (r) {
        await r.close(m.callId);
        if (r.size === 0) rooms.delete(r.conferenceId);
      }
      send({ kind: 'call', callId: m.callId, state: 'closed' });
      break;
    }
    case 'mute': rooms.get(m.conferenceId)?.setMuted(m.participantId, m.audio, m.video); return;
    case 'stage': rooms.get(m.conferenceId)?.setStage(m.order); return;
    case 'stats': send({ kind: 'reply', rid: m.rid, ok: true, stats: [...rooms.values()].map((r) => ({ ...r.stats, calls: r.size })) }); return;
  }
  send({ kind: 'reply', rid: m.rid, ok: true });
}

port.on('message', (m: ToWorker) => {
  handle(m).catch((err: unknown) => {
    if ('rid' in m) send({ kind: 'reply', rid: m.rid, ok: false, error: err instanceof Error ? err.message : String(err) });
  });
});
send({ kind: 'ready' });
