import { RTP_EXTENSION_URI, RtpHeader, RtpPacket, type RTCRtpSender } from 'werift';
import type { Socket } from 'node:dgram';
import { isIP } from 'node:net';

/**
 * Sends one RTP packet on a werift sender, doing what `RTCRtpSender.sendRtp` does (SSRC, payload type and the
 * sender's offsets; header extensions; the counters its sender reports use; the history its NACK handling resends
 * from; SRTP) in one synchronous pass. werift's own path runs five nested async calls per packet, builds an NTP
 * timestamp through strings and BigInt, and maps, filters and sorts the extension list every time: most of a
 * forwarding worker's time. Anything this path does not know (RED, TWCC, TCP or TURN candidates, werift's debug
 * loss) goes through werift's `sendRtp` unchanged.
 */
export function sendRtp(sender: RTCRtpSender, marker: boolean, seq: number, ts: number, payload: Buffer): void {
  const plan = planOf(sender);
  if (!plan) return viaWerift(sender, marker, seq, ts, payload);
  const s = sender as unknown as SenderInternals;
  const dtls = s.dtlsTransport;
  if (dtls.state !== 'connected' || !s.codec) return;
  const ice = dtls.iceTransport.connection;
  const pair = ice.nominated;
  const transport = pair?.protocol.transport;
  // A UDP host/srflx pair with an IP address; TCP, TURN or a name to resolve: werift's path.
  if (pair && (pair.protocol.type !== 'stun' || transport?.type !== 'udp' || !isIP(pair.remoteAddr[0]))) return viaWerift(sender, marker, seq, ts, payload);

  const ntp = ntpNow();
  const header = new RtpHeader({
    marker,
    payloadType: s.codec.payloadType,
    sequenceNumber: (seq + s.seqOffset) & 0xffff,
    timestamp: (ts + s.timestampOffset) >>> 0,
    ssrc: s.ssrc,
  });
  header.extensions = plan.extensions.map((e) => ({ id: e.id, payload: e.payload ?? absSendTime(ntp.value) }));
  s.timestamp = header.timestamp;
  s.sequenceNumber = header.sequenceNumber;
  s.ntpTimestamp = ntp.value;
  s.rtpTimestamp = header.timestamp;
  s.octetCount += payload.length;
  s.headerBytesSent += header.serializeSize;
  s.packetCount = (s.packetCount + 1) >>> 0;
  s.rtpCache[header.sequenceNumber % RTP_HISTORY_SIZE] = new RtpPacket(header, payload);

  const enc = dtls.srtp.encrypt(payload, header);
  dtls.bytesSent += enc.length;
  dtls.packetsSent++;
  if (!s.rtcpRunning) void s.runRtcp();
  // As werift: a packet that cannot go out now (no pair during an ICE restart, consent expired: RFC 7675) is still
  // numbered, encrypted and kept in the history above, so the receiver's NACK for it is answered once the path is
  // back. Returning before that left holes that no retransmission could fill, and video stalled after a restart.
  if (!pair || !transport || !ice.canSendApplicationData() || transport.closed) return;
  transport.socket.send(enc, pair.remoteAddr[1], pair.remoteAddr[0]);
  pair.packetsSent++;
  pair.bytesSent += enc.length;
}

function viaWerift(sender: RTCRtpSender, marker: boolean, seq: number, ts: number, payload: Buffer): void {
  sender.sendRtp(new RtpPacket(new RtpHeader({ marker, sequenceNumber: seq, timestamp: ts }), payload)).catch(() => undefined);
}

/** werift's history size for NACK (rtpSender.js RTP_HISTORY_SIZE). */
const RTP_HISTORY_SIZE = 128;

interface Plan {
  /** Extensions by id, in id order: a fixed payload, or none for abs-send-time (computed per packet). */
  extensions: Array<{ id: number; payload?: Buffer }>;
  fallback: boolean;
  /** What the plan was made from: a renegotiation that changes either makes a new plan. */
  madeFrom: { headerExtensions: unknown; mid: string | undefined };
}
const plans = new WeakMap<RTCRtpSender, Plan>();

/** What this sender's packets carry, worked out once; undefined when only werift's path will do. */
function planOf(sender: RTCRtpSender): Plan | undefined {
  const s = sender as unknown as SenderInternals;
  let plan = plans.get(sender);
  if (!plan || plan.madeFrom.headerExtensions !== s.headerExtensions || plan.madeFrom.mid !== s.mid) {
    const extensions: Plan['extensions'] = [];
    let fallback = s.redRedundantPayloadType !== undefined || s.dtlsTransport.config?.debug?.outboundPacketLoss !== undefined;
    for (const e of s.headerExtensions) {
      switch (e.uri) {
        case RTP_EXTENSION_URI.sdesMid: if (s.mid) extensions.push({ id: e.id, payload: Buffer.from(s.mid) }); break;
        case RTP_EXTENSION_URI.sdesRTPStreamID: if (s.rtpStreamId) extensions.push({ id: e.id, payload: Buffer.from(s.rtpStreamId) }); break;
        case RTP_EXTENSION_URI.repairedRtpStreamId: if (s.repairedRtpStreamId) extensions.push({ id: e.id, payload: Buffer.from(s.repairedRtpStreamId) }); break;
        case RTP_EXTENSION_URI.absSendTime: extensions.push({ id: e.id }); break;
        // Transport-wide sequence numbers feed werift's sender bandwidth estimation: its path does both.
        case RTP_EXTENSION_URI.transportWideCC: fallback = true; break;
        default: break;
      }
    }
    extensions.sort((a, b) => a.id - b.id);
    plan = { extensions, fallback, madeFrom: { headerExtensions: s.headerExtensions, mid: s.mid } };
    plans.set(sender, plan);
  }
  return plan.fallback ? undefined : plan;
}

/**
 * The current time as a 64-bit NTP timestamp (seconds since 1900 in the high 32 bits, fraction in the low), made
 * at most once a millisecond: packets sent in the same millisecond share it.
 */
const NTP_EPOCH_OFFSET_MS = Date.UTC(1970, 0, 1) - Date.UTC(1900, 0, 1);
let ntpCache = { ms: -1, value: 0n };
function ntpNow(): { value: bigint } {
  const ms = Math.floor(performance.timeOrigin + performance.now()) + NTP_EPOCH_OFFSET_MS;
  if (ms !== ntpCache.ms) {
    const seconds = Math.floor(ms / 1000);
    const fraction = Math.floor(((ms % 1000) / 1000) * 0x100000000);
    ntpCache = { ms, value: (BigInt(seconds) << 32n) | BigInt(fraction) };
  }
  return ntpCache;
}

/** abs-send-time: 6.18 fixed-point seconds, the middle 24 bits of the NTP timestamp. */
let absCache = { ntp: -1n, payload: Buffer.alloc(3) };
function absSendTime(ntp: bigint): Buffer {
  if (ntp !== absCache.ntp) {
    const payload = Buffer.alloc(3);
    payload.writeUIntBE(Number((ntp >> 14n) & 0xffffffn), 0, 3);
    absCache = { ntp, payload };
  }
  return absCache.payload;
}

/** The werift internals this path reads and keeps up to date (werift 0.24.4, pinned in package.json). */
interface SenderInternals {
  codec?: { payloadType: number };
  ssrc: number;
  mid?: string;
  rtpStreamId?: string;
  repairedRtpStreamId?: string;
  redRedundantPayloadType?: number;
  headerExtensions: Array<{ id: number; uri: string }>;
  seqOffset: number;
  timestampOffset: number;
  timestamp: number;
  sequenceNumber: number;
  ntpTimestamp: bigint;
  rtpTimestamp: number;
  octetCount: number;
  headerBytesSent: number;
  packetCount: number;
  rtpCache: RtpPacket[];
  rtcpRunning: boolean;
  runRtcp(): Promise<void>;
  dtlsTransport: {
    state: string;
    config?: { debug?: { outboundPacketLoss?: number } };
    srtp: { encrypt(payload: Buffer, header: RtpHeader): Buffer };
    bytesSent: number;
    packetsSent: number;
    iceTransport: {
      connection: {
        nominated?: {
          protocol: { type: string; transport?: { type: string; closed: boolean; socket: Socket } };
          remoteAddr: [string, number];
          packetsSent: number;
          bytesSent: number;
        };
        canSendApplicationData(): boolean;
      };
    };
  };
}
