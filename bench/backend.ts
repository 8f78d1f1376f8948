/**
 * Tensor-backend benchmark: forward (batch 1), FGSM (forward + input gradient + sign step,
 * batch 1) and one Adam train step (Huber loss, batch 32) for the 2013 DQN net (conv16 8x8/4 ->
 * conv32 4x4/2 -> dense 256 -> 6) at 42x42x4 and 84x84x4, on every backend that loads, beside
 * PyTorch CPU (bench/pytorch_reference.py) measured in the same run.
 *
 * FGSM is advgym's own fgsm() (l-inf, every frame, as the PyTorch reference perturbs): one forward
 * pass whose argmax is the label, the input gradient, the sign step, the result read back. PyTorch
 * is timed with 1 and 2 threads and the faster is kept per figure: on a machine whose cores are
 * busy (training runs), 2 OpenMP threads can be 10-100x slower than 1, which would flatter tfjs.
 * It takes LayersPolicy's fused input gradient (agents/chainGradient.ts); the same FGSM through
 * tf.grad (the path for policies without one) is timed alternately with it and printed below.
 *
 * The train step is the one advgym's DQN trainer takes for a conv/dense chain: the fused parameter
 * gradient (agents/chainParameterGradient.ts: fused forward, hand-written backward, the Huber
 * gradient in closed form) and Adam (advgym's fused Adam, src/core/tensor/adam.ts: tf.train.adam's
 * results in one kernel per variable, as the trainer uses it); the same step through
 * tf.variableGrads (optimizer.minimize, the path for other models, same optimizer) is timed
 * alternately with it and printed below.
 *
 * The cpu backend's train step takes seconds, so each path is timed once (no warm-up), and its
 * 84x84 steps are skipped when the 42x42 ones predict more than 15 s each. Goals (issue): wasm train step
 * >= 100x faster than cpu; within 1.5x of PyTorch for train step and FGSM, <= 1.0x for forward.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { adam } from '../src/core/tensor/adam.ts';
import { initBackend, backendInfo, type BackendChoice } from '../src/core/tensor/backend.ts';
import { LayersPolicy } from '../agents/layersPolicy.ts';
import { chainParameterGradients, traceChainNet } from '../agents/chainParameterGradient.ts';
import { fgsm as fgsmAttack } from '../src/lab/adversary/fgsm.ts';
import type { Policy } from '../agents/policy.ts';

const SIZES = [42, 84] as const;
const TORCH_PYTHON = '/usr/bin/python3'; // Debian's python3-torch is for the system python, not pyenv's
const CPU_TRAIN_LIMIT_MS = 15_000;

interface Row { backend: string; size: number; forwardMs: number; fgsmMs: number; fgsmTapeMs: number; trainMs: number | null; trainTapeMs: number | null }
interface TorchRow { size: number; forward_ms: number; fgsm_ms: number; train_ms: number }
const TORCH_FIELDS = ['forward_ms', 'fgsm_ms', 'train_ms'] as const;

function dqn2013(size: number): tfl.LayersModel {
  const input = tfl.input({ shape: [size, size, 4] });
  let y = tfl.layers.conv2d({ filters: 16, kernelSize: 8, strides: 4, activation: 'relu' }).apply(input) as tfl.SymbolicTensor;
  y = tfl.layers.conv2d({ filters: 32, kernelSize: 4, strides: 2, activation: 'relu' }).apply(y) as tfl.SymbolicTensor;
  y = tfl.layers.flatten().apply(y) as tfl.SymbolicTensor;
  y = tfl.layers.dense({ units: 256, activation: 'relu' }).apply(y) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: tfl.layers.dense({ units: 6 }).apply(y) as tfl.SymbolicTensor });
}

function timeMs(fn: () => void, repeats: number, warmup: number): number {
  for (let i = 0; i < warmup; i++) fn();
  const start = performance.now();
  for (let i = 0; i < repeats; i++) fn();
  return (performance.now() - start) / repeats;
}

/** Mean ms per call of each function, timed in alternating blocks so both see the same load. */
function timeAlternating(fns: readonly (() => void)[], repeats: number, warmup: number, block: number): number[] {
  for (const fn of fns) for (let i = 0; i < warmup; i++) fn();
  const totals = fns.map(() => 0);
  for (let done = 0; done < repeats; done += block) {
    fns.forEach((fn, j) => {
      const start = performance.now();
      for (let i = 0; i < block; i++) fn();
      totals[j] = (totals[j] ?? 0) + performance.now() - start;
    });
  }
  const calls = Math.ceil(repeats / block) * block;
  return totals.map((t) => t / calls);
}

function benchSize(backend: string, size: number, trainBudgetMs: number): Row {
  const model = dqn2013(size);
  const obs = tf.randomUniform([1, size, size, 4], 0, 1, 'float32', 1);
  const batch = tf.randomUniform([32, size, size, 4], 0, 1, 'float32', 2);
  const target = tf.randomUniform([32, 6], 0, 1, 'float32', 3);
  // One optimizer for both train-step paths, so they compare fairly (see the file comment).
  const optimizer = adam(1e-4);
  const slow = backend === 'cpu';

  const forward = (): void => {
    tf.tidy(() => (model.predict(obs) as tf.Tensor).dataSync());
  };
  const policy = new LayersPolicy(model);
  const taped: Policy = { actionCount: policy.actionCount, inputShape: policy.inputShape, logits: (x) => policy.logits(x), act: (x) => policy.act(x) };
  const fgsmOf = (victim: Policy) => (): void => {
    // A block body: a tidy that returns the Float32Array would walk its 28k elements (~5 ms).
    tf.tidy(() => {
      fgsmAttack(victim, obs as tf.Tensor4D, { eps: 1 / 255, norm: 'linf', scope: 'all' }).dataSync();
    });
  };
  const trainTape = (): void => {
    optimizer.minimize(() => tf.losses.huberLoss(target, model.predict(batch) as tf.Tensor) as tf.Scalar, true)?.dispose();
  };
  const net = traceChainNet(model);
  if (net === undefined) throw new Error('bench: the DQN net is not a chain');
  const names = model.trainableWeights.map((w) => (w.read() as tf.Variable).name);
  const trainFused = (): void => {
    tf.tidy(() => {
      // Mean Huber (delta 1) over all 32 x 6 entries: dL/dQ = clip(Q - target, -1, 1) / (32 * 6).
      const { outputs, gradients } = chainParameterGradients(net, batch, ([q]) => [tf.div(tf.clipByValue(tf.sub(q as tf.Tensor, target), -1, 1), target.size)]);
      optimizer.applyGradients(names.map((name, i) => ({ name, tensor: gradients[i] as tf.Tensor })));
      tf.losses.huberLoss(target, outputs[0] as tf.Tensor);
    });
  };

  const forwardMs = timeMs(forward, slow ? 5 : 200, slow ? 1 : 20);
  const [fgsmMs, fgsmTapeMs] = timeAlternating([fgsmOf(policy), fgsmOf(taped)], slow ? 3 : 100, slow ? 1 : 10, slow ? 1 : 10) as [number, number];
  let trainMs: number | null = null;
  let trainTapeMs: number | null = null;
  if (trainBudgetMs > 0) [trainMs = null, trainTapeMs = null] = timeAlternating([trainFused, trainTape], slow ? 1 : 30, slow ? 0 : 3, slow ? 1 : 3);
  model.dispose();
  optimizer.dispose();
  tf.dispose([obs, batch, target]);
  return { backend, size, forwardMs, fgsmMs, fgsmTapeMs, trainMs, trainTapeMs };
}

async function benchBackend(choice: Exclude<BackendChoice, 'auto'>): Promise<Row[]> {
  try {
    await initBackend(choice);
  } catch (error) {
    console.log(`  ${choice}: not available (${error instanceof Error ? error.message : String(error)})`);
    return [];
  }
  const name = backendInfo().name;
  const rows: Row[] = [];
  for (const size of SIZES) {
    // cpu: predict the 84x84 steps from the 42x42 ones (~4x the pixels) and skip them past the limit.
    const previous = Math.max(rows.at(-1)?.trainMs ?? 0, rows.at(-1)?.trainTapeMs ?? 0);
    const budget = name === 'cpu' && previous * (size / 42) ** 2 > CPU_TRAIN_LIMIT_MS ? 0 : 1;
    rows.push(benchSize(name, size, budget));
  }
  return rows;
}

function pytorchReference(): TorchRow[] | string {
  const script = new URL('./pytorch_reference.py', import.meta.url).pathname;
  const hasTorch = (): boolean => spawnSync(TORCH_PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
  if (!existsSync(TORCH_PYTHON)) return `${TORCH_PYTHON} not found`;
  if (!hasTorch()) {
    if (process.getuid?.() !== 0) return 'python3-torch not installed (apt-get install -y python3-torch, as root)';
    console.log('  installing python3-torch (apt-get) for the reference timings ...');
    spawnSync('apt-get', ['update', '-q'], { stdio: 'ignore' });
    spawnSync('apt-get', ['install', '-y', '-q', 'python3-torch'], { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (!hasTorch()) return 'python3-torch could not be installed';
  }
  const best: TorchRow[] = [];
  for (const threads of [1, 2]) {
    const run = spawnSync(TORCH_PYTHON, [script, '--threads', String(threads)], { encoding: 'utf8' });
    if (run.status !== 0) return `pytorch_reference.py failed: ${run.stderr.split('\n').filter(Boolean).at(-1) ?? ''}`;
    for (const row of (JSON.parse(run.stdout) as { results: TorchRow[] }).results) {
      const kept = best.find((b) => b.size === row.size);
      if (kept === undefined) best.push(row);
      else for (const field of TORCH_FIELDS) kept[field] = Math.min(kept[field], row[field]);
    }
  }
  return best;
}

const fmt = (ms: number | null): string => (ms === null ? 'skipped' : ms >= 100 ? `${ms.toFixed(0)} ms` : `${ms.toFixed(2)} ms`);
const ratio = (a: number | null, b: number | null | undefined): string => (a === null || b === null || b === undefined ? '-' : `${(a / b).toFixed(2)}x`);

export async function runBackendBench(): Promise<void> {
  console.log('\n## tensor backends: 2013 DQN net, forward/FGSM batch 1, Adam train step batch 32');
  const rows: Row[] = [];
  for (const choice of ['node', 'wasm', 'cpu'] as const) rows.push(...(await benchBackend(choice)));
  const torch = pytorchReference();
  if (typeof torch === 'string') console.log(`  PyTorch reference skipped: ${torch}`);
  const torchAt = (size: number): TorchRow | undefined => (typeof torch === 'string' ? undefined : torch.find((t) => t.size === size));
  const cpuAt = (size: number): Row | undefined => rows.find((r) => r.backend === 'cpu' && r.size === size);

  console.log('| backend | input | forward | FGSM | train step | /PyTorch fwd | /PyTorch FGSM | /PyTorch train | cpu/this train |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const size of SIZES) {
    const t = torchAt(size);
    if (t !== undefined) console.log(`| PyTorch CPU (best of 1, 2 threads) | ${size}x${size}x4 | ${fmt(t.forward_ms)} | ${fmt(t.fgsm_ms)} | ${fmt(t.train_ms)} | 1.00x | 1.00x | 1.00x | - |`);
    for (const r of rows.filter((row) => row.size === size)) {
      console.log(
        `| tfjs ${r.backend} | ${size}x${size}x4 | ${fmt(r.forwardMs)} | ${fmt(r.fgsmMs)} | ${fmt(r.trainMs)} | ` +
          `${ratio(r.forwardMs, t?.forward_ms)} | ${ratio(r.fgsmMs, t?.fgsm_ms)} | ${ratio(r.trainMs, t?.train_ms)} | ` +
          `${r.backend === 'cpu' ? '-' : ratio(cpuAt(size)?.trainMs ?? null, r.trainMs)} |`,
      );
    }
  }
  console.log('FGSM through tf.grad (a Policy without the fused input gradient), timed alternately with the row above:');
  for (const r of rows) {
    const t = torchAt(r.size);
    console.log(`  tfjs ${r.backend} ${r.size}x${r.size}x4: ${fmt(r.fgsmTapeMs)} (${ratio(r.fgsmTapeMs, t?.fgsm_ms)} PyTorch; fused ${fmt(r.fgsmMs)}, ${(r.fgsmTapeMs / r.fgsmMs).toFixed(2)}x faster)`);
  }
  console.log('Train step through tf.variableGrads (optimizer.minimize; a model that is not a chain), timed alternately with the row above:');
  for (const r of rows.filter((row) => row.trainMs !== null && row.trainTapeMs !== null)) {
    const t = torchAt(r.size);
    console.log(`  tfjs ${r.backend} ${r.size}x${r.size}x4: ${fmt(r.trainTapeMs)} (${ratio(r.trainTapeMs, t?.train_ms)} PyTorch; fused ${fmt(r.trainMs)}, ${ratio(r.trainTapeMs, r.trainMs)} faster)`);
  }
  await initBackend('auto');
}

if (import.meta.url === `file://${process.argv[1]}`) await runBackendBench();
