import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gameFacts, listEnvs, makeEnv, resolveEnvOptions, scriptedAgentFor } from '../../envs/index.ts';
import { UserError } from '../../src/core/errors.ts';
import { hashObservation } from '../../src/core/gym/checkEnv.ts';
import type { ResetOptions, ResetResult, StepResult } from '../../src/core/gym/env.ts';
import { Wrapper } from '../../src/core/gym/wrappers/wrapper.ts';

function userError(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof UserError, `expected a UserError, got ${String(error)}`);
    assert.match(error.message, pattern);
    assert.ok(!error.message.includes('\n'), 'one line');
    return true;
  });
}

test('listEnvs lists Pong-v0 with its actions', () => {
  const pong = listEnvs().find((entry) => entry.id === 'Pong-v0');
  assert.deepEqual(pong?.actions, ['NOOP', 'UP', 'DOWN']);
  assert.ok((pong?.description.length ?? 0) > 10);
});

test('defaults: Float32Array [84, 84, 4] in [0, 1], 3 actions, id kept through the wrappers', () => {
  const env = makeEnv('Pong-v0');
  assert.equal(env.id, 'Pong-v0');
  assert.deepEqual(env.observationSpace.shape, [84, 84, 4]);
  assert.equal(env.observationSpace.dtype, 'float32');
  assert.equal(env.actionSpace.n, 3);
  const { observation } = env.reset({ seed: 0 });
  assert.ok(observation instanceof Float32Array && observation.length === 84 * 84 * 4);
  assert.ok(env.observationSpace.contains(env.step(0).observation));
  assert.deepEqual([env.render().width, env.render().height], [160, 210]);
});

test('options change what they name', () => {
  const env = makeEnv('Pong-v0', { size: 42, frameStack: 2, frameSkip: 1, maxEpisodeSteps: 5, game: { pointsToWin: 1 } });
  assert.deepEqual(env.observationSpace.shape, [42, 42, 2]);
  env.reset({ seed: 1 });
  let last = env.step(0);
  for (let i = 1; i < 5; i++) last = env.step(0);
  assert.equal(last.truncated, true, 'maxEpisodeSteps truncates');
  assert.deepEqual(last.info['episode'], { return: 0, length: 5 });
});

test('sticky actions keep the env deterministic per seed but change the trajectory', () => {
  const run = (stickyActionProbability: number): string[] => {
    const env = makeEnv('Pong-v0', { stickyActionProbability });
    env.reset({ seed: 9 });
    return Array.from({ length: 60 }, (_, i) => hashObservation(env.step(i % 20 < 10 ? 1 : 2).observation));
  };
  assert.deepEqual(run(0.5), run(0.5));
  assert.notDeepEqual(run(0.5), run(0));
});

/** Records the action of every step it passes on to the game. */
class ActionLog extends Wrapper<Uint8Array, Uint8Array> {
  readonly actions: number[] = [];

  reset(options?: ResetOptions): ResetResult<Uint8Array> {
    return this.env.reset(options);
  }

  step(action: number): StepResult<Uint8Array> {
    this.actions.push(action);
    return this.env.step(action);
  }
}

test('the wrapGame hook sees every emulator frame under the frame skip, and the observations stay the same', () => {
  let log: ActionLog | undefined;
  const hooked = makeEnv('Pong-v0', { frameSkip: 3 }, { wrapGame: (game) => (log = new ActionLog(game)) });
  const plain = makeEnv('Pong-v0', { frameSkip: 3 });
  hooked.reset({ seed: 4 });
  plain.reset({ seed: 4 });
  for (const action of [1, 2, 0, 1]) {
    assert.equal(hashObservation(hooked.step(action).observation), hashObservation(plain.step(action).observation));
  }
  assert.deepEqual(log?.actions, [1, 1, 1, 2, 2, 2, 0, 0, 0, 1, 1, 1]);
});

test('unknown env id is a UserError naming it and the valid ids', () => {
  userError(() => makeEnv('Breakout-v0'), /Breakout-v0.*valid ids: .*Pong-v0/);
});

test('unknown or bad options are UserErrors naming the option', () => {
  userError(() => makeEnv('Pong-v0', { frameskip: 4 } as never), /^env options: frameskip: unknown field; valid fields: frameSkip/);
  userError(() => makeEnv('Pong-v0', { frameSkip: 0 }), /frameSkip/);
  userError(() => makeEnv('Pong-v0', { size: 84.5 }), /size/);
  userError(() => makeEnv('Pong-v0', { stickyActionProbability: 2 }), /stickyActionProbability/);
  userError(() => resolveEnvOptions('fast'), /env option/);
});

test('unknown or bad game params are UserErrors naming the param', () => {
  userError(() => makeEnv('Pong-v0', { game: { pointsToWn: 5 } }), /game\.pointsToWn: unknown parameter for Pong-v0; valid parameters: pointsToWin/);
  userError(() => makeEnv('Pong-v0', { game: { pointsToWin: '5' } }), /game\.pointsToWin: must be a number/);
  userError(() => makeEnv('Pong-v0', { game: { pointsToWin: 0 } }), /game\.pointsToWin: must be a positive integer/);
  userError(() => makeEnv('Pong-v0', { game: { maxBallSpeed: 1 } }), /game\.maxBallSpeed/);
});

test('gameFacts: worst and best return from the game params, action names, a scripted player per game', () => {
  const pong = gameFacts('Pong-v0');
  assert.equal(pong.worstReturn, -21);
  assert.equal(pong.bestReturn, 21);
  assert.deepEqual(pong.actionNames, ['NOOP', 'UP', 'DOWN']);
  const short = gameFacts('Pong-v0', { game: { pointsToWin: 3 } });
  assert.deepEqual([short.worstReturn, short.bestReturn], [-3, 3]);
  const seaquest = gameFacts('Seaquest-v0');
  assert.equal(seaquest.worstReturn, 0);
  assert.equal(seaquest.bestReturn, undefined, 'Seaquest scores have no ceiling');
  userError(() => gameFacts('Pong-v0', { game: { pointsToWin: 0 } }), /game\.pointsToWin: must be a positive integer/);
  userError(() => gameFacts('Nope-v0'), /unknown env 'Nope-v0'/);
  for (const { id } of listEnvs()) {
    const env = makeEnv(id, { size: 42 });
    const player = gameFacts(id).scriptedPlayer(env.observationSpace.shape);
    const { observation, info } = env.reset({ seed: 1 });
    const action = player(observation, info);
    assert.ok(env.actionSpace.contains(action), `${id}: scripted action ${action}`);
    assert.equal(scriptedAgentFor(id, env.observationSpace.shape)(observation, info), action);
  }
});
