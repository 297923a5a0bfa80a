/**
 * Parley's video codec preference (the order of codecs.ts). Video is forwarded, never transcoded.
 */
const PREFERRED = ['vp8', 'h264'];

/**
 * Leaves one video codec on every video m-line of a client's offer, before a peer answers it: the first
 * of Parley's preference that the offer has (for H.264 the first with packetization-mode=1, which every H.264
 * browser offers). Why: a client may send in any codec the answer lists, and a room labels a source by
 * the first codec it negotiated. Pexip's own web client (@pexip/peer-connection) reorders the answer it receives
 * to send H.264 Constrained Baseline whenever that is listed, so with VP8 and H.264 answered it sent H.264 that the
 * room forwarded as VP8 and nobody could decode. With one codec answered, what arrives is what the room expects.
 * Sections whose codecs Parley lacks are left alone (takeUnusableVideo answers them rejected).
 */
export function oneVideoCodec(sdp: string): string {
  const eol = sdp.includes('\r\n') ? '\r\n' : '\n';
  const lines = sdp.split(eol);
  const out: string[] = [];
  let i = 0;
  while (i < lines.length) {
    let end = i + 1;
    while (end < lines.length && !lines[end].startsWith('m=')) end++;
    const section = lines.slice(i, end);
    out.push(...(section[0].startsWith('m=video ') ? keepOne(section) : section));
    i = end;
  }
  return out.join(eol);
}

function keepOne(section: string[]): string[] {
  const [m, ...attrs] = section;
  const parts = m.split(' ');
  const order = parts.slice(3);
  const names = new Map<string, string>();
  const fmtp = new Map<string, string>();
  for (const a of attrs) {
    const r = /^a=rtpmap:(\d+) ([^/]+)\//.exec(a);
    if (r) names.set(r[1], r[2].toLowerCase());
    const f = /^a=fmtp:(\d+) (.*)$/.exec(a);
    if (f) fmtp.set(f[1], f[2]);
  }
  let chosen: string | undefined;
  for (const name of PREFERRED) {
    const pts = order.filter((pt) => names.get(pt) === name);
    chosen = name === 'h264' ? pts.find((pt) => /packetization-mode=1/.test(fmtp.get(pt) ?? '')) ?? pts[0] : pts[0];
    if (chosen) break;
  }
  if (!chosen) return section;
  const other = (a: string) => {
    const pt = /^a=(?:rtpmap|fmtp|rtcp-fb):(\d+)[ ]/.exec(a)?.[1];
    return pt !== undefined && pt !== chosen;
  };
  return [[...parts.slice(0, 3), chosen].join(' '), ...attrs.filter((a) => !other(a))];
}

/** Video m-lines Parley cannot forward, taken out of an offer for werift and answered as rejected afterwards. */
export interface Rejected {
  /** Position among the offer's m-lines. */
  index: number;
  /** The answer's section for it: port 0, the offer's formats, inactive. */
  answer: string[];
}

/**
 * Takes out of an offer the video m-lines with no codec Parley forwards (VP8, H.264): a user offering Opus and only
 * VP9 video expects an audio call, not a refusal (RFC 3264: such an m-line is answered with port 0), and werift
 * cannot answer an m-line without a common codec. Left alone when nothing else would remain (the plane then
 * refuses the offer as before). `restoreRejected` puts them back into the answer, in their places.
 */
export function takeUnusableVideo(sdp: string): { sdp: string; rejected: Rejected[] } {
  const eol = sdp.includes('\r\n') ? '\r\n' : '\n';
  const lines = sdp.split(eol);
  const tail = lines.at(-1) === '' ? lines.pop() : undefined;
  const [session, ...sections] = splitSections(lines);
  const unusable = (s: string[]) => s[0].startsWith('m=video ')
    && !s.some((a) => /^a=rtpmap:\d+ (vp8|h264)\//i.test(a));
  const rejected: Rejected[] = [];
  sections.forEach((s, index) => {
    if (!unusable(s)) return;
    const [, , proto, ...fmts] = s[0].split(' ');
    const keep = s.filter((a) => /^a=(mid|rtpmap):/.test(a));
    rejected.push({ index, answer: [`m=video 0 ${proto} ${fmts.join(' ')}`, 'c=IN IP4 0.0.0.0', ...keep, 'a=inactive'] });
  });
  if (rejected.length === 0 || rejected.length === sections.length) return { sdp, rejected: [] };
  const mids = new Set(rejected.map((r) => midOf(r.answer)).filter((m): m is string => m !== undefined));
  // A rejected m-line leaves the BUNDLE group (RFC 8843).
  const head = session.map((l) => (l.startsWith('a=group:BUNDLE') ? l.split(' ').filter((x) => !mids.has(x)).join(' ') : l));
  const kept = sections.filter((_, i) => !rejected.some((r) => r.index === i));
  return { sdp: [...head, ...kept.flat(), ...(tail !== undefined ? [tail] : [])].join(eol), rejected };
}

/** Puts the rejected m-lines back into werift's answer at their offer positions. */
export function restoreRejected(answer: string, rejected: Rejected[]): string {
  if (rejected.length === 0) return answer;
  const eol = answer.includes('\r\n') ? '\r\n' : '\n';
  const lines = answer.split(eol);
  // Keep a trailing empty line (the SDP's final CRLF) at the end.
  const tail = lines.at(-1) === '' ? lines.pop() : undefined;
  const [session, ...sections] = splitSections(lines);
  // The live sections' transport attributes go along: werift (as a client) applies a section's ICE credentials
  // and fingerprint even at port 0, and empty ones would wipe the real ones.
  const transport = (sections[0] ?? []).filter((a) => /^a=(ice-ufrag|ice-pwd|fingerprint|setup):/.test(a));
  for (const r of [...rejected].sort((a, b) => a.index - b.index)) sections.splice(r.index, 0, [...r.answer.slice(0, -1), ...transport, ...r.answer.slice(-1)]);
  return [...session, ...sections.flat(), ...(tail !== undefined ? [tail] : [])].join(eol);
}

/** The session part, then one array of lines per m-line. */
function splitSections(lines: string[]): string[][] {
  const out: string[][] = [[]];
  for (const l of lines) {
    if (l.startsWith('m=')) out.push([l]); else out.at(-1)!.push(l);
  }
  return out;
}

function midOf(section: string[]): string | undefined {
  return section.find((a) => a.startsWith('a=mid:'))?.slice(6);
}

/**
 * Writes two valid offer forms the way werift takes them (Firefox sends both, and so does any client running in it,
 * Pexip's included):
 * - m-lines bundled with `a=bundle-only` come with port 0; werift treats port 0 as a rejected m-line and never
 *   receives its track. They get port 9 without `bundle-only`, as Chromium writes them.
 * - an offer whose candidates are all mDNS names (`<uuid>.local`) and that ends with `a=end-of-candidates`: werift
 *   resolves the names in the background but, told there are no more candidates, fails ICE at once instead of
 *   learning the client's address from its checks (peer-reflexive), as it does for offers without candidates.
 */
export function acceptableOffer(sdp: string): string {
  const eol = sdp.includes('\r\n') ? '\r\n' : '\n';
  const [session, ...sections] = splitSections(sdp.split(eol));
  for (const s of sections) {
    const only = s.indexOf('a=bundle-only');
    if (only < 0 || !/^m=\S+ 0 /.test(s[0])) continue;
    s[0] = s[0].replace(/^(m=\S+) 0 /, '$1 9 ');
    s.splice(only, 1);
  }
  let lines = [...session, ...sections.flat()];
  const candidates = lines.filter((l) => l.startsWith('a=candidate:'));
  if (candidates.length > 0 && candidates.every((c) => /^a=candidate:\S+ \d+ \S+ \d+ \S+\.local /i.test(c))) {
    lines = lines.filter((l) => l !== 'a=end-of-candidates');
  }
  return lines.join(eol);
}
