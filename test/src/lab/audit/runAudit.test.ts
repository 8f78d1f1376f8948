/**
 * The audit end to end on a real small model (models/pong-bc, Pong to 1 point, 3 episodes, three
 * attacks, no sweep), and its ground truth: with the logits multiplied by 1e4 the float32 softmax
 * saturates, the cross-entropy gradient is exactly zero, FGSM-ce and PGD-ce change nothing and the
 * audit flags it, while the margin loss still breaks the model; the same plan on the unscaled
 * model raises no flag. Seed 3: clean play wins all three episodes (seed + 0..2), so a failed
 * attack (return = clean) and a working one (return = -1) differ beyond the CIs. The sweep and
 * the plan's experiments are tested on a fake runner (no episodes).
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../../src/core/tensor/backend.ts';
import { loadPolicy } from '../../../../agents/loadPolicy.ts';
import type { Policy } from '../../../../agents/policy.ts';
import { runAudit, type ExperimentRunner } from '../../../../src/lab/audit/runAudit.ts';
import { costlyEps, firstRoundAttacks, nextSweepEps, roundExperiments, SWEEP_ATTACKS, type AuditPlan, type FirstRoundCell } from '../../../../src/lab/audit/plan.ts';
import { runExperiment, type ExperimentResult } from '../../../../src/lab/experiment/runner.ts';
import { expandConditions } from '../../../../src/lab/experiment/conditions.ts';
import type { ExperimentConfig } from '../../../../src/lab/experiment/config.ts';

before(async () => {
  await initBackend('wasm');
});

/** The same net with its logits times `scale`: the same actions, a saturated softmax (a test-only model). */
function scaledLogits(policy: Policy, scale: number): Policy {
  return { actionCount: policy.actionCount, inputShape: policy.inputShape, logits: (obs) => tf.tidy(() => tf.mul(policy.logits(obs), scale) as tf.Tensor2D), act: (obs) => policy.act(obs) };
}

const TINY: AuditPlan = {
  victim: 'models/pong-bc',
  env: { id: 'Pong-v0', options: { game: { pointsToWin: 1 } } },
  substitutes: [],
  eps: [0.03],
  episodes: 3,
  seed: 3,
  attacks: ['fgsm-ce', 'pgd10-ce', 'pgd10-margin'],
  maxDoublings: 0,
};

const onThisThread = (victim: Policy): ExperimentRunner => async (config) => runExperiment(config, { victim });

test('masked (logits x 1e4): FGSM-ce and PGD-ce fail, PGD-margin breaks it, and the audit flags margin-beats-ce; unmasked: no flag', async () => {
  const policy = await loadPolicy('models/pong-bc');
  const before = tf.memory().numTensors;
  const masked = await runAudit(TINY, onThisThread(scaledLogits(policy, 1e4)));
  const returnsOf = (attack: string) => masked.cells.find((c) => c.attack === attack)?.returns;
  assert.deepEqual(masked.clean.returns, [1, 1, 1], 'the fixture: clean play wins every episode');
  assert.deepEqual(returnsOf('fgsm-ce'), masked.clean.returns, 'FGSM-ce changes nothing on the saturated model');
  assert.deepEqual(returnsOf('pgd10-ce'), masked.clean.returns, 'PGD-ce changes nothing on the saturated model');
  assert.deepEqual(returnsOf('pgd10-margin'), [-1, -1, -1], 'the margin loss still breaks it');
  assert.deepEqual(masked.rows[0]?.perEpisodeMin.returns, [-1, -1, -1]);
  assert.deepEqual(
    masked.flags.map((f) => f.rule),
    ['margin-beats-ce'],
    masked.flags.map((f) => f.message).join('; '),
  );
  assert.match(masked.flags[0]?.message ?? '', /pgd10-margin -1.00 ± 0.00 beats pgd10-ce 1.00 ± 0.00/);

  const plain = await runAudit(TINY, onThisThread(policy));
  assert.deepEqual(plain.flags, [], plain.flags.map((f) => f.message).join('; '));
  assert.ok((plain.cells.find((c) => c.attack === 'pgd10-ce')?.mean ?? 1) < 0, 'on the unscaled model PGD-ce works');
  assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
});

/** A runner that plays no episode: every condition's return is `f(attack name, eps)` in every episode. */
function fakeRunner(f: (attack: string, eps: number, episode: number) => number, seen: ExperimentConfig[]): ExperimentRunner {
  return async (config) => {
    seen.push(config);
    const conditions = expandConditions(config);
    const episodes = conditions.flatMap((c) =>
      Array.from({ length: config.episodes }, (_, episode) => ({ condition: c.label, episode, seed: config.seed + episode, return: c.attack === 'none' ? 19 : f(c.spec?.name ?? '', c.eps, episode), length: 1, truncated: false, attackedSteps: 1, changedActions: 0, meanDelta: { l0: 0, l1: 0, l2: 0, linf: 0 } })),
    );
    const summaries = conditions.map((c) => {
      const own = episodes.filter((e) => e.condition === c.label);
      const r = own.reduce((a, e) => a + e.return, 0) / own.length;
      return { label: c.label, attack: c.attack, norm: c.norm ?? null, eps: c.eps, episodes: config.episodes, meanReturn: r, stdReturn: 0, ci95: 0, degradationPercent: 0, actionChangeRate: 0, actionChangeRateAllSteps: 0, attackRate: 1, meanDelta: { l0: 0, l1: 0, l2: 0, linf: 0 } };
    });
    return { conditions: summaries, episodes, steps: [], gifs: [] } as ExperimentResult;
  };
}

const FULL: AuditPlan = { victim: 'models/pong-dqn', env: { id: 'Pong-v0', options: {} }, substitutes: ['models/pong-a3c', 'models/pong-dqn-seed2'], eps: [0.00392, 0.00784, 0.01176], episodes: 2, seed: 0, maxDoublings: 6 };

test('the plan: one experiment of own attacks and one per substitute, all on the same seed and episodes', () => {
  const round = roundExperiments(FULL, 0, FULL.eps, true);
  assert.equal(round.length, 3);
  assert.deepEqual(round.map((r) => r.config.substitute), [undefined, 'models/pong-a3c', 'models/pong-dqn-seed2']);
  assert.ok(round.every((r) => r.config.seed === 0 && r.config.episodes === 2));
  assert.equal(expandConditions(round[0]!.config).length, 1 + 8 * 3, 'clean + 8 attacks x 3 eps');
  assert.deepEqual(round[1]!.conditions.map((c) => c.attack), ['transfer-fgsm@pong-a3c', 'transfer-fgsm@pong-a3c', 'transfer-fgsm@pong-a3c', 'transfer-pgd10@pong-a3c', 'transfer-pgd10@pong-a3c', 'transfer-pgd10@pong-a3c']);
  assert.ok(round[1]!.config.conditions.every((c) => c.attack !== 'none' && c.threat === 'transfer'));
  assert.deepEqual([nextSweepEps(FULL, FULL.eps), nextSweepEps(FULL, [...FULL.eps, 0.01568]), nextSweepEps(FULL, [0.25088])], [0.01568, 0.03136, undefined]);
});

test('the sweep doubles eps until the strongest attack reaches the worst, then stops', async () => {
  const seen: ExperimentConfig[] = [];
  // pgd10-margin reaches -21 from eps 0.03; everything else stays at 0.
  const result = await runAudit(FULL, fakeRunner((attack, eps) => (attack === 'pgd10-margin' && eps >= 0.03 ? -21 : 0), seen));
  assert.deepEqual(result.sweep, { epsAdded: [0.01568, 0.03136], stopped: 'reached-worst' });
  assert.deepEqual(result.eps, [0.00392, 0.00784, 0.01176, 0.01568, 0.03136]);
  // seen: round 0 (own + 2 transfer), the costly round (one experiment: every costly attack at every eps here), then the sweep.
  assert.deepEqual(seen[3]?.conditions.map((x) => x.name), ['pgd50-ce', 'pgd50-margin', 'spsa', 'decision']);
  const sweepAttacks = seen.slice(4).flatMap((c) => c.conditions.map((x) => x.name));
  assert.deepEqual([...new Set(sweepAttacks)], SWEEP_ATTACKS, 'the sweep runs only the sweep attacks, no transfer experiment');
  assert.ok(!result.flags.some((f) => f.rule === 'never-reaches-worst'));
});

test('costly attacks run after the cheap ones, at the smallest eps and where their check can still fire', async () => {
  const seen: ExperimentConfig[] = [];
  // Clean 19 (far level -1, reach level -18.9). PGD-10: far from the worst at 1/255, half way at 2/255, at the worst at 3/255.
  const pgd10 = (eps: number): number => (eps < 0.005 ? 0 : eps < 0.01 ? -10 : -21);
  const result = await runAudit({ ...FULL, maxDoublings: 0 }, fakeRunner((attack, eps) => (attack.startsWith('pgd10') ? pgd10(eps) : 0), seen));
  assert.equal(seen.length, 5, 'round 0: own + 2 transfer; round 1: two costly experiments');
  assert.ok(seen.slice(0, 3).every((c) => c.conditions.every((x) => !['pgd50-ce', 'pgd50-margin', 'spsa', 'decision'].includes(x.name ?? ''))), 'no costly attack in round 0');
  const epsOf = (attack: string): number[] => result.cells.filter((c) => c.attack === attack).map((c) => c.eps);
  assert.deepEqual(epsOf('pgd50-ce'), [0.00392], 'PGD-50: only where PGD-10 is far from the worst (and the smallest eps)');
  assert.deepEqual(epsOf('pgd50-margin'), [0.00392]);
  assert.deepEqual(epsOf('spsa'), [0.00392, 0.00784], 'SPSA: wherever no white-box attack reached the worst');
  assert.deepEqual(epsOf('decision'), [0.00392, 0.00784]);
  assert.deepEqual(epsOf('pgd10-ce'), FULL.eps, 'the cheap attacks run at every eps');
  assert.deepEqual(seen.slice(3).map((c) => c.name), ['audit-r1-costly0', 'audit-r1-costly1']);

  const all: ExperimentConfig[] = [];
  await runAudit({ ...FULL, maxDoublings: 0, costly: 'all' }, fakeRunner((attack, eps) => (attack.startsWith('pgd10') ? pgd10(eps) : 0), all));
  assert.equal(all.length, 3, "costly: 'all' runs everything in round 0");
  assert.equal(expandConditions(all[0]!).length, 1 + 8 * 3);
  assert.equal(firstRoundAttacks({ ...FULL, costly: 'all' }), undefined);
  assert.equal(firstRoundAttacks({ ...FULL, attacks: ['fgsm-ce', 'pgd10-ce'] }), undefined, 'no costly attack in the plan: one round');
});

test('costlyEps: each rule holds on its case and not on its negation', () => {
  const eps = [0.01, 0.02];
  const levels = { far: -1, reach: -18.9 };
  const cell = (attack: string, e: number, mean: number): FirstRoundCell => ({ attack, category: attack === 'random' ? 'random' : 'whitebox', eps: e, mean });
  assert.deepEqual(costlyEps('pgd50-ce', eps, [cell('pgd10-ce', 0.01, -20), cell('pgd10-ce', 0.02, 0)], levels), [0.01, 0.02], 'PGD-10 far from the worst at 0.02');
  assert.deepEqual(costlyEps('pgd50-ce', eps, [cell('pgd10-ce', 0.01, -20), cell('pgd10-ce', 0.02, -5)], levels), [0.01], 'not far at 0.02: smallest only');
  assert.deepEqual(costlyEps('pgd50-margin', eps, [cell('pgd10-ce', 0.02, -5), cell('pgd10-margin', 0.02, 3)], levels), [0.01, 0.02], 'either loss far is enough');
  assert.deepEqual(costlyEps('spsa', eps, [cell('fgsm-ce', 0.02, -10), cell('pgd10-ce', 0.02, -18)], levels), [0.01, 0.02], 'no white-box attack at the worst');
  assert.deepEqual(costlyEps('decision', eps, [cell('fgsm-ce', 0.02, -10), cell('pgd10-ce', 0.02, -19)], levels), [0.01], 'one white-box attack at the worst');
  assert.deepEqual(costlyEps('spsa', eps, [cell('random', 0.02, -21)], levels), [0.01, 0.02], 'random noise is not a white-box attack: nothing to judge by, run everywhere');
});

test('the per-episode minimum is the mean of each episode\'s minimum, not the minimum of the means', async () => {
  const plan: AuditPlan = { ...FULL, substitutes: [], eps: [0.004], attacks: ['pgd10-ce', 'pgd10-margin'], maxDoublings: 0 };
  const result = await runAudit(plan, fakeRunner((attack, _eps, episode) => ((attack === 'pgd10-ce') === (episode === 0) ? -10 : 0), []));
  assert.deepEqual(result.cells.map((c) => c.returns), [[-10, 0], [0, -10]]);
  assert.deepEqual(result.rows[0]?.perEpisodeMin, { mean: -10, ci95: 0, returns: [-10, -10] });
  assert.equal(Math.min(...result.cells.map((c) => c.mean)), -5);
});

test('a sweep that never reaches the worst stops at its cap and fires never-reaches-worst', async () => {
  const result = await runAudit({ ...FULL, substitutes: [], maxDoublings: 3 }, fakeRunner(() => -5, []));
  assert.deepEqual(result.sweep, { epsAdded: [0.01568, 0.03136], stopped: 'cap' });
  assert.deepEqual(result.flags.map((f) => f.rule), ['never-reaches-worst']);
});

test('determinism: the same plan and seed give the same result, byte for byte', async () => {
  const policy = await loadPolicy('models/pong-bc');
  const plan: AuditPlan = { ...TINY, episodes: 2, attacks: ['random'], eps: [0.05] };
  const first = JSON.stringify(await runAudit(plan, onThisThread(policy)));
  const second = JSON.stringify(await runAudit(plan, onThisThread(policy)));
  assert.equal(second, first);
  const other = JSON.stringify(await runAudit({ ...plan, seed: 4 }, onThisThread(policy)));
  assert.notEqual(other, first, 'another seed gives other episodes');
});
