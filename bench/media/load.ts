// The media benchmark's load clients: lean werift peers that publish realistic media and count what arrives.
// Unlike test/helpers/media-client.ts they encode no audio per packet (Opus frames are encoded once and cycled),
// decode nothing, and share one send clock, so that one load-generator process can hold hundreds of them.
import {
  PictureLossIndication, RTCPeerConnection, RtcpPayloadSpecificFeedback, RtpHeader, RtpPacket, useOPUS, usePLI, useVP8,
  type RTCRtpSender, type RtcpPacket,
} from 'werift';
import { FRAME_SAMPLES, OpusEncoder, SAMPLE_RATE } from '../../src/media/audio/opus.js';
import { iceGathered } from '../../src/media/peer.js';

/** Video: 30 fps at 1 Mbit/s, each frame cut into packets of at most 1,200 bytes; a keyframe every 2 s or on PLI. */
export const VIDEO_FPS = 30;
export const VIDEO_BITRATE = 1_000_000;
const MAX_PACKET = 1200;
const FRAME_BYTES = Math.round(VIDEO_BITRATE / 8 / VIDEO_FPS);
export const VIDEO_PACKETS_PER_FRAME = Math.ceil(FRAME_BYTES / MAX_PACKET);
const PACKET_BYTES = Math.ceil(FRAME_BYTES / VIDEO_PACKETS_PER_FRAME);
const KEYFRAME_EVERY = 2 * VIDEO_FPS;

/** VP8 payloads (RFC 7741 descriptor + frame tag), shared by every packet: werift encrypts into a new buffer. */
const vp8 = (start: boolean, key: boolean) => {
  const b = Buffer.alloc(PACKET_BYTES, 0x5a);
  b[0] = start ? 0x10 : 0x00; // S bit on the first packet of a frame, PID 0
  b[1] = key ? 0x00 : 0x01; // frame tag: P bit clear on a keyframe
  return b;
};
const KEY_START = vp8(true, true);
const DELTA_START = vp8(true, false);
const CONTINUATION = vp8(false, false);

/** One second of a 440 Hz tone in real Opus (32 kbit/s), encoded once and cycled by every publisher. */
const OPUS_FRAMES = (() => {
  const enc = new OpusEncoder(32000);
  const frames: Buffer[] = [];
  const pcm = new Int16Array(FRAME_SAMPLES);
  for (let f = 0; f < 50; f++) {
    for (let i = 0; i < FRAME_SAMPLES; i++) pcm[i] = Math.round(6000 * Math.sin((2 * Math.PI * 440 * (f * FRAME_SAMPLES + i)) / SAMPLE_RATE));
    frames.push(enc.encode(pcm));
  }
  enc.close();
  return frames;
})();

/**
 * Per received stream kind, loss as RFC 3550 counts it: packets expected from the extended highest sequence number
 * minus packets received. A late (reordered) packet still counts as received; a duplicate counts twice, as there.
 */
export class Rx {
  count = 0;
  private base = -1;
  private highest = -1;

  push(seq: number): void {
    this.count++;
    if (this.base < 0) { this.base = seq; this.highest = seq; return; }
    const d = (seq - (this.highest & 0xffff)) & 0xffff;
    if (d !== 0 && d < 0x8000) this.highest += d;
  }

  /** Packets expected so far (0 before the first one). */
  get expected(): number {
    return this.base < 0 ? 0 : this.highest - this.base + 1;
  }
}

export class LoadPeer {
  readonly pc = new RTCPeerConnection({
    // PLI only, no NACK: a retransmission would hide the loss we measure.
    codecs: { audio: [useOPUS()], video: [useVP8({ rtcpFeedback: [usePLI()] })] },
    iceAdditionalHostAddresses: ['127.0.0.1'], iceUseIpv6: false, iceServers: [], bundlePolicy: 'max-bundle',
  });
  readonly audio = new Rx();
  readonly video = new Rx();
  /** performance.now() marks of the join: start (before request_token), first RTP of any kind, first video. */
  startAt = 0;
  firstRtpAt = 0;
  firstVideoAt = 0;
  sentAudio = 0;
  sentVideo = 0;
  /** Keyframe requests (PLI) received from the server. */
  plis = 0;
  private audioSender?: RTCRtpSender;
  private videoSender?: RTCRtpSender;
  private aSeq = 0; private aTs = 0; private vSeq = 0; private vTs = 0; private frames = 0;
  private forceKey = true;
  nextAudioAt = 0;
  nextFrameAt = 0;

  constructor(readonly publish: boolean) {}

  /** The offer, with every candidate in it (the server answers with all of its own: no trickle either way). */
  async offer(): Promise<string> {
    const dir = this.publish ? 'sendrecv' : 'recvonly';
    const a = this.pc.addTransceiver('audio', { direction: dir });
    const v = this.pc.addTransceiver('video', { direction: dir });
    if (this.publish) {
      this.audioSender = a.sender;
      this.videoSender = v.sender;
      v.sender.onPictureLossIndication.subscribe(() => { this.plis++; this.forceKey = true; });
      // werift routes an incoming PLI by its sender SSRC first: on a sendrecv m-line that is the server's outgoing
      // stream, so the PLI lands on our receiver, not our sender. Browsers route by media SSRC; so do we, here.
      v.receiver.onRtcp.subscribe((p: RtcpPacket) => {
        if (p.type === RtcpPayloadSpecificFeedback.type && p.feedback.count === PictureLossIndication.count) { this.plis++; this.forceKey = true; }
      });
    }
    this.pc.onTrack.subscribe((track) => {
      const rx = track.kind === 'audio' ? this.audio : this.video;
      track.onReceiveRtp.subscribe((rtp) => {
        const now = performance.now();
        if (!this.firstRtpAt) this.firstRtpAt = now;
        if (rx === this.video && !this.firstVideoAt) this.firstVideoAt = now;
        rx.push(rtp.header.sequenceNumber);
      });
    });
    await this.pc.setLocalDescription(await this.pc.createOffer());
    await iceGathered(this.pc);
    return this.pc.localDescription!.sdp;
  }

  /** Applies the answer and waits for ICE + DTLS. */
  async accept(sdp: string): Promise<void> {
    await this.pc.setRemoteDescription({ type: 'answer', sdp });
    if (this.pc.connectionState === 'connected') return;
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('ICE/DTLS did not connect in 15 s')), 15_000);
      this.pc.connectionStateChange.subscribe((s) => { if (s === 'connected') { clearTimeout(t); resolve(); } });
    });
  }

  /** Sends what fell due by `now` (audio every 20 ms, a video frame every 33.3 ms), catching up at most 100 ms. */
  sendDue(now: number): void {
    if (!this.audioSender || !this.videoSender) return;
    if (!this.nextAudioAt) { this.nextAudioAt = now; this.nextFrameAt = now; }
    if (now - this.nextAudioAt > 100) this.nextAudioAt = now - 100;
    if (now - this.nextFrameAt > 100) this.nextFrameAt = now - 100;
    for (; this.nextAudioAt <= now; this.nextAudioAt += 20) {
      const payload = OPUS_FRAMES[this.aSeq % OPUS_FRAMES.length];
      this.audioSender.sendRtp(new RtpPacket(new RtpHeader({ sequenceNumber: this.aSeq++ & 0xffff, timestamp: this.aTs }), payload)).catch(() => undefined);
      this.aTs = (this.aTs + FRAME_SAMPLES) >>> 0;
      this.sentAudio++;
    }
    for (; this.nextFrameAt <= now; this.nextFrameAt += 1000 / VIDEO_FPS) {
      const key = this.forceKey || this.frames % KEYFRAME_EVERY === 0;
      this.forceKey = false;
      this.frames++;
      for (let p = 0; p < VIDEO_PACKETS_PER_FRAME; p++) {
        const payload = p > 0 ? CONTINUATION : key ? KEY_START : DELTA_START;
        const header = new RtpHeader({ sequenceNumber: this.vSeq++ & 0xffff, timestamp: this.vTs, marker: p === VIDEO_PACKETS_PER_FRAME - 1 });
        this.videoSender.sendRtp(new RtpPacket(header, payload)).catch(() => undefined);
        this.sentVideo++;
      }
      this.vTs = (this.vTs + 90000 / VIDEO_FPS) >>> 0;
    }
  }

  close(): void {
    void this.pc.close().catch(() => undefined);
  }
}

/** One clock for every publisher of the load generator (one timer, not one per client). */
export class SendClock {
  readonly publishers = new Set<LoadPeer>();
  private readonly timer = setInterval(() => {
    const now = performance.now();
    for (const p of this.publishers) p.sendDue(now);
  }, 5);

  stop(): void {
    clearInterval(this.timer);
  }
}
