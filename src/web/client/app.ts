import { ApiError, PexipApi, PinRequired } from './api.js';
import { Meeting } from './meeting.js';
import { Prejoin } from './ui/prejoin.js';
import { h } from './ui/dom.js';

/**
 * Entry point of the Parley web client at /meet/<alias>: the pre-join screen, then the meeting. `window.parley`
 * is a small debug hook (stats, timings) used by the browser tests and handy in the console.
 */
const alias = decodeURIComponent(location.pathname.replace(/^\/meet\/?/, '').replace(/\/+$/, ''));
const root = document.getElementById('app')!;
const timing: Record<string, number> = {};
let meeting: Meeting | undefined;

(window as any).parley = {
  timing,
  stats: () => meeting?.stats() ?? Promise.resolve(null),
  remoteAudio: () => meeting?.remoteAudio ?? null,
  get meeting() { return meeting; },
};

if (!alias) {
  location.replace('/meet/');
} else if (!window.RTCPeerConnection || !navigator.mediaDevices) {
  root.append(h('div', { class: 'notice' }, h('h1', {}, 'This browser cannot join'), h('p', {}, 'It lacks WebRTC, or the page is not served over HTTPS.')));
} else {
  const api = new PexipApi(alias);
  const prejoin = new Prejoin(alias, async ({ name, pin, stream }) => {
    timing.joinClicked = performance.now();
    try {
      await api.requestToken(name, pin);
    } catch (e) {
      if (e instanceof PinRequired) { prejoin.askPin(e.guestPin, pin !== undefined); return null; }
      if (e instanceof ApiError && e.status === 404) return `There is no meeting "${alias}".`;
      return `Could not join: ${(e as Error).message}`;
    }
    timing.tokenAt = performance.now();
    prejoin.detach();
    meeting = new Meeting(api, stream, root, timing);
    meeting.start();
    return null;
  });
  root.append(prejoin.root);
  void prejoin.init();
}
