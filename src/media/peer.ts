import { RTCPeerConnection, type MediaStreamTrack, type RtpPacket, type RTCRtpSender, type RTCRtpTransceiver } from 'werift';
import { codecs, headerExtensions } from './codecs.js';
import { acceptableOffer, oneVideoCodec, restoreRejected, takeUnusableVideo } from './sdp.js';
import { isMisroutedPli, sendPli } from './rtp/pli.js';
import { sendRtp } from './rtp/sender.js';
import type { CallKind, CallMedia, RtcSettings } from './protocol.js';

/** Resolves when a werift peer has gathered all its candidates (answers and offers then carry them all). */
export function iceGathered(pc: RTCPeerConnection): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const { unSubscribe } = pc.iceGatheringStateChange.subscribe((s) => {
      if (s === 'complete') { unSubscribe(); resolve(); }
    });
  });
}

/**
 * Finishes an ICE restart that werift 0.24.4 leaves half done. A description with new ICE credentials restarts
 * the ICE agent (credentials, candidates, checklist and nominated pair cleared), but werift's connect() skips a
 * transport whose DTLS is already connected, so the restarted agent never runs: it answers the far end's checks
 * (which then reports itself connected) but, with no remote candidates to pair them with (Chromium's restart offer
 * can carry none), files them as early checks that only the agent's run processes. No pair is nominated, and
 * without one nothing is sent (packets from the far end still get in). Start the agent here; DTLS and its SRTP
 * keys carry on over the new pair. Call after applying the description that completes the restart (our answer;
 * on the offering side, the remote answer).
 */
export function resumeRestartedIce(pc: RTCPeerConnection): void {
  for (const dtls of pc.dtlsTransports) {
    const ice = dtls.iceTransport;
    // After the restart's gathering the transport reads 'completed' (werift copies the gatherer's state), so what
    // tells a restarted agent is a connected DTLS without a nominated pair; 'checking' means it already runs.
    if (dtls.state !== 'connected' || ice.connection.nominated || ice.state === 'checking' || !ice.getRemoteParameters()) continue;
    // A failure sets the transport 'failed', which surfaces as connectionState 'failed' (the call's owner ends it).
    ice.start().catch(() => undefined);
  }
}

/**
 * werift's ICE agent falls back to Google's STUN server when no STUN server is configured (`iceServers: []` does
 * not stop it), so every call would ask a third party for the server's public address, and wait for it where
 * that host resolves but is firewalled. A self-hosted server knows its addresses (PARLEY_RTC_ADDRESS for NAT):
 * the agents gather host candidates only. Called after the remote description, which creates the agents, and
 * before gathering.
 */
function noPublicStun(pc: RTCPeerConnection): void {
  for (const dtls of pc.dtlsTransports) dtls.iceTransport.connection.stunServer = undefined;
}

/** An incoming track of a call with the codec it arrived in. */
export interface Inbound {
  track: MediaStreamTrack;
  mimeType: string;
  /** Asks the publisher for a keyframe (PLI), at most every 300 ms. */
  requestKeyframe(): void;
}

/** An outgoing m-line of a call and the codec negotiated for it. */
export interface Outbound {
  sender: RTCRtpSender;
  mimeType: string;
  mid: string;
}

/**
 * One WebRTC call: a werift peer connection that answers the client's offer. It knows nothing of rooms:
 * it hands incoming tracks to whoever listens and sends what it is given.
 */
export class Peer {
  readonly pc: RTCPeerConnection;
  audioIn?: Inbound;
  videoIn?: Inbound;
  audioOut?: Outbound;
  /** The first outgoing video m-line (the main video of a Pexip call). */
  videoOut?: Outbound;
  /** Every outgoing video m-line in SDP order (multistream: one per slot). */
  videoOuts: Outbound[] = [];
  /** performance.now() of the last packet (RTP or RTCP) from the client: the silence watchdog reads it. */
  lastHeard = performance.now();
  onInbound: (kind: 'audio' | 'video', inbound: Inbound) => void = () => undefined;
  onRtp: (kind: 'audio' | 'video', rtp: RtpPacket) => void = () => undefined;
  /** A subscriber lost a picture (PLI/FIR from the client) on one of our outgoing videos. */
  onKeyframeWanted: (out: Outbound) => void = () => undefined;
  private pliAt = 0;

  /** `media` changes on renegotiation (Pexip `update` may add video to an audio call). */
  constructor(private readonly rtc: RtcSettings, readonly kind: CallKind, public media: CallMedia) {
    this.pc = new RTCPeerConnection({
      codecs: codecs(),
      headerExtensions: headerExtensions(),
      iceAdditionalHostAddresses: rtc.hostAddresses,
      iceUseIpv6: false,
      // No STUN or TURN: a server knows its addresses (PARLEY_RTC_ADDRESS for NAT); see noPublicStun.
      iceServers: [],
      // One transport for all m-lines: werift's max-compat gathers one per m-line and leaks the unused ones.
      bundlePolicy: 'max-bundle',
      ...(rtc.portRange[0] > 0 ? { icePortRange: rtc.portRange } : {}),
    });
    this.pc.onTrack.subscribe((track) => this.attachInbound(track));
  }

  /** Applies the client's offer and returns our answer with every candidate (no trickle from our side). */
  async answer(offer: string): Promise<string> {
    const { sdp, rejected } = takeUnusableVideo(oneVideoCodec(acceptableOffer(offer)));
    await this.pc.setRemoteDescription({ type: 'offer', sdp });
    noPublicStun(this.pc);
    for (const t of this.pc.getTransceivers()) t.setDirection(this.directionFor(t));
    await this.pc.setLocalDescription(await this.pc.createAnswer());
    resumeRestartedIce(this.pc);
    await iceGathered(this.pc);
    this.bindSenders();
    return restoreRejected(this.announce(this.pc.localDescription!.sdp), rejected);
  }

  async addCandidate(candidate: string, mid: string | null): Promise<void> {
    const line = candidate.startsWith('a=') ? candidate.slice(2) : candidate;
    if (!line) return; // end-of-candidates
    await this.pc.addIceCandidate({ candidate: line, sdpMid: mid ?? undefined });
  }

  /**
   * Sends one packet on an outgoing m-line. A fresh header each time: werift stamps its own SSRC and payload
   * type into it, and one incoming packet feeds many calls.
   */
  send(out: Outbound, marker: boolean, seq: number, ts: number, payload: Buffer): void {
    sendRtp(out.sender, marker, seq, ts, payload);
  }

  async close(): Promise<void> {
    await this.pc.close().catch(() => undefined);
  }

  /** What we do on an m-line: send what the call type allows, receive what the client publishes. */
  private directionFor(t: RTCRtpTransceiver): 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive' {
    const wanted = t.kind === 'audio' ? this.media.audio : this.media.video;
    // werift keeps the offer's direction as seen from our side: 'recvonly' when the client only sends.
    const allowed = t.offerDirection;
    const canSend = allowed === 'sendrecv' || allowed === 'sendonly';
    const canRecv = allowed === 'sendrecv' || allowed === 'recvonly';
    if (!wanted) return 'inactive';
    if (this.kind === 'present-send') return canRecv ? 'recvonly' : 'inactive';
    if (this.kind === 'present-receive') return t.kind === 'video' && canSend ? 'sendonly' : 'inactive';
    return allowed;
  }

  private bindSenders(): void {
    for (const t of this.pc.getTransceivers()) {
      const d = t.currentDirection ?? t.direction;
      if (d !== 'sendrecv' && d !== 'sendonly') continue;
      const codec = t.sender.codec;
      if (!codec) continue;
      if (t.kind === 'audio' && this.audioOut?.sender === t.sender) continue;
      if (this.videoOuts.some((o) => o.sender === t.sender)) continue;
      const out: Outbound = { sender: t.sender, mimeType: codec.mimeType.toLowerCase(), mid: t.mid ?? '' };
      if (t.kind === 'audio' && !this.audioOut) this.audioOut = out;
      if (t.kind === 'video') {
        this.videoOut ??= out;
        this.videoOuts.push(out);
        t.sender.onPictureLossIndication.subscribe(() => this.onKeyframeWanted(out));
        t.receiver.onRtcp.subscribe((p) => { if (isMisroutedPli(p, t.sender.ssrc)) this.onKeyframeWanted(out); });
      }
      t.sender.onRtcp.subscribe(() => { this.lastHeard = performance.now(); });
    }
  }

  private attachInbound(track: MediaStreamTrack): void {
    const kind = track.kind === 'audio' ? 'audio' : 'video';
    const t = this.pc.getTransceivers().find((x) => x.receiver.tracks.includes(track));
    const mimeType = (track.codec?.mimeType ?? t?.codecs[0]?.mimeType ?? '').toLowerCase();
    const inbound: Inbound = {
      track,
      mimeType,
      requestKeyframe: () => {
        const now = performance.now();
        if (now - this.pliAt < 300 || !t || track.ssrc === undefined) return;
        this.pliAt = now;
        sendPli(t.receiver, track.ssrc).catch(() => undefined);
      },
    };
    if (kind === 'audio') this.audioIn = inbound; else this.videoIn = inbound;
    track.onReceiveRtp.subscribe((rtp) => {
      this.lastHeard = performance.now();
      this.onRtp(kind, rtp);
    });
    this.onInbound(kind, inbound);
  }

  /** 1:1 NAT: every host candidate announces the public address instead of the local one (same port). */
  private announce(sdp: string): string {
    const pub = this.rtc.announcedAddress;
    if (!pub) return sdp;
    return sdp.replace(/^(a=candidate:\S+ \d+ udp \d+ )(\S+)( \d+ typ host)/gim, `$1${pub}$3`);
  }
}
