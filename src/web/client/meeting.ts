import { ApiError, type PexipApi } from './api.js';
import { Events } from './events.js';
import { Call } from './call.js';
import { StatsSampler, qualityOf, type CallStats } from './stats.js';
import { h, toast } from './ui/dom.js';
import { ChatView } from './ui/chat.js';
import { PeopleView, personOf, type Person } from './ui/people.js';
import { RoomView } from './ui/room.js';

/**
 * A joined meeting: the event stream drives the state (people, speakers, slots, presentation, chat), the main
 * call carries our camera and microphone and the others' video slots and mixed audio, and the controls map
 * onto Pexip participant and conference functions. Server-side state is the truth: a host muting us shows up
 * as a participant_update of ourselves, and the UI follows it.
 */
export class Meeting {
  readonly people = new Map<string, Person>();
  private speaking = new Set<string>();
  private readonly slots = new Map<string, string | null>();
  private readonly pendingSlots = new Map<string, Array<{ mid: string; participant_uuid: string | null }>>();
  private conf = { locked: false, guestsMuted: false };
  private readonly events: Events;
  main?: Call;
  private share?: { call: Call; track: MediaStreamTrack };
  private presentation?: Call;
  private readonly chat: ChatView;
  private readonly list = new PeopleView();
  private readonly room: RoomView;
  private sampler?: StatsSampler;
  private statsTimer?: ReturnType<typeof setInterval>;
  private mediaStarted = false;
  private ended = false;
  remoteAudio: MediaStream | null = null;
  /** How often the main call was replaced after a media stall (watchMedia). */
  rebuilds = 0;
  private lastVideoPackets = 0;
  private stalledSince?: number;
  lastStats?: CallStats;

  constructor(private readonly api: PexipApi, private readonly stream: MediaStream, private readonly root: HTMLElement,
    readonly timing: Record<string, number>) {
    const s = api.session!;
    this.chat = new ChatView((text) => api.conference('message', { type: 'text/plain', payload: text }));
    this.room = new RoomView(s.conferenceName || api.alias, stream, this.list.root, this.chat.root, {
      mute: () => void this.act(this.setMuted(!this.me?.muted)),
      camera: () => void this.act(this.setCameraOff(!this.cameraOff)),
      share: () => void this.act(this.share ? this.stopShare() : this.startShare()),
      hand: () => void this.act(this.api.participant(this.me?.hand ? 'clearbuzz' : 'buzz')),
      leave: () => this.leave('You left the meeting.'),
    });
    this.chat.onUnread = () => this.room.markUnread();
    this.events = new Events(api);
    this.wireEvents();
    api.onLost = (why) => this.leave(why, false);
  }

  get me(): Person | undefined { return this.people.get(this.api.session?.participantUuid ?? ''); }
  get isHost(): boolean { return this.me ? this.me.host : this.api.session?.role === 'HOST'; }
  private get cameraOff(): boolean { return this.me?.videoMuted ?? false; }

  /** Shows the room and opens the event stream; media starts now, or once a host admits us from the waiting room. */
  start(): void {
    this.root.replaceChildren(this.room.root);
    this.render();
    this.events.open();
    if (this.api.session?.waiting) toast('Waiting for a host to let you in…', 600_000);
    else void this.startMedia();
    addEventListener('pagehide', () => this.api.release());
  }

  private async startMedia(): Promise<void> {
    if (this.mediaStarted || this.ended) return;
    this.mediaStarted = true;
    document.querySelectorAll('.toast').forEach((t) => t.remove());
    const call = new Call(this.api, 'main');
    this.main = call;
    call.onTrack = (mid, track) => {
      if (track.kind === 'audio') return this.playAudio(track);
      if (mid === call.cameraMid) return;
      this.room.addSlot(mid, track);
      // parley_slots may have named this slot's participant before its track existed.
      const uuid = this.slots.get(mid) ?? null;
      this.room.assignSlot(mid, uuid, uuid ? this.people.get(uuid)?.name ?? '' : '');
      this.renderTiles();
    };
    call.onState = (st) => { if (st === 'connected') this.timing.connectedAt ??= performance.now(); };
    try {
      await call.startMain(this.stream.getAudioTracks()[0] ?? null, this.stream.getVideoTracks()[0] ?? null);
    } catch (e) {
      toast(`Could not start media: ${(e as Error).message}`);
      return;
    }
    this.timing.callAt = performance.now();
    const early = this.pendingSlots.get(call.callUuid);
    if (early) this.applySlots(early);
    this.sampler = new StatsSampler(call.pc);
    this.statsTimer = setInterval(() => void this.sampleStats(), 2000);
  }

  /**
   * Last resort: the call (Call.restartIce) first restarts ICE through `update`, which resumes media on the same
   * call. Only if that does not bring media back, i.e. a slot shows someone but no video packet arrived for 6 s,
   * or the connection stayed failed for 6 s, is the main call replaced by a new one.
   */
  private watchMedia(s: CallStats): void {
    const showing = [...this.slots.values()].some((u) => u !== null);
    const progressed = s.videoPacketsReceived > this.lastVideoPackets;
    this.lastVideoPackets = s.videoPacketsReceived;
    // A failed connection counts as a stall: the ICE restart gets the same 6 s to repair it.
    if (s.state !== 'failed' && (progressed || !showing)) this.stalledSince = undefined;
    else this.stalledSince ??= performance.now();
    const stalled = this.stalledSince !== undefined && performance.now() - this.stalledSince > 6000;
    if (stalled) void this.rebuildMain();
  }

  private async rebuildMain(): Promise<void> {
    if (!this.main || this.ended) return;
    this.stalledSince = undefined;
    this.lastVideoPackets = 0;
    this.rebuilds++;
    clearInterval(this.statsTimer);
    this.main.close();
    this.main = undefined;
    this.slots.clear();
    this.room.clearSlots();
    document.querySelectorAll('audio[data-testid=remote-audio]').forEach((a) => a.remove());
    this.mediaStarted = false;
    await this.startMedia();
  }

  /** The mixed audio: Chrome only pulls remote audio that plays into a sink. */
  private playAudio(track: MediaStreamTrack): void {
    this.remoteAudio = new MediaStream([track]);
    const el = h('audio', { autoplay: true, testid: 'remote-audio' });
    el.srcObject = this.remoteAudio;
    document.body.append(el);
    void el.play().catch(() => toast('Click anywhere to hear the meeting'));
    document.addEventListener('click', () => void el.play().catch(() => undefined), { once: true });
  }

  private async sampleStats(): Promise<void> {
    if (!this.sampler) return;
    const s = await this.sampler.sample();
    this.watchMedia(s);
    this.lastStats = s;
    this.room.setQuality(qualityOf(s), `loss ${(s.loss * 100).toFixed(1)} %, RTT ${s.rttMs === null ? '?' : Math.round(s.rttMs)} ms`);
  }

  private wireEvents(): void {
    const me = () => this.api.session?.participantUuid;
    this.events
      .on('participant_sync_begin', () => this.people.clear())
      .on('participant_sync_end', () => this.render())
      .on('participant_create', (p) => { this.people.set(p.uuid, personOf(p)); this.render(); })
      .on('participant_update', (p) => {
        const before = this.people.get(p.uuid);
        this.people.set(p.uuid, personOf(p));
        if (p.uuid === me()) this.selfChanged(before);
        this.render();
      })
      .on('participant_delete', (p) => { this.people.delete(p.uuid); this.render(); })
      .on('conference_update', (c) => { this.conf = { locked: !!c?.locked, guestsMuted: !!c?.guests_muted }; this.render(); })
      .on('message_received', (m) => this.chat.add(m.origin, m.payload))
      .on('stage', (stage: Array<{ participant_uuid: string; vad: number }>) => {
        this.speaking = new Set(stage.filter((x) => x.vad >= 100).map((x) => x.participant_uuid));
        this.room.setSelfSpeaking(this.speaking.has(me() ?? ''));
        this.renderTiles();
      })
      .on('parley_slots', (d) => {
        if (this.main?.callUuid === d.call_uuid) this.applySlots(d.slots);
        else this.pendingSlots.set(d.call_uuid, d.slots); // arrived before our calls request returned
      })
      .on('presentation_start', (d) => void this.receivePresentation(d.presenter_uuid, d.presenter_name))
      .on('presentation_stop', () => this.stopReceivingPresentation())
      .on('call_disconnected', (d) => {
        const sh = this.share;
        if (sh && sh.call.callUuid === d.call_uuid) { sh.track.stop(); sh.call.close(false); this.share = undefined; this.renderButtons(); toast('Someone else is presenting now'); }
      })
      .on('disconnect', (d) => this.leave(d?.reason ? `Disconnected: ${d.reason}` : 'You were disconnected.', false));
  }

  /** Our own participant changed on the server (a host muted us, we were admitted, …): follow it. */
  private selfChanged(before: Person | undefined): void {
    const now = this.me!;
    for (const t of this.stream.getAudioTracks()) t.enabled = !now.muted;
    for (const t of this.stream.getVideoTracks()) t.enabled = !now.videoMuted;
    if (before && !before.muted && now.muted) toast('You are muted');
    if (!now.waiting && this.api.session?.waiting) { this.api.session.waiting = false; void this.startMedia(); }
  }

  private applySlots(slots: Array<{ mid: string; participant_uuid: string | null }>): void {
    for (const s of slots) {
      this.slots.set(s.mid, s.participant_uuid);
      this.room.assignSlot(s.mid, s.participant_uuid, s.participant_uuid ? this.people.get(s.participant_uuid)?.name ?? '' : '');
    }
    this.renderTiles();
  }

  private async receivePresentation(presenter: string, name: string): Promise<void> {
    if (!this.mediaStarted || presenter === this.api.session?.participantUuid) return;
    this.stopReceivingPresentation();
    const call = new Call(this.api, 'present-receive');
    this.presentation = call;
    call.onTrack = (_mid, track) => this.room.setPresentation(track, name);
    await call.startReceivingPresentation().catch(() => toast('Could not show the presentation'));
  }

  private stopReceivingPresentation(): void {
    this.presentation?.close();
    this.presentation = undefined;
    this.room.setPresentation(null, '');
  }

  private async startShare(): Promise<void> {
    const media = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
    const track = media.getVideoTracks()[0];
    const call = new Call(this.api, 'present-send');
    this.share = { call, track };
    track.addEventListener('ended', () => void this.stopShare()); // the browser's own "Stop sharing"
    this.stopReceivingPresentation();
    this.renderButtons();
    await call.startPresenting(track).catch((e) => { void this.stopShare(); throw e; });
  }

  private async stopShare(): Promise<void> {
    const s = this.share;
    this.share = undefined;
    s?.track.stop();
    s?.call.close();
    this.renderButtons();
  }

  private async setMuted(on: boolean): Promise<void> {
    for (const t of this.stream.getAudioTracks()) t.enabled = !on;
    await this.api.participant(on ? 'mute' : 'unmute');
  }

  private async setCameraOff(off: boolean): Promise<void> {
    for (const t of this.stream.getVideoTracks()) t.enabled = !off;
    await this.api.participant(off ? 'video_muted' : 'video_unmuted');
  }

  /** Runs a control and tells the user when the server said no (e.g. guests may not unmute). */
  private async act(p: Promise<unknown>): Promise<void> {
    try { await p; } catch (e) { toast(e instanceof ApiError && e.status === 403 ? `Not allowed: ${e.message}` : (e as Error).message); }
  }

  private render(): void {
    const me = this.api.session?.participantUuid ?? '';
    const host = this.isHost;
    this.list.render([...this.people.values()], me, host, this.conf, {
      mute: (uuid, on) => void this.act(this.api.participant(on ? 'mute' : 'unmute', uuid)),
      remove: (uuid) => void this.act(this.api.participant('disconnect', uuid)),
      admit: (uuid) => void this.act(this.api.participant('unlock', uuid)),
      muteGuests: (on) => void this.act(this.api.conference(on ? 'muteguests' : 'unmuteguests')),
      lock: (on) => void this.act(this.api.conference(on ? 'lock' : 'unlock')),
    });
    this.renderTiles();
    this.renderButtons();
  }

  private renderTiles(): void {
    this.room.refreshTiles((uuid) => this.people.get(uuid)?.name ?? '', this.speaking);
  }

  private renderButtons(): void {
    this.room.setButtons({ muted: this.me?.muted ?? false, cameraOff: this.cameraOff, sharing: !!this.share, hand: this.me?.hand ?? false });
  }

  /** Leaves (release_token unless the server already ended us) and shows where to go next. */
  leave(message: string, release = true): void {
    if (this.ended) return;
    this.ended = true;
    clearInterval(this.statsTimer);
    this.events.close();
    if (release) this.api.release();
    void this.stopShare();
    this.presentation?.close(false);
    this.main?.close(false);
    for (const t of this.stream.getTracks()) t.stop();
    document.querySelectorAll('audio').forEach((a) => a.remove());
    this.root.replaceChildren(h('div', { class: 'notice', testid: 'left' }, h('h1', {}, message),
      h('p', {}, h('a', { href: location.pathname, testid: 'rejoin-link' }, 'Join again'))));
  }

  /** For tests and troubleshooting (window.parley): decoding per slot and who the slots show. */
  async stats(): Promise<Record<string, unknown>> {
    const s = this.main ? await new StatsSampler(this.main.pc).sample() : null;
    return {
      ...s, marks: this.main?.marks, rebuilds: this.rebuilds, slots: Object.fromEntries(this.slots), people: [...this.people.values()].map((p) => p.name),
      speaking: [...this.speaking], presentationFrames: this.presentation ? (await new StatsSampler(this.presentation.pc).sample()).framesDecoded : 0,
    };
  }
}
