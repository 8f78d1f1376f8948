/**
 * The adversary on the observation stream: given the clean observation, decides (timing) whether to
 * perturb it, perturbs it with the attack on the source policy's gradient (the victim's own for
 * white-box, a substitute's for black-box transfer), and reports what the victim would have done on
 * the clean view and does on what it sees. The env never sees any of this.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Policy } from '../../agents/policy.ts';
import type { Rng } from '../rng.ts';
import { deltaNorms, type DeltaNorms } from './norms.ts';
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

function argmax(values: Float32Array | Int32Array | Uint8Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if ((values[i] as number) > (values[best] as number)) best = i;
  return best;
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
      const victimLogits = tf.tidy(() => victim.logits(x).dataSync() as Float32Array);
      const cleanAction = argmax(victimLogits);
      // Timing uses what the attacker can compute: the source policy's action distribution.
      const probabilities = tf.tidy(() => tf.softmax(source === victim ? tf.tensor2d(victimLogits, [1, victimLogits.length]) : source.logits(x)).dataSync() as Float32Array);
      const attackNow = timing.shouldAttack({ step: this.step, probabilities, attackedSoFar: this.attackedSoFar });
      this.step++;
      this.stepsSeen++;
      if (!attackNow) return { observation, attacked: false, cleanAction, attackedAction: cleanAction, deltaNorms: NO_DELTA };
      this.attackedSoFar++;
      this.attackedTotal++;
      const perturbed = attack(source, x, rng);
      try {
        const seen = perturbed.dataSync() as Float32Array;
        const attackedAction = tf.tidy(() => argmax(victim.logits(perturbed).dataSync() as Float32Array));
        return { observation: seen, attacked: true, cleanAction, attackedAction, deltaNorms: deltaNorms(observation, seen) };
      } finally {
        perturbed.dispose();
      }
    } finally {
      x.dispose();
    }
  }
}
