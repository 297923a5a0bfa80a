// Child process of the media benchmark: a real Parley server on 127.0.0.1 with one open conference (no PIN).
// IPC: sends {type:'ready', port}; exits on {type:'stop'}. Media runs in Parley's own worker threads.
import { loadConfig } from '../../src/config.js';
import { createServer } from '../../src/server.js';
import { SYSTEM } from '../../src/engine/actor.js';
import type { MediaPlane } from '../../src/media/plane.js';
import { ALIAS, type ReadyMessage } from './scenario.js';

const dataDir = process.env.BENCH_DATA_DIR;
if (!dataDir || !process.send) throw new Error('bench/media/server.ts is started by bench/media/run.ts');

const config = loadConfig({}, {
  httpPort: 0, host: '127.0.0.1', dataDir, serverName: 'parley.bench', logLevel: 'warn', tokenRateLimit: 0,
  // Tokens outlive the run: the load generator measures media, not its own refresh timers.
  pexipTokenTtl: 3600,
});
const parley = await createServer(config);
await parley.engine.users.create(SYSTEM, { loginName: 'owner', password: 'Bench-pass1' });
await parley.engine.conferences.create(SYSTEM, {
  id: 'media', topic: 'Media bench', owner: 'owner', aliases: [ALIAS], max_participants: 1000,
});
// Participants removed during a run (media timeout, failed call) are a result: the load generator reports them.
const left: Record<string, number> = {};
parley.engine.bus.on('participant.left', (e) => { left[e.reason] = (left[e.reason] ?? 0) + 1; });
// The room counters (mix ticks, packets in/out) of the media plane, which the engine holds privately: read-only
// access for the benchmark, so that what the server sent can be told apart from what the load generator received.
const plane = () => (parley.engine.media as unknown as { port?: MediaPlane }).port;
const port = await parley.listen();

process.on('message', async (m: { type: string }) => {
  if (m.type === 'left') process.send!({ type: 'left', left });
  if (m.type === 'stats') process.send!({ type: 'stats', rooms: (await plane()?.stats()) ?? [] });
  if (m.type === 'stop') {
    await parley.close();
    process.exit(0);
  }
});
process.send({ type: 'ready', port } satisfies ReadyMessage);
