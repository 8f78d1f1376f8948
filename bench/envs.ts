/**
 * Env throughput: agent steps per second for every registered game through makeEnv defaults
 * (84 x 84 x 4 float observation, frame skip 4), random actions from a seeded Rng, one core.
 * The bare game row (one emulator frame per step, no drawing) shows what the wrappers cost.
 */
import { findGame, listEnvs, makeEnv } from '../envs/index.ts';
import type { Env } from '../src/gym/env.ts';
import { Rng } from '../src/rng.ts';

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
  console.log(`\n## envs: agent steps/s, random actions, ${TIMED_STEPS} timed steps after ${WARMUP_STEPS} warm-up\n`);
  console.log('| env | makeEnv defaults (84x84x4, skip 4) | bare game frames/s (no obs drawn) | bare frames per agent step time |');
  console.log('|---|---:|---:|---:|');
  for (const { id } of listEnvs()) {
    const full = stepsPerSecond(makeEnv(id), true);
    const bare = stepsPerSecond(findGame(id).makeGameEnv(84, {}), false);
    console.log(`| ${id} | ${full.toFixed(0)} | ${bare.toFixed(0)} | ${(bare / full).toFixed(1)} |`);
  }
}
