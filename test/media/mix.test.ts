import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, eventually } from '../helpers/server.js';
import { MediaClient } from '../helpers/media-client.js';
import { join, pexipConference } from '../protocols/pexip/pexip.js';

// Three Pexip media clients in one conference, each publishing a tone of its own: everyone hears the
// others' tones in the mixed stream and never its own.
test('mixed audio: each participant hears the others and not itself', { timeout: 60_000 }, async () => {
  const t = await startServer();
  const clients: MediaClient[] = [];
  try {
    await pexipConference(t, 'room');
    const tones = { A: 440, B: 1000, C: 2500 } as const;
    for (const [name, tone] of Object.entries(tones)) {
      const j = await join(t, 'room', name);
      const c = new MediaClient({ base: t.base, alias: 'room', token: j.token, uuid: j.uuid, tone, tag: name });
      clients.push(c);
      const r = await c.connect();
      assert.equal(r.status, 200, JSON.stringify(r.body));
    }
    await new Promise((r) => setTimeout(r, 1500));
    for (const [i, c] of clients.entries()) {
      const own = Object.values(tones)[i];
      const others = Object.values(tones).filter((x) => x !== own);
      const shares = Object.fromEntries(Object.values(tones).map((f) => [f, c.toneShare(f).toFixed(3)]));
      for (const f of others) assert.ok(c.toneShare(f) > 0.15, `${c.opts.tag} should hear ${f} Hz: ${JSON.stringify(shares)}`);
      assert.ok(c.toneShare(own) < 0.02, `${c.opts.tag} must not hear itself: ${JSON.stringify(shares)}`);
    }
  } finally {
    for (const c of clients) c.close();
    await t.close();
  }
});
