/**
 * PPO's update (Schulman et al. 2017, Algorithm 1 with CleanRL ppo_atari's details): `epochs`
 * passes over the rollout in shuffled minibatches; each minibatch normalizes its advantages, takes
 * the clipped-surrogate loss's gradient (loss.ts, closed form through the chain net), clips it to
 * the global norm and takes an Adam step (advgym's fused Adam, src/core/tensor/adam.ts). The step
 * size and the clip range anneal linearly to 0 over the run. One actor-critic net, the A3C's.
 */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { adam, type FusedAdam } from '../../src/core/tensor/adam.ts';
import { loadModel, loadOptimizer, saveModel, saveOptimizer } from '../../src/core/tensor/fileIO.ts';
import { FileError } from '../../src/core/errors.ts';
import type { ChainNet } from '../chainParameterGradient.ts';
import { buildActorCritic } from '../networks.ts';
import { normalize } from '../onpolicy/gae.ts';
import { chainNetOf, clipAndApply, forwardOutputs, restoreExactAdamProducts, shuffled } from '../onpolicy/gradients.ts';
import type { BatchForward } from '../onpolicy/rollout.ts';
import type { OnPolicyUpdater, Rollout, UpdateContext, UpdaterFactory } from '../onpolicy/updater.ts';
import { annealFactor, type PpoConfig } from './config.ts';
import { PpoGradientThread } from './gradientThread.ts';
import { PPO_LOSS_TERM_KEYS, type PpoCoefficients, type PpoLossTerms } from './loss.ts';
import { ppoParameterGradients } from './minibatchGradient.ts';

const MODEL_DIR = 'actor-critic';

interface MinibatchRows {
  readonly actions: Int32Array;
  readonly oldLogProbs: Float32Array;
  readonly advantages: Float32Array;
  readonly returns: Float32Array;
  readonly oldValues: Float32Array;
}

function rowsOf(batch: MinibatchRows, from: number, to: number): MinibatchRows {
  return {
    actions: batch.actions.subarray(from, to),
    oldLogProbs: batch.oldLogProbs.subarray(from, to),
    advantages: batch.advantages.subarray(from, to),
    returns: batch.returns.subarray(from, to),
    oldValues: batch.oldValues.subarray(from, to),
  };
}

export const PPO_COLUMNS = ['loss', 'policyLoss', 'valueLoss', 'entropy', 'approxKl', 'clipFraction', 'gradientNorm', 'learningRate', 'clipRange'] as const;

export class PpoUpdater implements OnPolicyUpdater {
  private readonly net: ChainNet;
  /** The second thread of each minibatch gradient (config gradientThreads 2), else undefined. */
  private readonly gradientThread: PpoGradientThread | undefined;
  readonly forward: BatchForward;

  constructor(
    readonly model: tfl.LayersModel,
    private readonly optimizer: FusedAdam,
    private readonly config: PpoConfig,
  ) {
    this.net = chainNetOf(model);
    this.gradientThread = config.gradientThreads === 2 ? new PpoGradientThread(model, this.net.variables.map((v) => v.shape as number[]), Math.ceil(config.minibatchSize / 2), config.network) : undefined;
    this.forward = (observations, count) => {
      const [logits, values] = forwardOutputs(model, observations, count) as [Float32Array, Float32Array];
      return { logits, values };
    };
  }

  get policyModel(): tfl.LayersModel {
    return this.model;
  }

  update(rollout: Rollout, context: UpdateContext): Record<string, number> {
    const { config } = this;
    const { buffer } = rollout;
    const alpha = annealFactor(context.progress);
    const learningRate = config.learningRate * (config.annealLearningRate ? alpha : 1);
    const clipRange = config.clipRange * (config.annealClipRange ? alpha : 1);
    this.optimizer.learningRate = learningRate;
    const coefficients = { clipRange, clipValueLoss: config.clipValueLoss, valueCoef: config.valueCoef, entropyCoef: config.entropyCoef };
    const rows = buffer.rows;
    const size = Math.min(config.minibatchSize, rows);
    const sums = { loss: 0, policyLoss: 0, valueLoss: 0, entropy: 0, approxKl: 0, clipFraction: 0, gradientNorm: 0 };
    let minibatches = 0;
    for (let epoch = 0; epoch < config.epochs; epoch++) {
      const order = shuffled(rows, context.rng);
      for (let start = 0; start + size <= rows; start += size) {
        const batchRows = order.subarray(start, start + size);
        const pick = (source: Float32Array | Int32Array): Float32Array => Float32Array.from(batchRows, (r) => source[r] as number);
        const batch = {
          actions: Int32Array.from(batchRows, (r) => buffer.actions[r] as number),
          oldLogProbs: pick(buffer.logProbs),
          advantages: config.normalizeAdvantages ? normalize(rollout.advantages, batchRows) : pick(rollout.advantages),
          returns: pick(rollout.returns),
          oldValues: pick(buffer.values),
        };
        const { terms, gradients } = this.minibatchGradient(buffer.gather(batchRows), batch, coefficients);
        sums.gradientNorm += clipAndApply(this.optimizer, this.net, gradients, config.maxGradNorm);
        for (const key of PPO_LOSS_TERM_KEYS) sums[key] += terms[key];
        minibatches++;
        if (!Number.isFinite(terms.loss)) return { ...sums, loss: terms.loss };
      }
    }
    const mean = (x: number): number => x / Math.max(1, minibatches);
    return {
      loss: mean(sums.loss),
      policyLoss: mean(sums.policyLoss),
      valueLoss: mean(sums.valueLoss),
      entropy: mean(sums.entropy),
      approxKl: mean(sums.approxKl),
      clipFraction: mean(sums.clipFraction),
      gradientNorm: mean(sums.gradientNorm),
      learningRate,
      clipRange,
    };
  }

  /** The minibatch's loss terms and parameter gradients, in this thread or split with the gradient thread. */
  private minibatchGradient(observations: Float32Array, batch: MinibatchRows, coefficients: PpoCoefficients): { terms: PpoLossTerms; gradients: tf.Tensor[] } {
    const rows = batch.actions.length;
    const helper = this.gradientThread;
    if (helper === undefined || rows < 2) return ppoParameterGradients(this.net, this.model, observations, rows, batch, coefficients);
    // This thread takes the first `split` rows, the helper the rest, at the same weights; each
    // part's loss is a mean over its rows, so the minibatch's is their row-weighted mean.
    const split = Math.ceil(rows / 2);
    const rowSize = observations.length / rows;
    helper.begin(observations.subarray(split * rowSize), rowsOf(batch, split, rows), coefficients);
    let mine: { terms: PpoLossTerms; gradients: tf.Tensor[] };
    try {
      mine = ppoParameterGradients(this.net, this.model, observations.subarray(0, split * rowSize), split, rowsOf(batch, 0, split), coefficients);
    } catch (error) {
      tf.dispose(helper.end().gradients);
      throw error;
    }
    const theirs = helper.end();
    const a = split / rows;
    const b = (rows - split) / rows;
    const gradients = mine.gradients.map((g, i) => tf.tidy(() => tf.add(tf.mul(g, a), tf.mul(theirs.gradients[i] as tf.Tensor, b))));
    tf.dispose([...mine.gradients, ...theirs.gradients]);
    const terms = Object.fromEntries(PPO_LOSS_TERM_KEYS.map((key) => [key, a * mine.terms[key] + b * theirs.terms[key]])) as unknown as PpoLossTerms;
    return { terms, gradients };
  }

  async save(dir: string): Promise<void> {
    await saveModel(this.model, join(dir, MODEL_DIR));
    await saveOptimizer(this.optimizer, dir);
  }

  dispose(): void {
    this.gradientThread?.dispose();
    this.model.dispose();
    this.optimizer.dispose();
  }
}

export const ppoUpdaterFactory: UpdaterFactory<PpoConfig> = {
  columns: PPO_COLUMNS,
  create: (config, inputShape, actionCount, seed) => new PpoUpdater(buildActorCritic(inputShape, actionCount, seed, config.network), adam(config.learningRate, 0.9, 0.999, config.adamEpsilon), config),
  load: async (dir, config, inputShape, actionCount) => {
    const model = await loadModel(join(dir, MODEL_DIR));
    const shape = model.inputs[0]?.shape.slice(1) ?? [];
    if (model.outputs.length !== 2 || model.outputs[0]?.shape[1] !== actionCount || shape.join() !== inputShape.join()) {
      model.dispose();
      throw new FileError(join(dir, MODEL_DIR), `is not an actor-critic for ${inputShape.join('x')} observations and ${actionCount} actions`);
    }
    const optimizer = await loadOptimizer(dir);
    if (!(optimizer instanceof tf.Optimizer) || optimizer.getClassName() !== 'Adam') throw new FileError(dir, 'holds no Adam state');
    restoreExactAdamProducts(optimizer as FusedAdam);
    return new PpoUpdater(model, optimizer as FusedAdam, config);
  },
};
