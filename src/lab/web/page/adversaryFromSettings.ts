/**
 * The adversary a view's settings describe, built with the adversary's public entry points only
 * (makeAttack, makeTiming, AdversarialObservation): the same code path as `advgym run`, so what the
 * page shows is what the experiments measure. White-box: the victim is its own source.
 */
import type { Policy } from '../../../../agents/policy.ts';
import { Rng } from '../../../core/rng.ts';
import { AdversarialObservation, makeAttack, makeTiming, type AttackConfig, type TimingConfig } from '../../adversary/index.ts';
import type { ViewerSettings } from './settings.ts';

/** undefined for attack 'none': the attacked twin then plays clean, like its twin. */
export function adversaryFromSettings(settings: ViewerSettings, policy: Policy): AdversarialObservation | undefined {
  if (settings.attack === 'none') return undefined;
  const targeted = settings.target >= 0 && settings.target < policy.actionCount && settings.attack !== 'random';
  const attack: AttackConfig = {
    kind: settings.attack,
    eps: settings.eps,
    norm: settings.norm,
    scope: settings.scope,
    ...(targeted ? { targetAction: settings.target } : {}),
    ...(settings.attack === 'pgd' ? { steps: settings.pgdSteps } : {}),
  };
  const timing: TimingConfig =
    settings.timing === 'everyN' ? { kind: 'everyN', n: settings.n } : settings.timing === 'strategic' ? { kind: 'strategic', beta: settings.beta } : { kind: 'every' };
  return new AdversarialObservation({
    victim: policy,
    source: policy,
    attack: makeAttack(attack),
    timing: makeTiming(timing),
    // Its own stream (random noise, PGD's random start), fixed by the view's seed.
    rng: Rng.fromSeed(settings.seed + 1),
  });
}
