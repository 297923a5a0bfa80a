import type { RTCPeerConnection, RtpHeader } from 'werift';

/** What an impaired wire did, for the test's report. */
export interface WireStats { dropped: number; swapped: number }

/**
 * A lossy, reordering network on a werift peer's outgoing RTP, below its RTP sender: the sender's NACK cache
 * still holds a dropped packet, so a NACK repairs it as on a real network (retransmissions pass unharmed).
 * Deterministic: every round(1/loss)-th new packet is dropped, every 7th is held back and sent after the next.
 */
export function impairWire(pc: RTCPeerConnection, opts: { loss?: number; reorder?: boolean }): WireStats {
  const stats: WireStats = { dropped: 0, swapped: 0 };
  const dtls = pc.getTransceivers()[0].sender.dtlsTransport as unknown as { sendRtp(p: Buffer, h: RtpHeader): Promise<number> };
  const send = dtls.sendRtp.bind(dtls);
  const sent = new Set<string>();
  const every = opts.loss ? Math.round(1 / opts.loss) : 0;
  let n = 0;
  let held: [Buffer, RtpHeader] | undefined;
  dtls.sendRtp = async (payload, header) => {
    const key = `${header.ssrc}:${header.sequenceNumber}`;
    if (sent.has(key)) return send(payload, header); // a retransmission (NACK)
    if (sent.size > 4000) sent.clear();
    sent.add(key);
    n++;
    if (every && n % every === 0) { stats.dropped++; return 0; }
    if (opts.reorder && !held && n % 7 === 0) { held = [payload, header]; return 0; }
    const size = await send(payload, header);
    if (held) { const [p, h] = held; held = undefined; stats.swapped++; await send(p, h); }
    return size;
  };
  return stats;
}

/**
 * Pulls the cable: every UDP datagram the peer sends (STUN consent, DTLS, SRTP/SRTCP) is silently discarded,
 * so the far end hears nothing and gets no goodbye (no DTLS close_notify either).
 */
export function cutNetwork(pc: RTCPeerConnection): void {
  const conn = (pc.iceTransports[0] as unknown as { connection: { protocols: Array<{ transport: { send: (...a: unknown[]) => Promise<void> } }> } }).connection;
  for (const p of conn.protocols) p.transport.send = async () => undefined;
}
