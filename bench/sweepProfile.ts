/**
 * Where the time of a threaded sweep goes (issue 32): the same units run (1) in this thread, one
 * by one, and (2) on a fresh pool of 2 unit threads, as `advgym run --workers 2` does. Printed:
 * each thread's start (boot = tsx + imports, setup = backend + model load), each unit's time alone
 * vs beside another (contention), the time threads sat idle (start, message passing, the tail after
 * the other thread ran out of units) and the main thread's event-loop use. Not part of `npm run
 * bench`: run it when the speedup of bench/sweep.ts needs explaining.
 *
 *   node --import tsx bench/sweepProfile.ts [--order sequential|longest-first] [--units N]
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { loadPolicy } from '../agents/loadPolicy.ts';
import { initBackend } from '../src/core/tensor/backend.ts';
import { listUnits, unitId, UnitRunner, type WorkUnit } from '../src/lab/experiment/units.ts';
import { runModels } from '../src/lab/sweep/modelRef.ts';
import { threadCpuMs } from '../src/lab/sweep/threadCpu.ts';
import { UnitThreadPool, type UnitTimeline } from '../src/lab/sweep/threadPool.ts';
import { trimmedHuang } from './sweepConfig.ts';

const epochMs = (): number => performance.timeOrigin + performance.now();
const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? undefined : process.argv[i + 1];
};

const config = trimmedHuang();
const limit = Number(arg('units') ?? Number.POSITIVE_INFINITY);
const units = listUnits(config).slice(0, limit);
const t0 = epochMs();
await initBackend('wasm');
const tBackend = epochMs();
const victim = await loadPolicy(config.victim);
const tModel = epochMs();
const runner = new UnitRunner(config, { victim });
console.log(`main thread: backend ${(tBackend - t0).toFixed(0)} ms, model load ${(tModel - tBackend).toFixed(0)} ms`);

/** Summed over all CPUs: busy, idle and steal (time the hypervisor gave our vCPUs to others) in ms. */
function cpuTotals(): { busy: number; idle: number; steal: number } {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]?.trim().split(/\s+/).slice(1).map(Number) ?? [];
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = f;
  return { busy: 10 * (user + nice + system + irq + softirq), idle: 10 * (idle + iowait), steal: 10 * steal };
}
function machineLine(before: ReturnType<typeof cpuTotals>, wallMs: number): string {
  const after = cpuTotals();
  const cores = (x: number): string => (x / wallMs).toFixed(2);
  return `machine over it: busy ${cores(after.busy - before.busy)} cores, idle ${cores(after.idle - before.idle)}, steal ${cores(after.steal - before.steal)}; ${loadavg().map((x) => x.toFixed(2)).join(' ')}`;
}

const alone = new Map<string, { wall: number; cpu: number }>();
const m0 = cpuTotals();
const s0 = epochMs();
let oneCpu = 0;
for (const unit of units) {
  const u0 = epochMs();
  const c0 = threadCpuMs();
  const r = runner.run(unit);
  const cpu = threadCpuMs() - c0;
  oneCpu += cpu;
  alone.set(unitId(unit), { wall: epochMs() - u0, cpu });
  console.log(`  alone ${unitId(unit)} ${r.record.condition.padEnd(24)} ${r.record.length} steps ${(epochMs() - u0).toFixed(0)} ms wall, ${cpu} ms CPU`);
}
const oneWall = epochMs() - s0;
runner.close();
console.log(`1 thread: ${units.length} units in ${(oneWall / 1000).toFixed(2)} s wall, ${(oneCpu / 1000).toFixed(2)} s CPU; ${machineLine(m0, oneWall)}`);

const order = arg('order') ?? 'sequential';
const todo: WorkUnit[] = order === 'longest-first' ? [...units].sort((a, b) => (alone.get(unitId(b))?.wall ?? 0) - (alone.get(unitId(a))?.wall ?? 0)) : units;
const models = runModels(config);
const timeline: UnitTimeline[] = [];
const elu0 = performance.eventLoopUtilization();
const m1 = cpuTotals();
const p0 = epochMs();
const bootCpu0 = process.cpuUsage();
const pool = new UnitThreadPool(2, 'wasm', true);
pool.onTimeline = (entry) => timeline.push(entry);
// The main thread idles meanwhile: the process's CPU until both threads are up is their start's.
void pool.ready.then(() => {
  const cpu = process.cpuUsage(bootCpu0);
  console.log(`both threads started after ${(epochMs() - p0).toFixed(0)} ms wall, ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms of process CPU`);
});
await Promise.all(todo.map((unit) => pool.run(config, models, unit)));
const p1 = epochMs();
const elu = performance.eventLoopUtilization(elu0);
await pool.close();
const twoWall = p1 - p0;

console.log(`2 threads (${order}): ${(twoWall / 1000).toFixed(2)} s wall incl. thread start; speedup ${(oneWall / twoWall).toFixed(2)}x; ${machineLine(m1, twoWall)}`);
for (const thread of [0, 1]) {
  const own = timeline.filter((e) => e.thread === thread).sort((a, b) => a.posted - b.posted);
  const first = own[0];
  const last = own[own.length - 1];
  if (first === undefined || last === undefined) continue;
  const running = own.reduce((a, e) => a + (e.ended - e.started), 0);
  const cpu = own.reduce((a, e) => a + e.cpuMs, 0);
  const aloneSum = own.reduce((a, e) => a + (alone.get(unitId(e.unit))?.wall ?? 0), 0);
  const aloneCpu = own.reduce((a, e) => a + (alone.get(unitId(e.unit))?.cpu ?? 0), 0);
  const messaging = own.reduce((a, e, i) => a + (e.received - e.posted) * (i === 0 ? 0 : 1) + (e.delivered - e.ended), 0);
  console.log(
    `  thread ${thread}: boot ${(first.received - p0).toFixed(0)} ms, backend+model ${(first.started - first.received).toFixed(0)} ms, ` +
      `${own.length} units running ${(running / 1000).toFixed(2)} s wall (alone ${(aloneSum / 1000).toFixed(2)} s: x${(running / aloneSum).toFixed(2)}), ` +
      `${(cpu / 1000).toFixed(2)} s CPU (alone ${(aloneCpu / 1000).toFixed(2)} s: x${(cpu / aloneCpu).toFixed(2)}), ` +
      `messages ${messaging.toFixed(0)} ms, idle at the end ${(p1 - last.delivered).toFixed(0)} ms`,
  );
  for (const e of own) {
    const a = alone.get(unitId(e.unit));
    console.log(`    ${unitId(e.unit).padEnd(7)} start ${((e.started - p0) / 1000).toFixed(2)} s, ${(e.ended - e.started).toFixed(0)} ms wall ${e.cpuMs} ms CPU (alone ${(a?.wall ?? 0).toFixed(0)} / ${a?.cpu ?? 0} ms)`);
  }
}
console.log(`main thread event loop busy ${(100 * elu.utilization).toFixed(1)}% of the 2-thread run (${(elu.active).toFixed(0)} ms)`);
