/**
 * Builds a learner's training-observation hook (agents/training/observationHook.ts) from the defense
 * blocks of its config: adversarialTraining (agents/training/adversarialTraining.ts; the perturbation
 * is the attack registry's fgsm or pgd, src/lab/adversary/registry.ts) and saRegularizer
 * (agents/dqn/config.ts; the worst state is marginPgd.ts). `advgym train` calls this and passes the
 * hook to the learner; library callers of trainDqn may do the same.
 *
 * Every perturbation stays in the ramped eps-ball and in [0,1] (the attacks clip; the test checks).
 * eps ramps linearly from 0 (rampedEps); at eps 0 the observation passes unchanged, and worstCase
 * returns obs itself, which tells the learner to skip the regularizer (SA_DQN does the same).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { SaRegularizerConfig } from '../../../agents/dqn/config.ts';
import type { Policy } from '../../../agents/policy.ts';
import { rampedEps, type AdversarialTrainingConfig } from '../../../agents/training/adversarialTraining.ts';
import type { ObservationHook, ObservationTransform } from '../../../agents/training/observationHook.ts';
import type { Rng } from '../../core/rng.ts';
import { attackEntry } from '../adversary/registry.ts';
import { marginPgd } from './marginPgd.ts';

export interface DefenseBlocks {
  readonly adversarialTraining?: AdversarialTrainingConfig | null | undefined;
  readonly saRegularizer?: SaRegularizerConfig | null | undefined;
}

/** The attack of the block at radius eps (fgsm, or pgd with its steps and random start). */
function attackAt(block: AdversarialTrainingConfig, eps: number): (policy: Policy, obs: tf.Tensor4D, rng: Rng) => tf.Tensor4D {
  const budget = { eps, norm: block.norm, scope: block.scope };
  const options = block.attack === 'pgd' ? { ...budget, steps: block.pgdSteps, randomStart: block.randomStart } : budget;
  return attackEntry(block.attack, 'adversarialTraining.attack').make(options, 'adversarialTraining');
}

/** A random permutation of 0..n-1 from the learner's rng (Fisher-Yates). */
function permutation(n: number, rng: Rng): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  return order;
}

/** Acting: with probability `fraction`, the agent sees the attacked observation (SA_DQN adv_ratio). */
function actTransform(block: AdversarialTrainingConfig): ObservationTransform {
  return (policy, obs, rng, step) => {
    const eps = rampedEps(block, step);
    if (eps === 0 || !rng.chance(block.fraction)) return obs;
    return attackAt(block, eps)(policy, obs, rng);
  };
}

/** Learning: round(fraction * batch) random rows of the batch replaced by attacked ones, the rest clean. */
function learnTransform(block: AdversarialTrainingConfig): ObservationTransform {
  return (policy, obs, rng, step) => {
    const eps = rampedEps(block, step);
    const rows = obs.shape[0];
    const attacked = Math.round(block.fraction * rows);
    if (eps === 0 || attacked === 0) return obs;
    const attack = attackAt(block, eps);
    if (attacked === rows) return attack(policy, obs, rng);
    const order = permutation(rows, rng);
    const inverse = new Int32Array(rows);
    order.forEach((row, position) => (inverse[row] = position));
    return tf.tidy(() => {
      const chosen = attack(policy, tf.gather(obs, order.slice(0, attacked)) as tf.Tensor4D, rng);
      const together = tf.concat([chosen, tf.gather(obs, order.slice(attacked))]);
      return tf.gather(together, Array.from(inverse)) as tf.Tensor4D;
    });
  };
}

function worstCaseTransform(block: SaRegularizerConfig): ObservationTransform {
  return (policy, obs, rng, step) => marginPgd(policy, obs, { eps: rampedEps(block, step), steps: block.pgdSteps, randomStart: block.randomStart, scope: 'all' }, rng);
}

/** The hook the blocks ask for; undefined when both are off. */
export function buildObservationHook(blocks: DefenseBlocks): ObservationHook | undefined {
  const adversarial = blocks.adversarialTraining ?? undefined;
  const sa = blocks.saRegularizer ?? undefined;
  if (adversarial === undefined && sa === undefined) return undefined;
  const acts = adversarial !== undefined && adversarial.where !== 'learn';
  const learns = adversarial !== undefined && adversarial.where !== 'act';
  return {
    ...(acts ? { act: actTransform(adversarial) } : {}),
    ...(learns ? { learn: learnTransform(adversarial) } : {}),
    ...(sa === undefined ? {} : { worstCase: worstCaseTransform(sa) }),
  };
}
