/**
 * Sticky actions (Machado et al. 2018, ALE v5): at every frame, with probability p the env repeats
 * the previous frame's action instead of the new one. Placed under frame skipping, as in ALE, so
 * stickiness applies per emulator frame. Its own Rng is seeded from the reset seed, so the same
 * seed and actions still give the same trajectory.
 */
import { Rng } from '../../rng.ts';
import type { Env, ResetOptions, ResetResult, StepResult } from '../env.ts';
import type { BoxArray } from '../spaces.ts';
import { Wrapper } from './wrapper.ts';

/** Mixed into the reset seed so the sticky draws are not the game's own random sequence. */
const STICKY_SEED_SALT = 0x5f1c_a7e3;
const NOOP = 0;

export class StickyActions<Obs extends BoxArray> extends Wrapper<Obs, Obs> {
  private rng: Rng = Rng.fromSeed(STICKY_SEED_SALT);
  private previousAction = NOOP;

  constructor(env: Env<Obs>, readonly probability: number) {
    super(env);
    if (!(probability >= 0 && probability <= 1)) throw new RangeError(`StickyActions: probability must be in [0, 1], got ${probability}`);
  }

  reset(options?: ResetOptions): ResetResult<Obs> {
    if (options?.seed !== undefined) this.rng = Rng.fromSeed(options.seed ^ STICKY_SEED_SALT);
    this.previousAction = NOOP;
    return this.env.reset(options);
  }

  step(action: number): StepResult<Obs> {
    const taken = this.rng.chance(this.probability) ? this.previousAction : action;
    this.previousAction = taken;
    return this.env.step(taken);
  }
}
