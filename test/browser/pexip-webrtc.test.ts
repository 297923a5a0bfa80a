import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../helpers/server.js';
import { launchChromium, testContext } from '../helpers/browser.js';
import { pexipConference } from '../protocols/pexip/pexip.js';

// A real browser's WebRTC stack against Parley's SFU, signalled through the plain Pexip Client API: what any
// third-party Pexip web client does. Two Chromium tabs with fake camera and microphone join one conference and
// each decodes the other's video and receives audio.
async function joinInPage({ base, alias, name }: { base: string; alias: string; name: string }): Promise<void> {
  const api = `${base}/api/client/v2/conferences/${alias}`;
  const post = async (path: string, body: unknown, token?: string) => {
    const r = await fetch(`${api}/${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { token } : {}) }, body: JSON.stringify(body) });
    const j = await r.json();
    if (r.status !== 200) throw new Error(`${path}: ${r.status} ${JSON.stringify(j)}`);
    return j.result;
  };
  const tok = await post('request_token', { display_name: name });
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 320, height: 240 } });
  const pc = new RTCPeerConnection();
  // Play the received mix and measure it: Chrome pulls remote audio only for a sink, and the level proves decoding.
  (globalThis as any).peak = 0;
  pc.addEventListener('track', (ev) => {
    if (ev.track.kind !== 'audio') return;
    const remote = new MediaStream([ev.track]);
    const el = new Audio();
    el.srcObject = remote;
    void el.play().catch(() => undefined);
    const ctx = new AudioContext();
    const analyser = ctx.createAnalyser();
    ctx.createMediaStreamSource(remote).connect(analyser);
    const buf = new Float32Array(analyser.fftSize);
    setInterval(() => {
      analyser.getFloatTimeDomainData(buf);
      for (const v of buf) (globalThis as any).peak = Math.max((globalThis as any).peak, Math.abs(v));
    }, 50);
  });
  for (const track of stream.getTracks()) pc.addTransceiver(track, { direction: 'sendrecv', streams: [stream] });
  await pc.setLocalDescription(await pc.createOffer());
  await new Promise<void>((resolve) => {
    if (pc.iceGatheringState === 'complete') return resolve();
    pc.addEventListener('icegatheringstatechange', () => { if (pc.iceGatheringState === 'complete') resolve(); });
  });
  const call = await post(`participants/${tok.participant_uuid}/calls`, { call_type: 'WEBRTC', sdp: pc.localDescription!.sdp }, tok.token);
  await pc.setRemoteDescription({ type: 'answer', sdp: call.sdp });
  await post(`participants/${tok.participant_uuid}/calls/${call.call_uuid}/ack`, {}, tok.token);
  (globalThis as any).pc = pc;
}

async function inbound(): Promise<{ framesDecoded: number; audioSamples: number; audioPackets: number; peak: number; state: string }> {
  const pc = (globalThis as any).pc as RTCPeerConnection;
  let framesDecoded = 0;
  let audioSamples = 0;
  let audioPackets = 0;
  (await pc.getStats()).forEach((s: any) => {
    if (s.type === 'inbound-rtp' && s.kind === 'video') framesDecoded += s.framesDecoded ?? 0;
    if (s.type === 'inbound-rtp' && s.kind === 'audio') { audioSamples += s.totalSamplesReceived ?? 0; audioPackets += s.packetsReceived ?? 0; }
  });
  return { framesDecoded, audioSamples, audioPackets, peak: (globalThis as any).peak as number, state: pc.connectionState };
}

test('two Chromium tabs exchange real video and audio through Parley via the Pexip API', { timeout: 90_000 }, async () => {
  const t = await startServer();
  const browser = await launchChromium();
  try {
    await pexipConference(t, 'room');
    const pages = await Promise.all([0, 1].map(async () => (await testContext(browser)).newPage()));
    for (const [i, page] of pages.entries()) {
      await page.goto(`${t.base}/health`);
      await page.evaluate(joinInPage, { base: t.base, alias: 'room', name: `Tab ${i}` });
    }
    const deadline = Date.now() + 20_000;
    let stats = await Promise.all(pages.map((p) => p.evaluate(inbound)));
    while (Date.now() < deadline && !stats.every((s) => s.framesDecoded > 10 && s.peak > 0.05)) {
      await new Promise((r) => setTimeout(r, 500));
      stats = await Promise.all(pages.map((p) => p.evaluate(inbound)));
    }
    for (const [i, s] of stats.entries()) {
      assert.equal(s.state, 'connected', `tab ${i}`);
      assert.ok(s.framesDecoded > 10, `tab ${i} decodes the other's video: ${JSON.stringify(s)}`);
      assert.ok(s.audioSamples > 0 && s.peak > 0.05, `tab ${i} hears the other's beeps in the mix: ${JSON.stringify(s)}`);
    }
  } finally {
    await browser.close();
    await t.close();
  }
});
