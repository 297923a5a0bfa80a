import { h, videoFor } from './dom.js';
import type { Quality } from '../stats.js';

export interface Controls {
  mute(): void;
  camera(): void;
  share(): void;
  hand(): void;
  leave(): void;
}

/**
 * The meeting screen: top bar (title, network quality), the video grid (self, one tile per filled slot, the
 * presentation across the top), the side panel (people / chat tabs; a drawer on phones) and the control bar.
 */
export class RoomView {
  readonly root: HTMLElement;
  private readonly stage = h('div', { class: 'stage', testid: 'grid' });
  private readonly quality = h('span', { class: 'quality', testid: 'quality', title: 'Network quality' }, '…');
  private readonly side = h('aside', { class: 'side' });
  private readonly tiles = new Map<string, { el: HTMLElement; video: HTMLVideoElement; label: HTMLElement; uuid: string | null }>();
  private presentation?: HTMLElement;
  private readonly buttons: Record<'mute' | 'camera' | 'share' | 'hand', HTMLButtonElement>;
  private readonly peopleTab: HTMLButtonElement;
  private readonly chatTab: HTMLButtonElement;

  constructor(title: string, self: MediaStream, people: HTMLElement, chat: HTMLElement, c: Controls) {
    const selfTile = h('div', { class: 'tile self', testid: 'tile-self' }, videoFor(self, 'self-video'), h('span', { class: 'label' }, 'You'));
    this.stage.append(selfTile);
    const peoplePanel = h('div', { class: 'panel', testid: 'people-panel' }, people);
    const chatPanel = h('div', { class: 'panel hidden', testid: 'chat-panel' }, chat);
    const show = (which: 'people' | 'chat') => {
      peoplePanel.classList.toggle('hidden', which !== 'people');
      chatPanel.classList.toggle('hidden', which !== 'chat');
      this.peopleTab.classList.toggle('on', which === 'people');
      this.chatTab.classList.toggle('on', which === 'chat');
      if (which === 'chat') this.chatTab.textContent = 'Chat';
    };
    this.peopleTab = h('button', { class: 'on', testid: 'people-tab', onclick: () => show('people') }, 'People');
    this.chatTab = h('button', { testid: 'chat-tab', onclick: () => show('chat') }, 'Chat');
    this.side.append(h('div', { class: 'tabs' }, this.peopleTab, this.chatTab), peoplePanel, chatPanel);
    const btn = (testid: string, label: string, fn: () => void) => h('button', { testid, onclick: fn, 'aria-pressed': 'false' }, label);
    this.buttons = {
      mute: btn('mute-button', 'Mute', c.mute), camera: btn('camera-button', 'Camera off', c.camera),
      share: btn('share-button', 'Share screen', c.share), hand: btn('hand-button', 'Raise hand', c.hand),
    };
    // On a phone the side panel is a drawer over the grid.
    const drawer = h('button', { class: 'drawer', testid: 'panel-button', onclick: () => this.side.classList.toggle('open') }, 'People & chat');
    const controls = h('nav', { class: 'controls' }, ...Object.values(this.buttons), drawer,
      h('button', { class: 'danger', testid: 'leave-button', onclick: c.leave }, 'Leave'));
    if (!navigator.mediaDevices?.getDisplayMedia) this.buttons.share.classList.add('hidden'); // phones cannot share
    this.root = h('div', { class: 'room', testid: 'room' },
      h('header', { class: 'topbar' }, h('span', { class: 'title', testid: 'room-title' }, title), this.quality),
      h('div', { class: 'body' }, this.stage, this.side), controls);
    show('people');
    chatPanel.dataset.unread = '0';
  }

  /** New chat while the chat tab is not open: mark the tab. */
  markUnread(): void { if (!this.chatTab.classList.contains('on')) this.chatTab.textContent = 'Chat •'; }

  /** A slot's track arrived (once per m-line; it then shows whoever the server assigns to the slot). */
  addSlot(mid: string, track: MediaStreamTrack): void {
    const video = videoFor(new MediaStream([track]), 'tile-video');
    const label = h('span', { class: 'label', testid: 'tile-label' });
    const el = h('div', { class: 'tile hidden', testid: 'tile', 'data-mid': mid }, video, label);
    this.stage.append(el);
    this.tiles.set(mid, { el, video, label, uuid: null });
  }

  /** The main call is being replaced: its slot tiles go (the new call brings its own tracks). */
  clearSlots(): void {
    for (const t of this.tiles.values()) t.el.remove();
    this.tiles.clear();
  }

  /** Who each slot shows (parley_slots); an empty slot is hidden. */
  assignSlot(mid: string, uuid: string | null, name: string): void {
    const t = this.tiles.get(mid);
    if (!t) return;
    t.uuid = uuid;
    t.el.dataset.uuid = uuid ?? '';
    t.el.classList.toggle('hidden', uuid === null);
    t.label.textContent = name;
  }

  /** Names change (participant_update) and speakers change (stage vad). */
  refreshTiles(nameOf: (uuid: string) => string, speaking: Set<string>): void {
    for (const t of this.tiles.values()) {
      if (!t.uuid) continue;
      t.label.textContent = nameOf(t.uuid);
      t.el.classList.toggle('speaking', speaking.has(t.uuid));
      t.el.dataset.speaking = String(speaking.has(t.uuid));
    }
  }

  setSelfSpeaking(on: boolean): void { this.stage.querySelector('.tile.self')?.classList.toggle('speaking', on); }

  setPresentation(track: MediaStreamTrack | null, name: string): void {
    this.presentation?.remove();
    this.presentation = undefined;
    if (!track) return;
    this.presentation = h('div', { class: 'tile presentation', testid: 'presentation' }, videoFor(new MediaStream([track]), 'presentation-video'), h('span', { class: 'label' }, `${name} is presenting`));
    this.stage.prepend(this.presentation);
  }

  setButtons(s: { muted: boolean; cameraOff: boolean; sharing: boolean; hand: boolean }): void {
    const set = (b: HTMLButtonElement, on: boolean, label: string) => { b.classList.toggle('on', on); b.setAttribute('aria-pressed', String(on)); b.textContent = label; };
    set(this.buttons.mute, s.muted, s.muted ? 'Unmute' : 'Mute');
    set(this.buttons.camera, s.cameraOff, s.cameraOff ? 'Camera on' : 'Camera off');
    set(this.buttons.share, s.sharing, s.sharing ? 'Stop sharing' : 'Share screen');
    set(this.buttons.hand, s.hand, s.hand ? 'Lower hand' : 'Raise hand');
  }

  setQuality(q: Quality, detail: string): void {
    this.quality.className = `quality ${q}`;
    this.quality.dataset.quality = q;
    this.quality.textContent = { good: 'Network: good', fair: 'Network: fair', poor: 'Network: poor', unknown: 'Connecting…' }[q];
    this.quality.title = detail;
  }
}
