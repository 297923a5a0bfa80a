import {
  MediaStreamTrack, RTCPeerConnection, RTCRtpCodecParameters, RtpHeader, RtpPacket, useH264, useNACK, useOPUS, usePLI, useVP8, type RTCRtpTransceiver,
} from 'werift';
import { ack as pxAck, callsWebrtcParticipant, disconnectCall, newCandidate, update as pxUpdate } from '@pexip/infinity-api';
// utils is re-exported without an extension in index.d.ts, which NodeNext type resolution cannot follow.
import { withToken } from '@pexip/infinity-api/dist/utils.js';
import { impairWire, type WireStats } from './wire.js';
import { OpusDecoder, OpusEncoder, FRAME_SAMPLES, SAMPLE_RATE } from '../../src/media/audio/opus.js';
import { iceGathered, resumeRestartedIce } from '../../src/media/peer.js';

/**
 * A Pexip media client in Node for wire tests: it joins through the Client API like any third-party client
 * (POST calls with an SDP offer, ack, trickle candidates) and publishes known media: a sine tone of its own
 * frequency (real Opus) and synthetic VP8 packets whose payload names the sender. The VP8 is not a picture
 * (nothing here decodes video); it is real RTP with real keyframe markers, which is all the SFU looks at.
 */
export interface MediaClientOptions {
  base: string;
  alias: string;
  token: string;
  uuid: string;
  /** Tone in Hz; 0 = publish silence. */
  tone: number;
  /** Tag carried in every video packet, to tell whose video arrives. */
  tag: string;
  present?: 'send' | 'receive';
  audio?: boolean;
  video?: boolean;
  /** Parley's multistream mode: publish video on one m-line and receive this many video slots. */
  slots?: number;
  /** The only video codec offered: synthetic VP8, or synthetic H.264 (NAL type 5 = keyframe); VP9, which Parley does not forward. */
  videoCodec?: 'vp8' | 'h264' | 'vp9';
  /** Fraction of our RTP lost on the wire (first transmissions only: NACK retransmissions get through). */
  loss?: number;
  /** Swap neighbouring RTP packets on the wire. */
  reorder?: boolean;
  /** Offer without candidates, then POST each one to new_candidate (trickle ICE). */
  trickle?: boolean;
  /** Signal through Pexip's @pexip/infinity-api: its response validators run on every reply. */
  infinity?: boolean;
  /** A real VP8 keyframe (e.g. the VP8 chunk of a lossy WebP) sent as every video frame instead of synthetic packets. */
  vp8Picture?: Buffer;
}

export class MediaClient {
  readonly pc: RTCPeerConnection;
  callUuid = '';
  /** The last answer SDP (calls, then update). */
  answer = '';
  /** What the impaired wire did (loss / reorder options). */
  wire: WireStats = { dropped: 0, swapped: 0 };
  /** Decoded received audio, 48 kHz mono, most recent last. */
  readonly heard: Int16Array[] = [];
  /** Tags of received video packets in arrival order, with their RTP headers and the m-line (mid) they came on. */
  readonly seen: Array<{ tag: string; seq: number; ts: number; ssrc: number; at: number; mid: string }> = [];
  keyframeRequests = 0;
  private readonly audioTrack = new MediaStreamTrack({ kind: 'audio' });
  private readonly videoTrack = new MediaStreamTrack({ kind: 'video' });
  private readonly decoder = new OpusDecoder();
  private readonly encoder = new OpusEncoder(48000);
  private timer?: NodeJS.Timeout;
  private aSeq = 0; private aTs = 0; private vSeq = 0; private vTs = 0; private frames = 0;
  private sendingAudio = true;
  private sendingVideo = true;
  private forceKey = true;

  constructor(readonly opts: MediaClientOptions) {
    this.pc = new RTCPeerConnection({
      codecs: { audio: [useOPUS()], video: [videoCodec(opts.videoCodec)] },
      iceAdditionalHostAddresses: ['127.0.0.1'],
      iceUseIpv6: false,
      iceServers: [],
      bundlePolicy: 'max-bundle',
    });
  }

  private url(path: string): string {
    return `${this.opts.base}/api/client/v2/conferences/${encodeURIComponent(this.opts.alias)}/participants/${this.opts.uuid}/${path}`;
  }

  private async post(path: string, body: unknown = {}): Promise<{ status: number; body: any }> {
    if (this.opts.infinity) return this.viaInfinity(path, body as Record<string, any>);
    const r = await fetch(this.url(path), { method: 'POST', headers: { token: this.opts.token, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: r.status, body: await r.json() };
  }

  /** Offers, gets the answer, acks, and waits for the connection. Returns the calls response. */
  async connect(): Promise<{ status: number; body: any }> {
    const { present } = this.opts;
    const audio = this.opts.audio ?? !present;
    const video = this.opts.video ?? true;
    let vt: RTCRtpTransceiver | undefined;
    if (audio) this.pc.addTransceiver(this.audioTrack, { direction: 'sendrecv' });
    const slots = this.opts.slots ?? 0;
    if (video) vt = this.pc.addTransceiver(this.videoTrack, { direction: present === 'receive' ? 'recvonly' : present === 'send' || slots ? 'sendonly' : 'sendrecv' });
    for (let i = 0; i < slots; i++) this.pc.addTransceiver('video', { direction: 'recvonly' });
    vt?.sender.onPictureLossIndication.subscribe(() => { this.keyframeRequests++; this.forceKey = true; });
    this.pc.onTrack.subscribe((track) => {
      const mid = this.pc.getTransceivers().find((x) => x.receiver.tracks.includes(track))?.mid ?? '';
      track.onReceiveRtp.subscribe((rtp) => {
        if (track.kind === 'audio') {
          const pcm = this.decoder.decode(rtp.payload);
          if (pcm) this.heard.push(pcm);
        } else {
          const tag = rtp.payload.subarray(2, 2 + 8).toString('latin1').replace(/\0+$/, '');
          this.seen.push({ tag, seq: rtp.header.sequenceNumber, ts: rtp.header.timestamp, ssrc: rtp.header.ssrc, at: performance.now(), mid });
        }
      });
    });
    await this.pc.setLocalDescription(await this.pc.createOffer());
    await iceGathered(this.pc);
    const res = await this.post('calls', {
      call_type: 'WEBRTC', sdp: this.offerWithoutTrickled(), ...(present ? { present } : {}), ...(slots ? { parley_multistream: true } : {}),
    });
    if (res.status !== 200) return res;
    this.callUuid = res.body.result.call_uuid;
    this.answer = res.body.result.sdp;
    await this.pc.setRemoteDescription({ type: 'answer', sdp: this.answer });
    await this.trickleCandidates();
    await new Promise<void>((resolve, reject) => {
      // Trickling takes requests: the connection may be up before we listen.
      if (this.pc.connectionState === 'connected') return resolve();
      const t = setTimeout(() => reject(new Error('ICE/DTLS did not connect in 20 s')), 20_000);
      this.pc.connectionStateChange.subscribe((s) => { if (s === 'connected') { clearTimeout(t); resolve(); } });
    });
    const ack = await this.post(`calls/${this.callUuid}/ack`);
    if (ack.status !== 200) throw new Error(`ack failed: ${JSON.stringify(ack.body)}`);
    if (this.opts.loss || this.opts.reorder) this.wire = impairWire(this.pc, this.opts);
    this.start();
    return res;
  }

  /** Publishes 20 ms of tone and, every 33 ms on average, a video packet (a keyframe when one was asked for). */
  private start(): void {
    const pcm = new Int16Array(FRAME_SAMPLES);
    let last = performance.now();
    this.timer = setInterval(() => {
      const now = performance.now();
      const n = Math.min(5, Math.max(1, Math.round((now - last) / 20)));
      last = now;
      for (let k = 0; k < n; k++) this.tick(pcm);
    }, 20);
  }

  private tick(pcm: Int16Array): void {
    if (this.sendingAudio && this.opts.audio !== false && !this.opts.present) {
      for (let i = 0; i < FRAME_SAMPLES; i++) pcm[i] = this.opts.tone ? Math.round(6000 * Math.sin((2 * Math.PI * this.opts.tone * (this.aTs + i)) / SAMPLE_RATE)) : 0;
      const payload = this.encoder.encode(pcm);
      this.audioTrack.writeRtp(new RtpPacket(new RtpHeader({ payloadType: 111, sequenceNumber: this.aSeq++ & 0xffff, timestamp: this.aTs, ssrc: 1 }), payload));
      this.aTs = (this.aTs + FRAME_SAMPLES) >>> 0;
    }
    this.frames++;
    if (this.sendingVideo && this.opts.video !== false && this.opts.present !== 'receive' && this.frames % 2 === 0) {
      if (this.opts.vp8Picture) { this.sendPicture(this.opts.vp8Picture); return; }
      const key = this.forceKey || this.frames % 100 === 0;
      this.forceKey = false;
      const payload = Buffer.alloc(2 + 8 + 100);
      payload[0] = 0x10; // S=1, PID=0
      payload[1] = key ? 0x00 : 0x01; // VP8 frame tag: P bit clear on a keyframe
      if (this.opts.videoCodec === 'h264') { payload[0] = key ? 0x65 : 0x41; payload[1] = 0x88; } // NAL type 5 (IDR) or 1
      payload.write(this.opts.tag.padEnd(8, '\0').slice(0, 8), 2, 'latin1');
      this.videoTrack.writeRtp(new RtpPacket(new RtpHeader({ payloadType: 96, sequenceNumber: this.vSeq++ & 0xffff, timestamp: this.vTs, ssrc: 2, marker: true }), payload));
      this.vTs = (this.vTs + 3000) >>> 0;
    }
  }

  /** One VP8 frame over as many packets as it needs (RFC 7741 descriptor: S=1 on the first, marker on the last). */
  private sendPicture(frame: Buffer): void {
    const MTU = 1000;
    for (let at = 0; at < frame.length; at += MTU) {
      const last = at + MTU >= frame.length;
      const payload = Buffer.concat([Buffer.from([at === 0 ? 0x10 : 0x00]), frame.subarray(at, at + MTU)]);
      this.videoTrack.writeRtp(new RtpPacket(new RtpHeader({ payloadType: 96, sequenceNumber: this.vSeq++ & 0xffff, timestamp: this.vTs, ssrc: 2, marker: last }), payload));
    }
    this.vTs = (this.vTs + 3000) >>> 0;
  }

  /** Stops publishing (a participant who goes quiet; or, with `vanish`, a client that disappears without BYE). */
  pause(): void {
    this.sendingAudio = false;
    this.sendingVideo = false;
  }

  resume(): void {
    this.sendingAudio = true;
    this.sendingVideo = true;
  }

  /** Power of `freq` in the last `ms` of received audio, relative to the signal (Goertzel), 0..1. */
  toneShare(freq: number, ms = 400): number {
    const frames = this.heard.slice(-Math.round(ms / 20));
    let power = 0;
    let total = 0;
    for (const f of frames) {
      const w = (2 * Math.PI * freq) / SAMPLE_RATE;
      const c = 2 * Math.cos(w);
      let s1 = 0; let s2 = 0; let e = 0;
      for (let i = 0; i < f.length; i++) { const s0 = f[i] + c * s1 - s2; s2 = s1; s1 = s0; e += f[i] * f[i]; }
      power += (s1 * s1 + s2 * s2 - c * s1 * s2) / (f.length / 2);
      total += e;
    }
    return total === 0 ? 0 : power / total;
  }

  /** Amplitude (0..32767) of `freq` in the last `ms` of received audio: ~6000 for a tone heard alone, ~0 when absent. */
  toneAmplitude(freq: number, ms = 400): number {
    const frames = this.heard.slice(-Math.round(ms / 20));
    if (frames.length === 0) return 0;
    let sum = 0;
    for (const f of frames) {
      const c = 2 * Math.cos((2 * Math.PI * freq) / SAMPLE_RATE);
      let s1 = 0; let s2 = 0;
      for (let i = 0; i < f.length; i++) { const s0 = f[i] + c * s1 - s2; s2 = s1; s1 = s0; }
      sum += (2 * Math.sqrt(Math.max(0, s1 * s1 + s2 * s2 - c * s1 * s2))) / f.length;
    }
    return sum / frames.length;
  }

  /** Tag of the video that arrived most recently. */
  lastSeen(): string | undefined {
    return this.seen.at(-1)?.tag;
  }

  /** The offer as sent: without its candidates when they are to be trickled. */
  private offerWithoutTrickled(): string {
    const sdp = this.pc.localDescription!.sdp;
    return this.opts.trickle ? withoutCandidates(sdp) : sdp;
  }

  /** Trickle ICE: each candidate of our offer on its own new_candidate request, after the calls request. */
  private async trickleCandidates(): Promise<void> {
    if (!this.opts.trickle) return;
    const mid = this.pc.getTransceivers()[0]?.mid ?? '0';
    for (const m of this.pc.localDescription!.sdp.matchAll(/^a=(candidate:.*?)\r?$/gm)) {
      const r = await this.post(`calls/${this.callUuid}/new_candidate`, { candidate: m[1], mid });
      if (r.status !== 200) throw new Error(`new_candidate failed: ${JSON.stringify(r.body)}`);
    }
  }

  /** The same requests through Pexip's own client package (a reply its validators reject throws). */
  private async viaInfinity(path: string, body: Record<string, any>): Promise<{ status: number; body: any }> {
    const req = { host: this.opts.base, fetcher: withToken(fetch, this.opts.token), params: { conferenceAlias: this.opts.alias, participantUuid: this.opts.uuid, callUuid: this.callUuid } };
    const fn = path.split('/').at(-1);
    const r = fn === 'calls' ? await callsWebrtcParticipant({ ...req, body: body as any })
      : fn === 'ack' ? await pxAck({ ...req, body })
        : fn === 'new_candidate' ? await newCandidate({ ...req, body: body as any })
          : fn === 'update' ? await pxUpdate({ ...req, body })
            : fn === 'disconnect' ? await disconnectCall(req)
              : undefined;
    if (!r) throw new Error(`no @pexip/infinity-api function for ${path}`);
    return { status: r.status, body: r.data };
  }

  /**
   * Renegotiation with Pexip `update`: `video` adds a video m-line to an audio-only call, `iceRestart` asks for
   * new ICE credentials. The answer (an SDP string, or {call_uuid, sdp}) is applied. `noCandidates` sends the
   * offer without candidates, as Chromium's restart offer can be (its gathering state still reads complete right
   * after the new offer), so the server learns our address from our checks only.
   */
  async renegotiate(what: { video?: boolean; iceRestart?: boolean; noCandidates?: boolean }): Promise<{ status: number; body: any }> {
    if (what.video) {
      const vt = this.pc.addTransceiver(this.videoTrack, { direction: 'sendrecv' });
      vt.sender.onPictureLossIndication.subscribe(() => { this.keyframeRequests++; this.forceKey = true; });
      this.opts.video = true;
    }
    if (what.iceRestart) this.pc.restartIce();
    await this.pc.setLocalDescription(await this.pc.createOffer());
    await iceGathered(this.pc);
    const sdp = this.pc.localDescription!.sdp;
    const res = await this.post(`calls/${this.callUuid}/update`, { sdp: what.noCandidates ? withoutCandidates(sdp) : sdp });
    if (res.status !== 200) return res;
    this.answer = typeof res.body.result === 'string' ? res.body.result : res.body.result.sdp;
    await this.pc.setRemoteDescription({ type: 'answer', sdp: this.answer });
    // werift (this client) has the same half-done restart as the server side.
    resumeRestartedIce(this.pc);
    return res;
  }

  /** NACKs the server sent for our video, and the packets we retransmitted for them (werift sender counters). */
  nackStats(): { nacks: number; retransmitted: number } {
    const s = this.pc.getTransceivers().find((t) => t.kind === 'video')?.sender as unknown as { nackCount?: number; retransmittedPacketsSent?: number } | undefined;
    return { nacks: s?.nackCount ?? 0, retransmitted: s?.retransmittedPacketsSent ?? 0 };
  }

  async hangUp(): Promise<{ status: number; body: any }> {
    this.stop();
    return this.post(`calls/${this.callUuid}/disconnect`);
  }

  /** Stops everything locally without telling the server (a vanished client). */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    void this.pc.close();
  }

  close(): void {
    this.stop();
    this.decoder.close();
    this.encoder.close();
  }
}

function videoCodec(which: MediaClientOptions['videoCodec']): RTCRtpCodecParameters {
  const rtcpFeedback = [useNACK(), usePLI()];
  if (which === 'vp9') return new RTCRtpCodecParameters({ mimeType: 'video/VP9', clockRate: 90000, rtcpFeedback });
  return (which === 'h264' ? useH264 : useVP8)({ rtcpFeedback });
}

const withoutCandidates = (sdp: string): string => sdp.replace(/^a=(candidate:|end-of-candidates).*\r?\n/gm, '');


/** A real offer from a werift peer with only these codecs (audio and/or video m-lines), its candidates included. */
export async function offerWith(audio: RTCRtpCodecParameters[], video: RTCRtpCodecParameters[]): Promise<string> {
  const pc = new RTCPeerConnection({ codecs: { audio, video }, iceServers: [], bundlePolicy: 'max-bundle', iceUseIpv6: false, iceAdditionalHostAddresses: ['127.0.0.1'] });
  try {
    if (audio.length) pc.addTransceiver('audio', { direction: 'sendrecv' });
    if (video.length) pc.addTransceiver('video', { direction: 'sendrecv' });
    await pc.setLocalDescription(await pc.createOffer());
    await iceGathered(pc);
    return pc.localDescription!.sdp;
  } finally {
    await pc.close();
  }
}
