/**
 * The viewer's twins (page/twins.ts) in Node on the wasm backend with the committed pong-dqn: in
 * lockstep on one seed, identical without an attack, apart under FGSM, reproducible from the seed,
 * reset together, and leak-free.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { loadPolicy } from '../../../../../agents/loadPolicy.ts';
import type { Policy } from '../../../../../agents/policy.ts';
import { initBackend } from '../../../../../src/core/tensor/backend.ts';
import { adversaryFromSettings } from '../../../../../src/lab/web/page/adversaryFromSettings.ts';
import { RateCounter } from '../../../../../src/lab/web/page/counters.ts';
import { DEFAULT_SETTINGS } from '../../../../../src/lab/web/page/settings.ts';
import { Twins, type TwinStep } from '../../../../../src/lab/web/page/twins.ts';
import { assertNoLeak } from '../../../../helpers/leakCheck.ts';

let policy: Policy;
before(async () => {
  await initBackend('wasm');
  policy = await loadPolicy('models/pong-dqn');
});

function play(twins: Twins, steps: number): TwinStep[] {
  return Array.from({ length: steps }, () => twins.step());
}

test('without an attack the twins play the same game', () => {
  const twins = new Twins('Pong-v0', {}, policy, 4);
  twins.setAdversary(adversaryFromSettings({ ...DEFAULT_SETTINGS, attack: 'none' }, policy));
  for (const step of play(twins, 60)) {
    assert.equal(step.perception.attackedAction, step.cleanAction, `step ${step.step}`);
    assert.equal(step.perception.attacked, false);
  }
  assert.deepEqual(twins.renderClean(), twins.renderAttacked());
});

test('FGSM at eps 0 changes nothing; at eps 0.008 the attacked twin acts differently, reproducibly', async () => {
  const zero = new Twins('Pong-v0', {}, policy, 4);
  zero.setAdversary(adversaryFromSettings({ ...DEFAULT_SETTINGS, attack: 'fgsm', eps: 0 }, policy));
  for (const step of play(zero, 30)) assert.equal(step.perception.attackedAction, step.cleanAction);

  const run = (): { actions: number[]; rates: ReturnType<RateCounter['rates']> } => {
    const twins = new Twins('Pong-v0', {}, policy, 4);
    twins.setAdversary(adversaryFromSettings({ ...DEFAULT_SETTINGS, attack: 'fgsm', eps: 0.008 }, policy));
    const counter = new RateCounter();
    const actions = play(twins, 60).map((step) => {
      counter.add(step);
      return step.perception.attackedAction;
    });
    return { actions, rates: counter.rates() };
  };
  const first = await assertNoLeak(run, '60 attacked twin steps');
  assert.deepEqual(run(), first, 'same seed, same settings: same play');
  assert.equal(first.rates.attacked, 60);
  assert.ok(first.rates.changed > 0 && first.rates.diverged > 0, JSON.stringify(first.rates));
});

test('when one twin finishes its episode both start the next seed together', () => {
  const twins = new Twins('Pong-v0', { game: { pointsToWin: 1 } }, policy, 11);
  twins.setAdversary(adversaryFromSettings({ ...DEFAULT_SETTINGS, attack: 'fgsm', eps: 0.03 }, policy));
  let ended: TwinStep | undefined;
  for (let i = 0; i < 3000 && ended === undefined; i++) {
    const step = twins.step();
    if (step.episodeEnded) ended = step;
  }
  assert.ok(ended !== undefined, 'a one-point match ends');
  const scores = twins.scores();
  assert.equal(scores.episode, 1);
  assert.equal(scores.clean, 0);
  assert.equal(scores.attacked, 0);
  assert.ok(scores.lastClean !== undefined && scores.lastAttacked !== undefined);
  assert.ok(Math.abs(scores.lastAttacked) === 1 || Math.abs(scores.lastClean) === 1, JSON.stringify(scores));
  // Fresh episode on seed 12 for both: the same frame.
  assert.deepEqual(twins.renderClean(), twins.renderAttacked());
});

test('a bad attack setting is the adversary\'s own one-line error', () => {
  assert.throws(() => adversaryFromSettings({ ...DEFAULT_SETTINGS, attack: 'fgsm', timing: 'strategic', beta: 2 }, policy), /timing: beta: Too big/);
  assert.throws(() => new Twins('Pong-v0', { size: 42 }, policy, 0), /the model takes 84x84x4 observations but Pong-v0 gives 42x42x4/);
});
