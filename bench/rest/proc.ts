// Resource use of the server process, read from /proc (Linux) so that measuring costs the server nothing.
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';

const CLK_TCK = (() => {
  try { return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100; } catch { return 100; }
})();

/** CPU seconds (user + system) the process has used so far. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may contain spaces; utime and stime are 14 and 15.
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / CLK_TCK;
}

/** Resident set size in MiB. */
export function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
}

/** CPU seconds the whole machine has spent busy (all CPUs), from /proc/stat. */
function machineBusySeconds(): number {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = f[3] + (f[4] ?? 0);
  return (f.reduce((x, y) => x + y, 0) - idle) / CLK_TCK;
}

/** Samples RSS while a phase runs and reports CPU use over it. */
export function watch(pid: number) {
  const t0 = performance.now();
  const c0 = cpuSeconds(pid);
  const own0 = process.cpuUsage();
  const busy0 = machineBusySeconds();
  let peak = rssMiB(pid);
  const timer = setInterval(() => { peak = Math.max(peak, rssMiB(pid)); }, 250);
  return () => {
    clearInterval(timer);
    const secs = (performance.now() - t0) / 1000;
    const own = process.cpuUsage(own0);
    const server = cpuSeconds(pid) - c0;
    const loadgen = (own.user + own.system) / 1e6;
    return {
      /** Server CPU as a percentage of one core (200 % = both cores of a 2-core machine). */
      serverCpuPct: Math.round((100 * server) / secs),
      loadgenCpuPct: Math.round((100 * loadgen) / secs),
      /** Everything else on the machine (other people's builds and tests on a shared box). */
      otherCpuPct: Math.max(0, Math.round((100 * (machineBusySeconds() - busy0 - server - loadgen)) / secs)),
      rssPeakMiB: Math.max(peak, rssMiB(pid)),
      rssEndMiB: rssMiB(pid),
    };
  };
}

export function machine() {
  const sh = (cmd: string, args: string[]) => { try { return execFileSync(cmd, args).toString().trim(); } catch { return '?'; } };
  const cpuinfo = (() => { try { return readFileSync('/proc/cpuinfo', 'utf8'); } catch { return ''; } })();
  return {
    nproc: sh('nproc', []),
    cpuModel: /model name\s*:\s*(.*)/.exec(cpuinfo)?.[1] ?? cpus()[0]?.model ?? '?',
    memory: sh('free', ['-h']).split('\n')[1]?.replace(/\s+/g, ' ') ?? `${Math.round(totalmem() / 2 ** 30)} GiB`,
    node: process.version,
    kernel: sh('uname', ['-sr']),
  };
}
