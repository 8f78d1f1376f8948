/**
 * The adversary on the observation stream: given the clean observation, decides (timing) whether to
 * perturb it, perturbs it with the attack on the source policy's gradient (the victim's own for
 * white-box, a substitute's for black-box transfer), and reports what the victim would have done on
 * the clean view and does on what it sees. The env never sees any of this.
 */
import * as tf from '@tensorflow/tfjs-core';
import { argmax, type Policy } from '../../../agents/policy.ts';
import type { Rng } from '../../core/rng.ts';
import { deltaNorms, type DeltaNorms } from './norms.ts';
import { actionProbabilities } from './timing.ts';
import type { Attack, TimingStrategy } from './types.ts';

export interface AdversaryParts {
  readonly victim: Policy;
  readonly source: Policy;
  readonly attack: Attack;
  readonly timing: TimingStrategy;
  readonly rng: Rng;
}

export interface Perception {
  /** What the victim sees: the attacked observation, or the clean one on steps not attacked. */
  readonly observation: Float32Array;
  readonly attacked: boolean;
  readonly cleanAction: number;
  readonly attackedAction: number;
  readonly deltaNorms: DeltaNorms;
}

const NO_DELTA: DeltaNorms = { l0: 0, l1: 0, l2: 0, linf: 0 };

const NO_PROBABILITIES = new Float32Array(0);

function readLogits(policy: Policy, x: tf.Tensor4D): Float32Array {
  return tf.tidy(() => policy.logits(x).dataSync() as Float32Array);
}

/**
 * The policy, seen through a view that copies the logits it computes at exactly the tensor x (by
 * identity: a gradient attack's first forward pass is at the clean observation; a random start's
 * is not and is not kept). Weights and results are the policy's own.
 */
function watchLogitsAt(policy: Policy, x: tf.Tensor4D): { policy: Policy; logits: () => Float32Array | undefined } {
  let seen: Float32Array | undefined;
  const keep = (obs: tf.Tensor4D, logits: tf.Tensor2D): void => {
    if (obs === x && seen === undefined) seen = (logits.dataSync() as Float32Array).slice();
  };
  const inner = policy.inputGradient?.bind(policy);
  const view: Policy = {
    actionCount: policy.actionCount,
    inputShape: policy.inputShape,
    logits: (obs) => {
      const logits = policy.logits(obs);
      keep(obs, logits);
      return logits;
    },
    act: (obs) => policy.act(obs),
    ...(inner === undefined
      ? {}
      : {
          inputGradient: (obs: tf.Tensor4D, outputGradient: (logits: tf.Tensor2D) => tf.Tensor2D) =>
            inner(obs, (logits) => {
              keep(obs, logits);
              return outputGradient(logits);
            }),
        }),
  };
  return { policy: view, logits: () => seen };
}

export class AdversarialObservation {
  private step = 0;
  private attackedSoFar = 0;
  private stepsSeen = 0;
  private attackedTotal = 0;

  constructor(private readonly parts: AdversaryParts) {}

  resetEpisode(): void {
    this.step = 0;
    this.attackedSoFar = 0;
    this.parts.timing.reset();
  }

  /** Attacked steps / steps seen, over all episodes so far. */
  attackRate(): number {
    return this.stepsSeen === 0 ? 0 : this.attackedTotal / this.stepsSeen;
  }

  perceive(observation: Float32Array): Perception {
    const { victim, source, attack, timing, rng } = this.parts;
    const [h, w, k] = victim.inputShape;
    const x = tf.tensor4d(observation, [1, h, w, k]);
    try {
      // White-box with a timing that needs no probabilities: attack first and take the clean
      // action from the attack's own forward pass at x, when it makes one (FGSM does; PGD with a
      // random start and random noise do not, and get a forward pass of their own below).
      const attackFirst = source === victim && !timing.usesProbabilities;
      let cleanLogits: Float32Array | undefined;
      let probabilities: Float32Array = NO_PROBABILITIES;
      if (!attackFirst) {
        cleanLogits = readLogits(victim, x);
        // Timing uses what the attacker can compute: the source policy's action distribution.
        if (timing.usesProbabilities) probabilities = actionProbabilities(source === victim ? cleanLogits : readLogits(source, x));
      }
      const attackNow = timing.shouldAttack({ step: this.step, probabilities, attackedSoFar: this.attackedSoFar });
      this.step++;
      this.stepsSeen++;
      if (!attackNow) {
        const cleanAction = argmax(cleanLogits ?? readLogits(victim, x));
        return { observation, attacked: false, cleanAction, attackedAction: cleanAction, deltaNorms: NO_DELTA };
      }
      this.attackedSoFar++;
      this.attackedTotal++;
      const watched = attackFirst ? watchLogitsAt(source, x) : undefined;
      const perturbed = attack(watched?.policy ?? source, x, rng);
      try {
        const cleanAction = argmax(cleanLogits ?? watched?.logits() ?? readLogits(victim, x));
        const seen = perturbed.dataSync() as Float32Array;
        const attackedAction = argmax(readLogits(victim, perturbed));
        return { observation: seen, attacked: true, cleanAction, attackedAction, deltaNorms: deltaNorms(observation, seen) };
      } finally {
        perturbed.dispose();
      }
    } finally {
      x.dispose();
    }
  }
}
