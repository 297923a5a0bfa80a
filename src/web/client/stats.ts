/** What getStats says about a call: decoding per m-line, and the network quality behind the indicator. */
export interface CallStats {
  framesDecoded: number;
  framesDecodedByMid: Record<string, number>;
  audioPacketsReceived: number;
  videoPacketsReceived: number;
  /** Fraction of inbound packets lost since the previous sample, 0..1. */
  loss: number;
  /** Round-trip time of the selected ICE candidate pair, ms (null before it is known). */
  rttMs: number | null;
  state: RTCPeerConnectionState;
}

export type Quality = 'good' | 'fair' | 'poor' | 'unknown';

/** Loss and RTT thresholds in the spirit of what meeting apps show: 2 % / 150 ms still good, 8 % / 400 ms poor. */
export function qualityOf(s: CallStats): Quality {
  if (s.state !== 'connected') return s.state === 'new' || s.state === 'connecting' ? 'unknown' : 'poor';
  if (s.loss > 0.08 || (s.rttMs ?? 0) > 400) return 'poor';
  if (s.loss > 0.02 || (s.rttMs ?? 0) > 150) return 'fair';
  return 'good';
}

export class StatsSampler {
  private lastLost = 0;
  private lastReceived = 0;

  constructor(private readonly pc: RTCPeerConnection) {}

  async sample(): Promise<CallStats> {
    const out: CallStats = { framesDecoded: 0, framesDecodedByMid: {}, audioPacketsReceived: 0, videoPacketsReceived: 0, loss: 0, rttMs: null, state: this.pc.connectionState };
    let lost = 0;
    let received = 0;
    let rtcpRtt: number | null = null;
    (await this.pc.getStats()).forEach((s: any) => {
      if (s.type === 'inbound-rtp') {
        lost += Math.max(0, s.packetsLost ?? 0);
        received += s.packetsReceived ?? 0;
        if (s.kind === 'video') {
          out.framesDecoded += s.framesDecoded ?? 0;
          out.videoPacketsReceived += s.packetsReceived ?? 0;
          if (s.mid !== undefined) out.framesDecodedByMid[s.mid] = s.framesDecoded ?? 0;
        } else {
          out.audioPacketsReceived += s.packetsReceived ?? 0;
        }
      }
      if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded' && s.currentRoundTripTime !== undefined) {
        out.rttMs = s.currentRoundTripTime * 1000;
      }
      // Firefox's candidate pairs carry no RTT: the RTCP round trip of what we send stands in for it (the lowest of
      // the streams: one transport, so they differ only by the server's report delays).
      if (s.type === 'remote-inbound-rtp' && s.roundTripTime !== undefined) rtcpRtt = Math.min(rtcpRtt ?? Infinity, s.roundTripTime * 1000);
    });
    out.rttMs ??= rtcpRtt;
    const dl = lost - this.lastLost;
    const dr = received - this.lastReceived;
    // packetsLost goes down when late packets turn up (it counts duplicates negatively): clamp the interval at 0.
    out.loss = dl > 0 && dl + dr > 0 ? dl / (dl + dr) : 0;
    this.lastLost = lost;
    this.lastReceived = received;
    return out;
  }
}
