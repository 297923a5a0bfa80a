/** A tiny element builder: the client has no framework, and text always goes in as text (no innerHTML). */
type Attrs = Record<string, string | boolean | number | undefined | ((ev: any) => void)>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Array<Node | string | null | undefined>): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.replace(/^on/, ''), v);
    else if (k === 'class') el.className = String(v);
    else if (k === 'testid') el.dataset.testid = String(v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  for (const c of children) if (c !== null && c !== undefined) el.append(c);
  return el;
}

/** A transient message at the top of the screen. */
export function toast(text: string, ms = 4000): void {
  const el = h('div', { class: 'toast', role: 'status', testid: 'toast' }, text);
  document.body.append(el);
  setTimeout(() => el.remove(), ms);
}

/** A muted, inline-playing <video> for a stream (autoplay works for muted video everywhere). */
export function videoFor(stream: MediaStream | null, testid: string): HTMLVideoElement {
  const v = h('video', { autoplay: true, playsinline: true, testid });
  v.muted = true;
  v.srcObject = stream;
  return v;
}
