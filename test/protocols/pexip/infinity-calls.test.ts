import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { RTCRtpCodecParameters, useH264, useOPUS, useVP8 } from 'werift';
import { startServer, type TestServer } from '../../helpers/server.js';
import { offerWith as offerWithCodecs } from '../../helpers/media-client.js';
import { failed, join, ok, pexipConference, px } from './pexip.js';
import { oneVideoCodec } from '../../../src/media/sdp.js';

// What Pexip's own web client (@pexip/infinity 20, test/browser/infinity.test.ts) needed from the calls functions,
// on the wire: end-of-candidates as an empty new_candidate, and one video codec in the answer (its
// @pexip/peer-connection reorders an answer to send H.264 whenever H.264 is listed).
let t: TestServer;
before(async () => { t = await startServer(); await pexipConference(t, 'room'); });
after(async () => { await t.close(); });

const offerWith = (video: RTCRtpCodecParameters[]): Promise<string> => offerWithCodecs([useOPUS()], video);

const h264 = (payloadType: number, mode: 0 | 1) => useH264({ payloadType, parameters: `level-asymmetry-allowed=1;packetization-mode=${mode};profile-level-id=42e01f` });
/** The answer's video m-line payload types and the codec names their rtpmap lines give. */
const videoOf = (sdp: string) => {
  const section = sdp.slice(sdp.indexOf('m=video'));
  const pts = /^m=video \d+ \S+ (.*)$/m.exec(section)![1].trim().split(' ');
  const names = [...section.matchAll(/^a=rtpmap:(\d+) ([^/]+)\//gm)].map((m) => `${m[1]} ${m[2].toLowerCase()}`);
  return { pts, names };
};

test('calls: the answer lists one video codec, VP8 when offered, whatever the offer prefers; else H.264 packetization-mode 1', { timeout: 30_000 }, async () => {
  const j = await join(t, 'room', 'Codecs');
  // @pexip/peer-connection puts H.264 Constrained Baseline first on the m-line; the rtpmap lines keep Chrome's order.
  const both = (await offerWith([useVP8({ payloadType: 96 }), h264(109, 1)])).replace(/^(m=video \S+ \S+) 96 109/m, '$1 109 96');
  assert.match(both, /^m=video \S+ \S+ 109 96/m);
  const r1 = await px(t, 'POST', 'room', `participants/${j.uuid}/calls`, { call_type: 'WEBRTC', sdp: both }, { token: j.token });
  assert.equal(r1.status, 200, r1.text);
  assert.deepEqual(videoOf(r1.body.result.sdp), { pts: ['96'], names: ['96 vp8'] });
  ok(await px(t, 'POST', 'room', `participants/${j.uuid}/calls/${r1.body.result.call_uuid}/disconnect`, {}, { token: j.token }), null);

  const onlyH264 = await offerWith([h264(126, 0), h264(125, 1)]);
  const r2 = await px(t, 'POST', 'room', `participants/${j.uuid}/calls`, { call_type: 'WEBRTC', sdp: onlyH264 }, { token: j.token });
  assert.equal(r2.status, 200, r2.text);
  assert.deepEqual(videoOf(r2.body.result.sdp), { pts: ['125'], names: ['125 h264'] });

  // update (renegotiation) goes through the same choice.
  const u = await px(t, 'POST', 'room', `participants/${j.uuid}/calls/${r2.body.result.call_uuid}/update`, { sdp: onlyH264 }, { token: j.token });
  assert.equal(u.status, 200, u.text);
  assert.deepEqual(videoOf(u.body.result).pts, ['125']);
});

test('new_candidate: an empty candidate is end-of-candidates (200 null); a missing or non-string one is 400', { timeout: 30_000 }, async () => {
  const j = await join(t, 'room', 'Trickle');
  const r = await px(t, 'POST', 'room', `participants/${j.uuid}/calls`, { call_type: 'WEBRTC', sdp: await offerWith([useVP8()]) }, { token: j.token });
  assert.equal(r.status, 200, r.text);
  const cand = (body: unknown) => px(t, 'POST', 'room', `participants/${j.uuid}/calls/${r.body.result.call_uuid}/new_candidate`, body, { token: j.token });
  ok(await cand({ candidate: '', mid: '0' }), null); // exactly what @pexip/infinity sends after its last candidate
  failed(await cand({ mid: '0' }), 400, 'candidate is required');
  failed(await cand({ candidate: 5, mid: '0' }), 400);
});

test('oneVideoCodec leaves audio and non-video sections, line endings and the chosen codec\'s lines alone', () => {
  const sdp = ['v=0', 'm=audio 9 UDP/TLS/RTP/SAVPF 111 0', 'a=rtpmap:111 opus/48000/2', 'a=rtpmap:0 PCMU/8000',
    'm=video 9 UDP/TLS/RTP/SAVPF 109 96 97', 'a=mid:1', 'a=rtpmap:96 VP8/90000', 'a=rtpmap:97 rtx/90000', 'a=fmtp:97 apt=96',
    'a=rtpmap:109 H264/90000', 'a=fmtp:109 packetization-mode=1', 'a=rtcp-fb:96 nack', 'a=rtcp-fb:109 nack', 'a=rtcp-fb:* ccm fir', ''].join('\r\n');
  assert.equal(oneVideoCodec(sdp), ['v=0', 'm=audio 9 UDP/TLS/RTP/SAVPF 111 0', 'a=rtpmap:111 opus/48000/2', 'a=rtpmap:0 PCMU/8000',
    'm=video 9 UDP/TLS/RTP/SAVPF 96', 'a=mid:1', 'a=rtpmap:96 VP8/90000', 'a=rtcp-fb:96 nack', 'a=rtcp-fb:* ccm fir', ''].join('\r\n'));
  const vp9 = 'v=0\nm=video 9 UDP/TLS/RTP/SAVPF 98\na=rtpmap:98 VP9/90000\n';
  assert.equal(oneVideoCodec(vp9), vp9);
});
