// Child process of the media benchmark: the baseline, a naive werift forwarder with no Parley in it. One
// RTCPeerConnection per client; every RTP packet the publisher sends is relayed as is (fresh header, same
// sequence number and timestamp) to every viewer's RTCPeerConnection. No mixing, no switching, no signalling
// server: offers arrive over IPC. Everything runs on this process's one thread, as one Parley room does.
import {
  RTCPeerConnection, RtpHeader, RtpPacket, useOPUS, usePLI, useVP8, type RTCRtpSender,
} from 'werift';
import type { AnswerMessage, OfferMessage, ReadyMessage } from './scenario.js';
import { iceGathered } from '../../src/media/peer.js';

if (!process.send) throw new Error('bench/media/naive.ts is started by bench/media/run.ts');

const viewers: Array<{ audio?: RTCRtpSender; video?: RTCRtpSender }> = [];
let publisher: RTCPeerConnection | undefined;
let requestPli: (() => void) | undefined;

const relay = (kind: 'audio' | 'video', rtp: RtpPacket) => {
  for (const v of viewers) {
    const s = v[kind];
    if (!s) continue;
    const h = new RtpHeader({ marker: rtp.header.marker, sequenceNumber: rtp.header.sequenceNumber, timestamp: rtp.header.timestamp });
    s.sendRtp(new RtpPacket(h, rtp.payload)).catch(() => undefined);
  }
};

async function answer(m: OfferMessage): Promise<string> {
  const pc = new RTCPeerConnection({
    codecs: { audio: [useOPUS()], video: [useVP8({ rtcpFeedback: [usePLI()] })] },
    iceAdditionalHostAddresses: ['127.0.0.1'], iceUseIpv6: false, iceServers: [], bundlePolicy: 'max-bundle',
  });
  // Before the offer is applied: werift announces the tracks while applying it.
  if (m.role === 'publisher') {
    publisher = pc;
    pc.onTrack.subscribe((track) => {
      const kind = track.kind === 'audio' ? 'audio' : 'video';
      if (kind === 'video') {
        const t = pc.getTransceivers().find((x) => x.receiver.tracks.includes(track));
        requestPli = () => { if (t && track.ssrc !== undefined) t.receiver.sendRtcpPLI(track.ssrc).catch(() => undefined); };
      }
      track.onReceiveRtp.subscribe((rtp) => relay(kind, rtp));
    });
  }
  await pc.setRemoteDescription({ type: 'offer', sdp: m.sdp });
  for (const t of pc.getTransceivers()) t.setDirection(m.role === 'publisher' ? 'recvonly' : 'sendonly');
  await pc.setLocalDescription(await pc.createAnswer());
  await iceGathered(pc);
  if (m.role === 'viewer') {
    const v: { audio?: RTCRtpSender; video?: RTCRtpSender } = {};
    for (const t of pc.getTransceivers()) v[t.kind === 'audio' ? 'audio' : 'video'] = t.sender;
    // A new viewer needs a keyframe to start decoding, as in any SFU.
    pc.connectionStateChange.subscribe((s) => { if (s === 'connected') { viewers.push(v); requestPli?.(); } });
  }
  return pc.localDescription!.sdp;
}

process.on('message', (m: OfferMessage | { type: 'stop' }) => {
  if (m.type === 'stop') {
    void publisher?.close();
    process.exit(0);
  }
  if (m.type === 'offer') {
    answer(m).then((sdp) => process.send!({ type: 'answer', id: m.id, sdp } satisfies AnswerMessage),
      (err: unknown) => process.send!({ type: 'answer', id: m.id, sdp: `error: ${String(err)}` } satisfies AnswerMessage));
  }
});
process.send({ type: 'ready', port: 0 } satisfies ReadyMessage);
