// Summarises a V8 .cpuprofile (from `npm run bench:rest -- --cpu-prof`): self time by function and by file.
//
//   node --import tsx bench/rest/profile.ts bench/results/profiles/<file>.cpuprofile [--top 25]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number; children?: number[] }
interface Profile { nodes: Node[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '25' } } });
if (!positionals[0]) { console.error('usage: profile.ts FILE.cpuprofile [--top N]'); process.exit(2); }
const p = JSON.parse(readFileSync(positionals[0], 'utf8')) as Profile;
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const self = new Map<number, number>();
p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
const total = [...self.values()].reduce((a, b) => a + b, 0);

const short = (url: string) => url.replace(/^file:\/\//, '').replace(/^.*\/node_modules\//, 'npm:').replace(/^.*\/(src|bench)\//, '$1/');
const fn = new Map<string, number>(), file = new Map<string, number>();
for (const [id, us] of self) {
  const n = byId.get(id)!;
  const where = n.callFrame.url ? short(n.callFrame.url) : '(native)';
  const k = `${n.callFrame.functionName || '(anonymous)'}  ${where}:${n.callFrame.lineNumber + 1}`;
  fn.set(k, (fn.get(k) ?? 0) + us);
  const f = where.startsWith('npm:') ? where.split('/').slice(0, where.startsWith('npm:@') ? 2 : 1).join('/') : where;
  file.set(f, (file.get(f) ?? 0) + us);
}
const top = Number(values.top);
const show = (title: string, m: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [k, us] of [...m].sort((x, y) => y[1] - x[1]).slice(0, top)) {
    console.log(`  ${((100 * us) / total).toFixed(1).padStart(5)} %  ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}`);
  }
};
console.log(`profile ${((p.endTime - p.startTime) / 1e6).toFixed(1)} s, ${(total / 1e6).toFixed(1)} s sampled`);
show('Self time by function', fn);
show('Self time by file / package', file);
