import { h, videoFor } from './dom.js';

export interface PrejoinChoice {
  name: string;
  pin?: string;
  stream: MediaStream;
}

/**
 * Before joining: name, PIN (shown only after the server's PIN challenge), camera and microphone selection with a
 * live preview. `submit` returns an error text to show, or null when the join went ahead.
 */
export class Prejoin {
  readonly root: HTMLElement;
  private readonly name = h('input', { testid: 'name-input', id: 'name', autocomplete: 'name', placeholder: 'Your name', maxlength: 60 });
  private readonly pin = h('input', { testid: 'pin-input', id: 'pin', inputmode: 'numeric', autocomplete: 'off', placeholder: 'PIN' });
  private readonly pinBox: HTMLElement;
  private readonly pinHint = h('p', { class: 'badge', testid: 'pin-hint' });
  private readonly cam = h('select', { testid: 'camera-select', id: 'cam' });
  private readonly mic = h('select', { testid: 'mic-select', id: 'mic' });
  private readonly preview = videoFor(null, 'preview');
  private readonly error = h('p', { class: 'error', testid: 'prejoin-error', role: 'alert' });
  private readonly join = h('button', { class: 'join', testid: 'join-button', type: 'submit' }, 'Join');
  private stream = new MediaStream();

  constructor(alias: string, private readonly submit: (c: PrejoinChoice) => Promise<string | null>) {
    this.name.value = localStorage.getItem('parley.name') ?? '';
    this.pinBox = h('div', { class: 'hidden', testid: 'pin-prompt' }, h('label', { for: 'pin' }, 'Meeting PIN'), this.pin, this.pinHint);
    const form = h('form', { onsubmit: (ev: Event) => { ev.preventDefault(); void this.go(); } },
      h('h1', {}, `Join ${alias}`),
      h('label', { for: 'name' }, 'Your name'), this.name,
      // With a host PIN and guests allowed in without one, the server admits a PIN-less request as a guest and
      // never challenges: a host says so here.
      h('button', { type: 'button', class: 'linkish', testid: 'have-pin', onclick: (ev: Event) => { (ev.target as HTMLElement).remove(); this.askPin('', false); } }, 'I have a PIN'),
      this.pinBox,
      h('label', { for: 'cam' }, 'Camera'), this.cam,
      h('label', { for: 'mic' }, 'Microphone'), this.mic,
      this.error, this.join);
    this.root = h('section', { class: 'prejoin', testid: 'prejoin' }, this.preview, form);
    this.cam.addEventListener('change', () => void this.open());
    this.mic.addEventListener('change', () => void this.open());
  }

  /** Asks for the devices (the permission prompt), then lists them: labels are only readable after that. */
  async init(): Promise<void> {
    await this.open();
    const devices = await navigator.mediaDevices.enumerateDevices().catch(() => []);
    const fill = (sel: HTMLSelectElement, kind: MediaDeviceKind, current?: string) => {
      sel.replaceChildren(h('option', { value: '' }, 'None'));
      devices.filter((d) => d.kind === kind).forEach((d, i) => sel.append(h('option', { value: d.deviceId }, d.label || `${kind} ${i + 1}`)));
      sel.value = current ?? '';
    };
    fill(this.cam, 'videoinput', this.stream.getVideoTracks()[0]?.getSettings().deviceId);
    fill(this.mic, 'audioinput', this.stream.getAudioTracks()[0]?.getSettings().deviceId);
  }

  /** (Re)opens the chosen devices; before the lists exist, the defaults. A missing device is not fatal. */
  private async open(): Promise<void> {
    const listed = this.cam.options.length > 0;
    const want = (sel: HTMLSelectElement) => (!listed ? true : sel.value ? { deviceId: { exact: sel.value } } : false);
    const video = want(this.cam);
    const audio = want(this.mic);
    for (const t of this.stream.getTracks()) t.stop();
    const get = (c: MediaStreamConstraints) => navigator.mediaDevices.getUserMedia(c).catch(() => null);
    const videoC = video === false ? false : { ...(video === true ? {} : video), width: { ideal: 640 }, height: { ideal: 480 } };
    let s = audio || videoC ? await get({ audio, video: videoC }) : null;
    // One of the two may be missing or denied: fall back to whichever works.
    if (!s && audio && videoC) s = (await get({ audio })) ?? (await get({ video: videoC }));
    this.stream = s ?? new MediaStream();
    this.preview.srcObject = this.stream;
    if (!s && (audio || videoC)) this.error.textContent = 'No camera or microphone available: you can still join to listen and watch.';
  }

  /** The server challenged for a PIN (guestPin "none": guests may come in without one): show the field. */
  askPin(guestPin: string, wrong: boolean): void {
    this.pinBox.classList.remove('hidden');
    this.pinHint.textContent = guestPin === 'none' ? 'Hosts enter the PIN; guests may leave it empty.' : guestPin ? 'This meeting is protected by a PIN.' : '';
    this.root.querySelector('[data-testid=have-pin]')?.remove();
    this.error.textContent = wrong ? 'That PIN is not correct.' : '';
    this.pin.focus();
  }

  private async go(): Promise<void> {
    const name = this.name.value.trim();
    if (!name) { this.error.textContent = 'Please enter your name.'; this.name.focus(); return; }
    localStorage.setItem('parley.name', name);
    this.join.disabled = true;
    this.error.textContent = '';
    const pinShown = !this.pinBox.classList.contains('hidden');
    // Pexip: guests send "none" when the meeting lets them in without a PIN.
    const pin = pinShown ? (this.pin.value.trim() || 'none') : undefined;
    const err = await this.submit({ name, pin, stream: this.stream });
    this.join.disabled = false;
    if (err) this.error.textContent = err;
  }

  /** Hands the devices over to the meeting (the preview must not stop them). */
  detach(): void { this.preview.srcObject = null; }
}
