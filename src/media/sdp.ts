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
 * Sections whose codecs Parley lacks are left alone (the media plane rejects them as before).
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
