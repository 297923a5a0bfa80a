// Child process of the chatbot benchmark: a real Parley server on 127.0.0.1 with N bot users.
// IPC: sends {type:'ready', port}; answers {type:'stats'} with memory and the event-loop delay since the last
// stats (then resets it); exits cleanly on {type:'stop'} (a clean exit is what lets --cpu-prof write its profile).
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { loadConfig } from '../../src/config.js';
import { createServer } from '../../src/server.js';
import { SYSTEM } from '../../src/engine/actor.js';
import { BOT_PASSWORD, botLogin, type ReadyMessage } from './scenario.js';
import { countStatements } from '../sql-stats.js';

const dataDir = process.env.BENCH_DATA_DIR;
const BOTS = Number(process.env.BENCH_BOTS ?? 100);
if (!dataDir || !process.send) throw new Error('bench/chat/server.ts is started by bench/chat/run.ts');

const config = loadConfig({}, {
  httpPort: 0, host: '127.0.0.1', dataDir, serverName: 'parley.bench', logLevel: 'warn', tokenRateLimit: 0,
});
const parley = await createServer(config);
const sqlStats = process.env.BENCH_SQL_STATS ? countStatements() : undefined;
// Through the engine, as an administrator would (100 scrypt hashes, a few seconds): the users are real users.
for (let i = 0; i < BOTS; i++) await parley.engine.users.create(SYSTEM, { loginName: botLogin(i), password: BOT_PASSWORD });
const port = await parley.listen();

const eld = monitorEventLoopDelay({ resolution: 10 });
eld.enable();
process.on('message', async (m: { type: string }) => {
  if (m.type === 'stats') {
    process.send!({ type: 'stats', ...process.memoryUsage(), eldP99Ms: eld.percentile(99) / 1e6, eldMaxMs: eld.max / 1e6 });
    eld.reset();
  }
  if (m.type === 'stop') {
    if (sqlStats) {
      for (const [q, v] of [...sqlStats].sort((a, b) => b[1].ms - a[1].ms).slice(0, 20)) {
        console.log(`${String(v.n).padStart(8)} ${v.ms.toFixed(0).padStart(7)} ms  ${q.replace(/\s+/g, ' ').slice(0, 160)}`);
      }
    }
    await parley.close();
    process.exit(0);
  }
});
process.send({ type: 'ready', port } satisfies ReadyMessage);
