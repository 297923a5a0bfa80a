// Child process of the Pexip benchmark: a real Parley server on 127.0.0.1 with one conference to join.
// IPC: sends {type:'ready', port}; answers {type:'mem'} with process.memoryUsage(); exits on {type:'stop'}.
import { loadConfig } from '../../src/config.js';
import { createServer } from '../../src/server.js';
import { SYSTEM } from '../../src/engine/actor.js';
import { ALIAS, GUEST_PIN, HOST_PIN, type ReadyMessage } from './scenario.js';


const dataDir = process.env.BENCH_DATA_DIR;
if (!dataDir || !process.send) throw new Error('bench/pexip/server.ts is started by bench/pexip/run.ts');

const config = loadConfig({}, {
  httpPort: 0, host: '127.0.0.1', dataDir, serverName: 'parley.bench', logLevel: 'warn', tokenRateLimit: 0,
  // Tokens outlive the run (default 120 s): the load generator measures fan-out, not its own refresh timers.
  pexipTokenTtl: 3600,
});
const parley = await createServer(config);
await parley.engine.users.create(SYSTEM, { loginName: 'owner', password: 'Bench-pass1' });
await parley.engine.conferences.create(SYSTEM, {
  id: 'bench', topic: 'Pexip fan-out bench', owner: 'owner', aliases: [ALIAS], host_pin: HOST_PIN, guest_pin: GUEST_PIN,
  max_participants: 1000,
});
const port = await parley.listen();

process.on('message', async (m: { type: string }) => {
  if (m.type === 'mem') process.send!({ type: 'mem', ...process.memoryUsage() });
  if (m.type === 'stop') {
    await parley.close();
    process.exit(0);
  }
});
process.send({ type: 'ready', port } satisfies ReadyMessage);
