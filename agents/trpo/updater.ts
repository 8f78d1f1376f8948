/**
 * TRPO's update (Schulman et al. 2015, single path, Appendix C), on separate policy and value nets
 * (the paper's setup: the KL-bounded policy step and the value regression never move each other):
 *
 * 1. g = grad of the surrogate mean_t [pi(a_t|s_t) / pi_old(a_t|s_t) A_t] at theta_old
 *    (closed form in the logits, through the chain net's backward pass);
 * 2. s = (F + damping I)^-1 g by 10 conjugate-gradient iterations (conjugateGradient.ts), the
 *    Fisher-vector products on a subsample of the batch (fisherVectorProduct.ts);
 * 3. the full step beta s with beta = sqrt(2 maxKl / s.F s), the largest step the quadratic KL
 *    model allows, shrunk by the backtracking line search (lineSearch.ts) until the surrogate
 *    improves and the measured mean KL is within maxKl;
 * 4. the value net fitted by Adam to the GAE returns (epochs x minibatches of 0.5 (V - R)^2).
 */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { FileError } from '../../src/core/errors.ts';
import { adam, type FusedAdam } from '../../src/core/tensor/adam.ts';
import { loadModel, loadOptimizer, saveModel, saveOptimizer } from '../../src/core/tensor/fileIO.ts';
import { readFlatWeights, writeFlatWeights } from '../a3c/sharedParams.ts';
import type { ChainNet } from '../chainParameterGradient.ts';
import { buildPolicyNetwork, buildValueNetwork } from '../networks.ts';
import { logSoftmaxRow, meanKl } from '../categorical.ts';
import { normalize } from '../onpolicy/gae.ts';
import { chainNetOf, clipAndApply, forwardOutputs, parameterGradients, restoreExactAdamProducts, shuffled } from '../onpolicy/gradients.ts';
import type { BatchForward, RolloutBuffer } from '../onpolicy/rollout.ts';
import type { OnPolicyUpdater, Rollout, UpdateContext, UpdaterFactory } from '../onpolicy/updater.ts';
import { conjugateGradient, dot } from './conjugateGradient.ts';
import type { TrpoConfig } from './config.ts';
import { FisherVectorProduct } from './fisherVectorProduct.ts';
import { backtrackingLineSearch } from './lineSearch.ts';

const POLICY_DIR = 'policy';
const VALUE_DIR = 'value';
/** Rows per forward/backward chunk over the batch (bounds the activations held at once). */
const CHUNK = 256;

export const TRPO_COLUMNS = ['loss', 'surrogateGain', 'kl', 'stepFraction', 'lineSearchTrials', 'entropy', 'valueLoss', 'cgResidual', 'cgShare'] as const;

export class TrpoUpdater implements OnPolicyUpdater {
  private readonly policyNet: ChainNet;
  private readonly valueNet: ChainNet;
  readonly forward: BatchForward;
  /** Seconds of the last update: in all, and in conjugate gradient (bench: the CG share). */
  readonly lastTiming = { updateSeconds: 0, cgSeconds: 0 };

  constructor(
    readonly policyModel: tfl.LayersModel,
    readonly valueModel: tfl.LayersModel,
    private readonly optimizer: FusedAdam,
    private readonly config: TrpoConfig,
  ) {
    this.policyNet = chainNetOf(policyModel);
    this.valueNet = chainNetOf(valueModel);
    this.forward = (observations, count) => ({ logits: forwardOutputs(policyModel, observations, count)[0] as Float32Array, values: forwardOutputs(valueModel, observations, count)[0] as Float32Array });
  }

  /** The policy's logits on every row of the buffer, chunk by chunk. */
  private policyLogits(buffer: RolloutBuffer): Float32Array {
    const out = new Float32Array(buffer.rows * buffer.actionCount);
    for (let start = 0; start < buffer.rows; start += CHUNK) {
      const rows = range(start, Math.min(buffer.rows, start + CHUNK));
      out.set(forwardOutputs(this.policyModel, buffer.gather(rows), rows.length)[0] as Float32Array, start * buffer.actionCount);
    }
    return out;
  }

  update(rollout: Rollout, context: UpdateContext): Record<string, number> {
    const started = performance.now();
    const { config } = this;
    const { buffer } = rollout;
    const rows = buffer.rows;
    const A = buffer.actionCount;
    const advantages = config.normalizeAdvantages ? normalize(rollout.advantages) : rollout.advantages;

    // 1. The surrogate's gradient at theta_old: d/dz_j [r A] = A (1[j = a] - p_j) at r = 1, mean over rows.
    const g = new Float64Array(this.parameterCount());
    let entropy = 0;
    for (let start = 0; start < rows; start += CHUNK) {
      const chunk = range(start, Math.min(rows, start + CHUNK));
      const { terms, gradients } = parameterGradients(this.policyNet, this.policyModel, buffer.gather(chunk), chunk.length, ([logits]) => {
        const dLogits = new Float32Array(chunk.length * A);
        const logP = new Float64Array(A);
        let h = 0;
        chunk.forEach((row, k) => {
          h += logSoftmaxRow(logits as Float32Array, k, A, logP);
          const action = buffer.actions[row] as number;
          const advantage = advantages[row] as number;
          // The loss is -surrogate (the backward pass descends); g below flips the sign back.
          for (let j = 0; j < A; j++) dLogits[k * A + j] = (-advantage * ((j === action ? 1 : 0) - Math.exp(logP[j] as number))) / rows;
        });
        return { terms: h, gradients: [dLogits] };
      });
      entropy += terms;
      let offset = 0;
      for (const gradient of gradients) {
        const data = gradient.dataSync();
        for (let i = 0; i < data.length; i++) g[offset + i] = (g[offset + i] as number) - (data[i] as number);
        offset += data.length;
      }
      tf.dispose(gradients);
    }
    entropy /= rows;

    // 2. s = (F + damping I)^-1 g on the Fisher subsample.
    const stride = Math.max(1, Math.round(1 / config.fisherFraction));
    const fisherRows = Int32Array.from({ length: Math.ceil(rows / stride) }, (_, k) => k * stride);
    const inputShape = this.policyModel.inputs[0]?.shape.slice(1) as number[];
    const fisherObs = tf.tensor(buffer.gather(fisherRows), [fisherRows.length, ...inputShape]);
    const fisher = new FisherVectorProduct(this.policyNet, fisherObs, config.cgDamping);
    const cgStarted = performance.now();
    let cg: ReturnType<typeof conjugateGradient>;
    let sFs: number;
    try {
      cg = conjugateGradient((v) => fisher.product(v), g, config.cgIterations);
      sFs = dot(cg.x, fisher.product(cg.x));
    } finally {
      fisher.dispose();
      fisherObs.dispose();
    }
    const cgSeconds = (performance.now() - cgStarted) / 1000;

    // 3. The largest step the quadratic KL model allows, then the line search.
    const beta = sFs > 0 ? Math.sqrt((2 * config.maxKl) / sFs) : 0;
    const fullStep = cg.x.map((x) => x * beta);
    const expectedImprovement = dot(g, fullStep);
    const oldLogits = buffer.logits;
    const baseline = mean(advantages);
    const old = readFlatWeights(this.policyModel);
    const search = backtrackingLineSearch(
      (fraction) => {
        const theta = new Float32Array(old.length);
        for (let i = 0; i < old.length; i++) theta[i] = (old[i] as number) + fraction * (fullStep[i] as number);
        writeFlatWeights(this.policyModel, theta);
        const logits = this.policyLogits(buffer);
        return { surrogate: surrogateOf(logits, buffer, advantages), kl: meanKl(oldLogits, logits, A) };
      },
      { baseline, expectedImprovement, maxKl: config.maxKl, maxBacktracks: config.lineSearchBacktracks, shrink: 0.5, acceptRatio: config.lineSearchAcceptRatio },
    );
    if (search.fraction === 0 || expectedImprovement <= 0) {
      writeFlatWeights(this.policyModel, old);
    } else {
      const theta = new Float32Array(old.length);
      for (let i = 0; i < old.length; i++) theta[i] = (old[i] as number) + search.fraction * (fullStep[i] as number);
      writeFlatWeights(this.policyModel, theta);
    }

    // 4. The value net by Adam.
    const valueLoss = this.fitValue(buffer, rollout.returns, context);
    this.lastTiming.updateSeconds = (performance.now() - started) / 1000;
    this.lastTiming.cgSeconds = cgSeconds;
    return {
      loss: valueLoss - search.improvement,
      surrogateGain: search.improvement,
      kl: search.kl,
      stepFraction: search.fraction,
      lineSearchTrials: search.trials,
      entropy,
      valueLoss,
      cgResidual: cg.residual,
      cgShare: cgSeconds / this.lastTiming.updateSeconds,
    };
  }

  private fitValue(buffer: RolloutBuffer, returns: Float32Array, context: UpdateContext): number {
    const { config } = this;
    const rows = buffer.rows;
    const size = Math.min(config.valueMinibatchSize, rows);
    let total = 0;
    let batches = 0;
    for (let epoch = 0; epoch < config.valueEpochs; epoch++) {
      const order = shuffled(rows, context.rng);
      for (let start = 0; start + size <= rows; start += size) {
        const batchRows = order.subarray(start, start + size);
        const { terms, gradients } = parameterGradients(this.valueNet, this.valueModel, buffer.gather(batchRows), size, ([values]) => {
          const dValues = new Float32Array(size);
          let loss = 0;
          batchRows.forEach((row, k) => {
            const error = ((values as Float32Array)[k] as number) - (returns[row] as number);
            loss += 0.5 * error * error;
            dValues[k] = error / size;
          });
          return { terms: loss / size, gradients: [dValues] };
        });
        clipAndApply(this.optimizer, this.valueNet, gradients, config.valueMaxGradNorm);
        total += terms;
        batches++;
      }
    }
    return total / Math.max(1, batches);
  }

  private parameterCount(): number {
    return this.policyNet.variables.reduce((sum, v) => sum + v.read().size, 0);
  }

  async save(dir: string): Promise<void> {
    await saveModel(this.policyModel, join(dir, POLICY_DIR));
    await saveModel(this.valueModel, join(dir, VALUE_DIR));
    await saveOptimizer(this.optimizer, dir);
  }

  dispose(): void {
    this.policyModel.dispose();
    this.valueModel.dispose();
    this.optimizer.dispose();
  }
}

/** mean_t pi(a_t|s_t) / pi_old(a_t|s_t) * A_t, the old log-probabilities from the rollout. */
export function surrogateOf(logits: Float32Array, buffer: RolloutBuffer, advantages: Float32Array): number {
  const A = buffer.actionCount;
  const logP = new Float64Array(A);
  let total = 0;
  for (let i = 0; i < buffer.rows; i++) {
    logSoftmaxRow(logits, i, A, logP);
    const action = buffer.actions[i] as number;
    total += Math.exp((logP[action] as number) - (buffer.logProbs[i] as number)) * (advantages[i] as number);
  }
  return total / buffer.rows;
}

function mean(values: Float32Array): number {
  let total = 0;
  for (const v of values) total += v;
  return values.length === 0 ? 0 : total / values.length;
}

function range(from: number, to: number): Int32Array {
  return Int32Array.from({ length: to - from }, (_, k) => from + k);
}

export const trpoUpdaterFactory: UpdaterFactory<TrpoConfig> = {
  columns: TRPO_COLUMNS,
  create: (config, inputShape, actionCount, seed) =>
    new TrpoUpdater(buildPolicyNetwork(inputShape, actionCount, seed, config.network), buildValueNetwork(inputShape, seed + 1000, config.network), adam(config.valueLearningRate, 0.9, 0.999, config.adamEpsilon), config),
  load: async (dir, config, inputShape, actionCount) => {
    const policy = await loadModel(join(dir, POLICY_DIR));
    const value = await loadModel(join(dir, VALUE_DIR));
    const shape = policy.inputs[0]?.shape.slice(1) ?? [];
    if (policy.outputs[0]?.shape[1] !== actionCount || shape.join() !== inputShape.join()) {
      policy.dispose();
      value.dispose();
      throw new FileError(join(dir, POLICY_DIR), `is not a policy net for ${inputShape.join('x')} observations and ${actionCount} actions`);
    }
    const optimizer = await loadOptimizer(dir);
    if (optimizer.getClassName() !== 'Adam') throw new FileError(dir, 'holds no Adam state');
    restoreExactAdamProducts(optimizer as FusedAdam);
    return new TrpoUpdater(policy, value, optimizer as FusedAdam, config);
  },
};
