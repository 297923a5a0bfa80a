import { h } from './dom.js';

/** Conference chat: Pexip does not echo our own messages, so they are shown as sent. */
export class ChatView {
  private readonly log = h('ol', { testid: 'chat-log', 'aria-live': 'polite' });
  private readonly input = h('input', { testid: 'chat-input', placeholder: 'Message everyone', maxlength: 2000, 'aria-label': 'Message' });
  readonly root: HTMLElement;
  onUnread: () => void = () => undefined;

  constructor(send: (text: string) => Promise<void>) {
    const form = h('form', {
      onsubmit: (ev: Event) => {
        ev.preventDefault();
        const text = this.input.value.trim();
        if (!text) return;
        this.input.value = '';
        send(text).then(() => this.add('You', text, true), () => this.add('Not sent', text, true));
      },
    }, this.input, h('button', { testid: 'chat-send', type: 'submit' }, 'Send'));
    this.root = h('div', { class: 'chat' }, this.log, form);
  }

  add(from: string, text: string, mine = false): void {
    this.log.append(h('li', { testid: 'chat-message', class: mine ? 'mine' : '' }, h('b', {}, from), text));
    this.log.scrollTop = this.log.scrollHeight;
    if (!mine) this.onUnread();
  }
}
