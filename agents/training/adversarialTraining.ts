/**
 * The adversarial-training block shared by the DQN and A3C configs (null = off). It is data only:
 * the perturbation itself is built in the lab from this block (src/lab/defense/observationHook.ts)
 * and handed to the learner through the training-observation hook (observationHook.ts), because
 * agents/ never imports the lab's attacks.
 *
 * Sources: Pattanaik et al. 2018 and Behzadan & Munir 2017 (act on attacked observations while
 * collecting experience); SA_DQN's `Pong_adv.json` (chenhongge/SA_DQN, train.py `adv_train`):
 * 10-step PGD with a random start at eps = 1/255, applied to the observation the agent acts on with
 * probability adv_ratio = 0.5 (defaults.json), eps ramped linearly from 0 (its EpsilonScheduler;
 * RADIAL ramps the same way).
 */
import { z } from 'zod';

export const adversarialTrainingSchema = z.strictObject({
  /** 'pgd' (SA_DQN's `_adv` configs) or 'fgsm' (Pattanaik et al. 2018; one gradient step: ~10x cheaper). */
  attack: z.enum(['fgsm', 'pgd']).default('pgd'),
  /** Threat model's norm. SA_DQN and RADIAL train and test in l-inf. */
  norm: z.enum(['linf', 'l2', 'l1']).default('linf'),
  /** Final radius in [0,1] pixel units. SA_DQN / RADIAL Pong: 1/255 = 0.00392. */
  eps: z.number().min(0).max(1).default(1 / 255),
  /** Agent steps over which eps grows linearly from 0 to `eps` (SA_DQN: 4M frames from 1.5M; ours shorter for fine-tuning). 0 = full eps at once. */
  epsRampSteps: z.int().min(0).default(100_000),
  /** Step of the run where the ramp starts (SA_DQN schedule_start 1.5M from scratch; 0 when fine-tuning a trained agent, as RADIAL does). */
  epsRampStart: z.int().min(0).default(0),
  /** PGD iterations (SA_DQN Pong_adv: niters 10); ignored by fgsm. */
  pgdSteps: z.int().min(1).max(100).default(10),
  /** PGD starts at a random point of the ball (SA_DQN attack_config: random_start true). */
  randomStart: z.boolean().default(true),
  /** Frames of the stack perturbed: 'all' (SA-DQN perturbs the whole state; covers Huang's 'newest' threat) or 'newest'. */
  scope: z.enum(['all', 'newest']).default('all'),
  /** 'act': acting steps attacked with probability `fraction`; 'learn': that share of each batch's rows attacked. SA_DQN adv_ratio: 0.5. */
  fraction: z.number().min(0).max(1).default(0.5),
  /**
   * 'act' (SA_DQN adv_train, Pattanaik et al.), 'learn' (the loss sees attacked batch states), or 'both'.
   * For the on-policy A3C prefer 'act': with 'learn' the policy gradient is taken at attacked states
   * for actions sampled at the clean ones, where the attack has made them unlikely, so -A log pi
   * grows without bound. Measured 2026-12-06 (FGSM 3/255, fine-tuning models/pong-a3c): policy
   * entropy 0.028 -> 0.0016 and training return 13 -> 0.6 between 120k and 142k steps.
   */
  where: z.enum(['act', 'learn', 'both']).default('act'),
});

export type AdversarialTrainingConfig = z.output<typeof adversarialTrainingSchema>;

/** The radius at `step` of a linear ramp from 0 (at `start`) to `eps` (at start + rampSteps). */
export function rampedEps(ramp: { readonly eps: number; readonly epsRampSteps: number; readonly epsRampStart?: number }, step: number): number {
  const since = step - (ramp.epsRampStart ?? 0);
  if (since < 0) return 0;
  if (ramp.epsRampSteps === 0) return ramp.eps;
  return ramp.eps * Math.min(1, since / ramp.epsRampSteps);
}
