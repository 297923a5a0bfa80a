import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RTCPeerConnection } from 'werift';
import { Peer } from '../../src/media/peer.js';

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
