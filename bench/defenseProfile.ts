/**
 * Where a defended DQN update's time goes, kernel by kernel (tf.profile), beside the plain update:
 * the setup of bench/defense.ts, a few profiled updates each, and per kernel and input shapes its
 * calls per update and the FASTEST call's time times that count. On 2 shared cores most calls lose
 * time slices to other processes (a 1.2 ms convolution often reads 5-10 ms), so the fastest call is
 * the one that says what the kernel costs; the mean is printed too. Not part of `npm run bench`.
 *
 *   node --import tsx bench/defenseProfile.ts [variant substring, default 'PGD-10 (learn, whole'] [updates, default 5]
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src/core/tensor/backend.ts';
import { defenseBenchSetup } from './defense.ts';

interface KernelCost {
  calls: number;
  totalMs: number;
  fastestMs: number;
}

async function profileUpdates(update: () => void, updates: number): Promise<{ kernels: Map<string, KernelCost>; wallMs: number }> {
  const kernels = new Map<string, KernelCost>();
  let wallMs = 0;
  for (let u = 0; u < updates; u++) {
    const start = performance.now();
    const info = await tf.profile(update);
    wallMs += (performance.now() - start) / updates;
    // The op-level entries (name__op) wrap the kernels: counting both would count twice.
    for (const k of info.kernels.filter((entry) => !entry.name.endsWith('__op'))) {
      const key = `${k.name} ${k.inputShapes.map((s) => JSON.stringify(s)).join(' ')}`;
      const cost = kernels.get(key) ?? { calls: 0, totalMs: 0, fastestMs: Infinity };
      const ms = k.kernelTimeMs as number;
      kernels.set(key, { calls: cost.calls + 1, totalMs: cost.totalMs + ms, fastestMs: Math.min(cost.fastestMs, ms) });
    }
  }
  return { kernels, wallMs };
}

function report(name: string, kernels: Map<string, KernelCost>, wallMs: number, updates: number, rows = 25): void {
  const perUpdate = [...kernels].map(([key, c]) => ({ key, calls: c.calls / updates, fastest: c.fastestMs, floor: (c.fastestMs * c.calls) / updates, mean: c.totalMs / updates }));
  perUpdate.sort((a, b) => b.floor - a.floor);
  const sum = (f: (r: (typeof perUpdate)[number]) => number): string => perUpdate.reduce((a, r) => a + f(r), 0).toFixed(1);
  console.log(`\n### ${name}: ${sum((r) => r.calls)} kernel calls per update; fastest-call total ${sum((r) => r.floor)} ms, mean total ${sum((r) => r.mean)} ms, wall ${wallMs.toFixed(1)} ms (profiled)\n`);
  console.log('| kernel and input shapes | calls | fastest call ms | x calls | mean ms |');
  console.log('|---|---:|---:|---:|---:|');
  for (const r of perUpdate.slice(0, rows)) console.log(`| ${r.key} | ${r.calls} | ${r.fastest.toFixed(3)} | ${r.floor.toFixed(2)} | ${r.mean.toFixed(2)} |`);
}

const [pick = 'PGD-10 (learn, whole', updatesArg = '5'] = process.argv.slice(2);
const updates = Number(updatesArg);
await initBackend('wasm');
tf.env().set('CHECK_COMPUTATION_FOR_ERRORS', false); // the profiler would read every output back
const { shape, buffer, rng, variants, dispose } = defenseBenchSetup();
const chosen = variants.filter((v, i) => i === 0 || v.name.includes(pick));
for (const v of chosen) v.learner.update(buffer.sample(32, rng), shape); // warm-up
for (const v of chosen) {
  const { kernels, wallMs } = await profileUpdates(() => void v.learner.update(buffer.sample(32, rng), shape), updates);
  report(v.name, kernels, wallMs, updates);
}
dispose();
