import type { PexipApi } from './api.js';

/** Receiving video m-lines asked for in multistream mode: the most tiles this client shows at once. */
export const SLOTS = 6;

/** Waits until ICE gathering is done: the server takes no trickled candidates in the offer's absence. */
function gathered(pc: RTCPeerConnection, ms = 3000): Promise<void> {
  return new Promise((resolve) => {
    if (pc.iceGatheringState === 'complete') return resolve();
    const t = setTimeout(resolve, ms); // host candidates come in milliseconds; never hang on a slow srflx
    pc.addEventListener('icegatheringstatechange', () => {
      if (pc.iceGatheringState === 'complete') { clearTimeout(t); resolve(); }
    });
  });
}

/**
 * One WebRTC call on the Pexip API: offer with all candidates, `calls`, answer, `ack`. The main call uses
 * Parley's multistream extension (camera on a sendonly m-line, SLOTS recvonly m-lines, audio one mixed stream);
 * presentation calls are one video m-line (`present: send|receive`). On ICE failure it restarts ICE with
 * `update` (a new offer with fresh credentials; the answer has the server's candidates again).
 */
export class Call {
  readonly pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle' });
  callUuid = '';
  /** Milliseconds from the offer to gathering done, the answer, and the ack (join-time breakdown in stats()). */
  readonly marks: Record<string, number> = {};
  /** Remote tracks by m-line id (mid): the mixed audio, and one video per slot. */
  readonly remote = new Map<string, MediaStreamTrack>();
  onTrack: (mid: string, track: MediaStreamTrack) => void = () => undefined;
  onState: (state: RTCPeerConnectionState) => void = () => undefined;
  private audio?: RTCRtpTransceiver;
  private video?: RTCRtpTransceiver;
  private restarting = false;
  private closed = false;
  private disconnectedTimer?: ReturnType<typeof setTimeout>;

  constructor(private readonly api: PexipApi, readonly kind: 'main' | 'present-send' | 'present-receive') {
    this.pc.addEventListener('track', (ev) => {
      const mid = ev.transceiver.mid ?? '';
      this.remote.set(mid, ev.track);
      this.onTrack(mid, ev.track);
    });
    this.pc.addEventListener('connectionstatechange', () => this.onState(this.pc.connectionState));
    this.pc.addEventListener('iceconnectionstatechange', () => this.watchIce());
  }

  /** Main call: microphone and camera (either may be missing), SLOTS video slots to receive. */
  async startMain(mic: MediaStreamTrack | null, cam: MediaStreamTrack | null): Promise<void> {
    this.audio = this.pc.addTransceiver(mic ?? 'audio', { direction: 'sendrecv' });
    this.video = this.pc.addTransceiver(cam ?? 'video', { direction: 'sendonly' });
    for (let i = 0; i < SLOTS; i++) this.pc.addTransceiver('video', { direction: 'recvonly' });
    await this.negotiate({ call_type: 'WEBRTC', parley_multistream: true });
  }

  /** Screen share: one sendonly video m-line. */
  async startPresenting(screen: MediaStreamTrack): Promise<void> {
    this.video = this.pc.addTransceiver(screen, { direction: 'sendonly' });
    await this.negotiate({ call_type: 'WEBRTC', present: 'send' });
  }

  /** Someone else's presentation: one recvonly video m-line. */
  async startReceivingPresentation(): Promise<void> {
    this.pc.addTransceiver('video', { direction: 'recvonly' });
    await this.negotiate({ call_type: 'WEBRTC', present: 'receive' });
  }

  /** The mid of the camera m-line: slots are the other video mids. */
  get cameraMid(): string | null { return this.video?.mid ?? null; }

  replaceMic(track: MediaStreamTrack | null): Promise<void> { return this.audio?.sender.replaceTrack(track) ?? Promise.resolve(); }
  replaceCamera(track: MediaStreamTrack | null): Promise<void> { return this.video?.sender.replaceTrack(track) ?? Promise.resolve(); }

  private async negotiate(body: Record<string, unknown>): Promise<void> {
    const t0 = performance.now();
    await this.pc.setLocalDescription(await this.pc.createOffer());
    await gathered(this.pc);
    this.marks.gathered = performance.now() - t0;
    const r = await this.api.participant('calls', undefined, { ...body, sdp: this.pc.localDescription!.sdp });
    this.marks.answered = performance.now() - t0;
    this.callUuid = r.call_uuid;
    await this.pc.setRemoteDescription({ type: 'answer', sdp: r.sdp });
    await this.api.call(this.callUuid, 'ack');
    this.marks.acked = performance.now() - t0;
  }

  /** "failed" restarts at once; "disconnected" (often a blip that heals itself) after 3 s. */
  private watchIce(): void {
    const s = this.pc.iceConnectionState;
    clearTimeout(this.disconnectedTimer);
    if (s === 'failed') void this.restartIce();
    else if (s === 'disconnected') this.disconnectedTimer = setTimeout(() => void this.restartIce(), 3000);
  }

  async restartIce(): Promise<void> {
    if (this.restarting || this.closed || !this.callUuid) return;
    this.restarting = true;
    try {
      await this.pc.setLocalDescription(await this.pc.createOffer({ iceRestart: true }));
      await gathered(this.pc);
      const r = await this.api.call(this.callUuid, 'update', { sdp: this.pc.localDescription!.sdp });
      // Pexip answers update with the SDP string; accept {sdp} too.
      await this.pc.setRemoteDescription({ type: 'answer', sdp: typeof r === 'string' ? r : r.sdp });
    } catch (e) {
      console.warn('ICE restart failed, retrying', e);
      // The server may be unreachable for a while yet: try again while the call is still ours.
      if (!this.closed) setTimeout(() => { this.restarting = false; void this.restartIce(); }, 2000);
      return;
    }
    this.restarting = false;
  }

  /** Hangs up (`disconnect` on the call, unless the server already ended it) and closes the connection. */
  close(tellServer = true): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.disconnectedTimer);
    if (tellServer && this.callUuid) void this.api.call(this.callUuid, 'disconnect').catch(() => undefined);
    this.pc.close();
  }
}
