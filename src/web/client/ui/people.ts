import { h } from './dom.js';

/** A participant as the UI shows it, from Pexip participant objects. */
export interface Person {
  uuid: string;
  name: string;
  host: boolean;
  muted: boolean;
  videoMuted: boolean;
  hand: boolean;
  waiting: boolean;
  presenting: boolean;
}

export function personOf(p: any): Person {
  return {
    uuid: p.uuid, name: p.display_name || 'Guest', host: p.role === 'chair', muted: p.is_muted === 'YES',
    videoMuted: p.is_video_muted === true, hand: (p.buzz_time ?? 0) > 0, waiting: p.service_type === 'waiting_room',
    presenting: p.is_presenting === 'YES',
  };
}

export interface HostActions {
  mute(uuid: string, on: boolean): void;
  remove(uuid: string): void;
  admit(uuid: string): void;
  muteGuests(on: boolean): void;
  lock(on: boolean): void;
}

/** The participant list; hosts get per-person buttons and the conference-wide ones (mute guests, lock). */
export class PeopleView {
  readonly root = h('div', { class: 'people', testid: 'participant-list' });

  render(people: Person[], me: string, isHost: boolean, conf: { locked: boolean; guestsMuted: boolean }, act: HostActions): void {
    const rows = people.map((p) => {
      const badges = [p.host ? 'host' : '', p.waiting ? 'waiting' : '', p.presenting ? 'presenting' : '', p.uuid === me ? 'you' : ''].filter(Boolean).join(' · ');
      // Words, not emoji: minimal systems (and headless test browsers) have no emoji font.
      const state = [p.hand ? 'hand raised' : '', p.muted ? 'muted' : '', p.videoMuted ? 'camera off' : ''].filter(Boolean).join(', ');
      const li = h('li', { testid: 'participant-row', 'data-uuid': p.uuid, 'data-muted': String(p.muted), 'data-hand': String(p.hand) },
        h('span', { class: 'name', testid: 'participant-name' }, p.name, ' ', h('span', { class: 'badge' }, badges)),
        h('span', { class: `state${p.hand ? ' hand' : ''}`, testid: 'participant-state' }, state));
      if (isHost && p.uuid !== me) {
        if (p.waiting) li.append(h('button', { testid: 'admit-button', onclick: () => act.admit(p.uuid) }, 'Admit'));
        li.append(h('button', { testid: 'participant-mute-button', onclick: () => act.mute(p.uuid, !p.muted) }, p.muted ? 'Unmute' : 'Mute'));
        li.append(h('button', { class: 'danger', testid: 'remove-button', onclick: () => act.remove(p.uuid) }, 'Remove'));
      }
      return li;
    });
    const bar = isHost ? h('div', { class: 'hostbar' },
      h('button', { testid: 'mute-guests-button', onclick: () => act.muteGuests(!conf.guestsMuted) }, conf.guestsMuted ? 'Unmute guests' : 'Mute all guests'),
      h('button', { testid: 'lock-button', class: conf.locked ? 'on' : '', onclick: () => act.lock(!conf.locked) }, conf.locked ? 'Unlock meeting' : 'Lock meeting'))
      : null;
    this.root.replaceChildren(...(bar ? [bar] : []), h('ul', {}, ...rows));
  }
}
