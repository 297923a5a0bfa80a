import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GenericNack, RTCPeerConnection, RtcpSrPacket, RtcpTransportLayerFeedback, useAbsSendTime, useSdesMid, type RtpPacket } from 'werift';
import { Peer } from '../../src/media/peer.js';
import { eventually } from '../helpers/server.js';

test('the server\'s ICE agents gather host candidates only: no public STUN server is asked (werift defaults to Google\'s)', async () => {
  const rtc = { hostAddresses: ['127.0.0.1'], announcedAddress: '', portRange: [0, 0] as [number, number], silenceTimeoutMs: 15_000 };
  const client = new RTCPeerConnection({ iceServers: [], bundlePolicy: 'max-bundle' });
  const peer = new Peer(rtc, 'main', { audio: true, video: true });
  try {
    client.addTransceiver('audio', { direction: 'sendrecv' });
    client.addTransceiver('video', { direction: 'sendrecv' });
    await client.setLocalDescription(await client.createOffer());
    const answer = await peer.answer(client.localDescription!.sdp);
    const agents = (peer as unknown as { pc: RTCPeerConnection }).pc.dtlsTransports.map((d) => d.iceTransport.connection);
    assert.ok(agents.length > 0);
    for (const a of agents) assert.equal(a.stunServer, undefined);
    const types = [...answer.matchAll(/^a=candidate:\S+ \d+ \S+ \d+ \S+ \d+ typ (\w+)/gm)].map((m) => m[1]);
    assert.ok(types.length > 0 && types.every((t) => t === 'host'), types.join());
  } finally {
    await client.close();
    await peer.close();
  }
});

test('the server\'s own RTP send path: SRTP the client decrypts, continuous numbering, mid and abs-send-time, sender reports with the real NTP time, NACKs answered from its history', { timeout: 30_000 }, async () => {
  const rtc = { hostAddresses: ['127.0.0.1'], announcedAddress: '', portRange: [0, 0] as [number, number], silenceTimeoutMs: 15_000 };
  const client = new RTCPeerConnection({ iceServers: [], bundlePolicy: 'max-bundle', headerExtensions: { audio: [], video: [useSdesMid(), useAbsSendTime()] } });
  const peer = new Peer(rtc, 'main', { audio: false, video: true });
  try {
    const t = client.addTransceiver('video', { direction: 'recvonly' });
    const got: RtpPacket[] = [];
    const reports: RtcpSrPacket[] = [];
    client.onTrack.subscribe((track) => track.onReceiveRtp.subscribe((rtp) => got.push(rtp)));
    t.receiver.onRtcp.subscribe((p) => { if (p instanceof RtcpSrPacket) reports.push(p); });
    await client.setLocalDescription(await client.createOffer());
    await client.setRemoteDescription({ type: 'answer', sdp: await peer.answer(client.localDescription!.sdp) });
    // Both ends: the server's DTLS may finish a moment after the client's (and drops what it is asked to send before).
    await eventually(() => client.connectionState === 'connected' && peer.pc.connectionState === 'connected', 10_000, 'connected');
    const out = peer.videoOut!;
    assert.ok(out);
    // 200 packets, 30 a second's worth of timestamps apart, from a source numbering 5000...
    const sent: Buffer[] = [];
    for (let i = 0; i < 200; i++) {
      const payload = Buffer.from(`packet ${i}`);
      sent.push(payload);
      peer.send(out, true, 5000 + i, 90_000 + i * 3000, payload);
      if (i % 20 === 19) await new Promise((r) => setTimeout(r, 20));
    }
    await eventually(() => got.length >= 200, 5000, `all packets (${got.length})`);
    const ssrc = got[0].header.ssrc;
    for (let i = 0; i < 200; i++) {
      const p = got[i];
      assert.equal(p.payload.toString(), `packet ${i}`);
      assert.equal(p.header.ssrc, ssrc);
      assert.equal(p.header.sequenceNumber, (got[0].header.sequenceNumber + i) & 0xffff);
      assert.equal((p.header.timestamp - got[0].header.timestamp) >>> 0, i * 3000);
      assert.equal(p.header.payloadType, out.sender.codec!.payloadType);
    }
    const ids = new Map(client.getTransceivers()[0].headerExtensions.map((e) => [e.uri, e.id]));
    const ext = (p: RtpPacket, uri: string) => p.header.extensions.find((e) => e.id === ids.get(uri))?.payload;
    assert.equal(ext(got[0], 'urn:ietf:params:rtp-hdrext:sdes:mid')?.toString(), t.mid);
    // abs-send-time is 6.18 fixed-point seconds of the NTP clock: within a second of ours.
    const abs = ext(got[199], 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time')!;
    const nowNtpSeconds = (Date.now() + 2_208_988_800_000) / 1000;
    const absSeconds = abs.readUIntBE(0, 3) / 2 ** 18;
    assert.ok(Math.abs(((nowNtpSeconds % 64) - absSeconds + 96) % 64 - 32) < 1, `abs-send-time ${absSeconds} vs ${nowNtpSeconds % 64}`);
    // werift sends its sender report every 0.5–1.5 s: real NTP time, our packet count.
    await eventually(() => reports.length > 0, 5000, 'a sender report');
    const sr = reports[reports.length - 1].senderInfo;
    assert.ok(Math.abs(Number(sr.ntpTimestamp >> 32n) - nowNtpSeconds) < 5, `SR NTP ${sr.ntpTimestamp >> 32n}`);
    assert.equal(sr.packetCount, 200);
    // A NACK for packet 150 is answered from the history the send path keeps.
    const before = got.length;
    const nack = new GenericNack({ senderSsrc: t.receiver.rtcpSsrc, mediaSourceSsrc: ssrc, lost: [got[150].header.sequenceNumber] });
    await t.receiver.dtlsTransport.sendRtcp([new RtcpTransportLayerFeedback({ feedback: nack })]);
    await eventually(() => got.length > before, 5000, 'the retransmission');
    assert.equal(got[got.length - 1].payload.toString(), 'packet 150');
  } finally {
    await client.close();
    await peer.close();
  }
});
