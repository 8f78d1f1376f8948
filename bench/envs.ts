/**
 * Env throughput: agent steps per second for every registered game through makeEnv defaults
 * (84 x 84 x 4 float observation, frame skip 4), random actions from a seeded Rng, one core.
 * Two reference columns from the same run show where the time goes: frame skipping alone (two
 * frames drawn and max-pooled per step) and the bare game (one frame per step, nothing drawn).
 */
import { findGame, listEnvs, makeEnv } from '../envs/index.ts';
import type { Env } from '../src/core/gym/env.ts';
import { MaxAndSkip } from '../src/core/gym/wrappers/maxAndSkip.ts';
import { Rng } from '../src/core/rng.ts';

const WARMUP_STEPS = 2_000;
const TIMED_STEPS = 20_000;

function stepsPerSecond(env: Env, readObservation: boolean): number {
  const rng = Rng.fromSeed(1);
  let seed = 0;
  env.reset({ seed: seed++ });
  const run = (steps: number): void => {
    for (let i = 0; i < steps; i++) {
      const result = env.step(env.actionSpace.sample(rng));
      if (readObservation && result.observation.length === 0) throw new Error('empty observation');
      if (result.terminated || result.truncated) env.reset({ seed: seed++ });
    }
  };
  run(WARMUP_STEPS);
  const start = performance.now();
  run(TIMED_STEPS);
  return TIMED_STEPS / ((performance.now() - start) / 1000);
}

export function runEnvBench(): void {
  console.log(`\n## envs: agent steps/s, random actions, ${TIMED_STEPS} timed steps after ${WARMUP_STEPS} warm-up, one core\n`);
  console.log('Same run, so the ratios hold even when the machine is busy: "skip only" is the game with');
  console.log('MaxAndSkip(4) and no stacking/scaling; "bare" is one emulator frame per step, nothing drawn.\n');
  console.log('| env | makeEnv defaults (84x84x4 float, skip 4) | skip only (84x84 uint8) | bare game frames/s | skip only / defaults | bare frames / default step |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const { id } of listEnvs()) {
    const full = stepsPerSecond(makeEnv(id), true);
    const skipOnly = stepsPerSecond(new MaxAndSkip(findGame(id).makeGameEnv(84, {}), 4), true);
    const bare = stepsPerSecond(findGame(id).makeGameEnv(84, {}), false);
    console.log(`| ${id} | ${full.toFixed(0)} | ${skipOnly.toFixed(0)} | ${bare.toFixed(0)} | ${(skipOnly / full).toFixed(2)} | ${(bare / full).toFixed(1)} |`);
  }
}
