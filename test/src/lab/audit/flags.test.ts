/** Each gradient-masking rule fires on a constructed case and stays silent on its negation. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  beats,
  blackboxBeatsWhitebox,
  fgsmBeatsPgd,
  gradientMaskingFlags,
  marginBeatsCe,
  moreStepsAddNothing,
  neverReachesWorst,
  notMonotonic,
  randomBeatsGradient,
  type CellStat,
  type FlagInput,
} from '../../../../src/lab/audit/flags.ts';
import type { AttackCategory } from '../../../../src/lab/audit/plan.ts';

const CATEGORY: Record<string, AttackCategory> = {
  random: 'random',
  'fgsm-ce': 'whitebox',
  'pgd10-ce': 'whitebox',
  'pgd10-margin': 'whitebox',
  'pgd50-ce': 'whitebox',
  'pgd50-margin': 'whitebox',
  spsa: 'gradient-free',
  decision: 'decision',
  'transfer-fgsm@sub': 'transfer',
};

/** Pong-21 numbers: clean 19, worst -21. */
function input(means: Record<string, number>, options: { eps?: number; ci?: number; extra?: CellStat[]; sweepCapped?: boolean } = {}): FlagInput {
  const eps = options.eps ?? 0.004;
  const cells: CellStat[] = Object.entries(means).map(([attack, mean]) => ({ attack, category: CATEGORY[attack] ?? 'whitebox', eps, mean, ci95: options.ci ?? 1 }));
  return { worst: -21, clean: { mean: 19, ci95: 1 }, cells: [...cells, ...(options.extra ?? [])], sweepCapped: options.sweepCapped ?? false, reachLevel: -18.9 };
}

/** An undefended model: every gradient attack near the worst, the rest weaker. */
const HEALTHY = { random: 18, 'fgsm-ce': -15, 'pgd10-ce': -20, 'pgd10-margin': -20.5, 'pgd50-ce': -21, 'pgd50-margin': -21, spsa: 5, decision: 17, 'transfer-fgsm@sub': 0 };

test('"beats" needs the gap to exceed both CI half-widths', () => {
  const cell = (mean: number, ci95: number): CellStat => ({ attack: 'a', category: 'whitebox', eps: 1, mean, ci95 });
  assert.equal(beats(cell(-5, 1), cell(-2.5, 1)), true);
  assert.equal(beats(cell(-5, 1.5), cell(-2.5, 1.5)), false);
  assert.equal(beats(cell(-2.5, 0), cell(-5, 0)), false);
});

test('a healthy model fires no rule', () => {
  assert.deepEqual(gradientMaskingFlags(input(HEALTHY)), []);
});

test('blackbox-beats-whitebox: spsa below every gradient attack fires; below only some does not', () => {
  const fired = blackboxBeatsWhitebox(input({ 'fgsm-ce': 10, 'pgd10-ce': 8, 'pgd10-margin': 7, spsa: -20 }));
  assert.equal(fired.length, 1);
  assert.match(fired[0]?.message ?? '', /spsa -20.00 .* beats every white-box .*pgd10-margin 7.00/);
  assert.deepEqual(blackboxBeatsWhitebox(input({ 'fgsm-ce': 10, 'pgd10-ce': 8, 'pgd10-margin': -20, spsa: -20 })), []);
  // Transfer and decision count too.
  assert.equal(blackboxBeatsWhitebox(input({ 'pgd10-ce': 8, 'transfer-fgsm@sub': -10 })).length, 1);
  assert.equal(blackboxBeatsWhitebox(input({ 'pgd10-ce': 8, decision: -10 })).length, 1);
});

test('fgsm-beats-pgd fires when FGSM-ce is below PGD-ce beyond the CIs, not within them', () => {
  assert.equal(fgsmBeatsPgd(input({ 'fgsm-ce': -10, 'pgd10-ce': 5 })).length, 1);
  assert.deepEqual(fgsmBeatsPgd(input({ 'fgsm-ce': -10, 'pgd10-ce': -9 })), []);
  assert.deepEqual(fgsmBeatsPgd(input({ 'fgsm-ce': 5, 'pgd10-ce': -10 })), []);
});

test('more-steps-add-nothing: PGD-50 no better than PGD-10 far from the worst while lower is reachable', () => {
  const fired = moreStepsAddNothing(input({ 'pgd10-ce': 10, 'pgd50-ce': 10, 'pgd10-margin': -20 }));
  assert.equal(fired.length, 1);
  assert.match(fired[0]?.message ?? '', /pgd50-ce 10.00 .* does not beat pgd10-ce 10.00/);
  // PGD-50 helps: silent.
  assert.deepEqual(moreStepsAddNothing(input({ 'pgd10-ce': 10, 'pgd50-ce': -15, 'pgd10-margin': -20 })), []);
  // PGD-10 already near the worst: silent.
  assert.deepEqual(moreStepsAddNothing(input({ 'pgd10-ce': -19, 'pgd50-ce': -19, 'pgd10-margin': -21 })), []);
  // Nothing reaches lower (a model robust at this eps): silent.
  assert.deepEqual(moreStepsAddNothing(input({ 'pgd10-ce': 10, 'pgd50-ce': 10, 'pgd10-margin': 10 })), []);
});

test('margin-beats-ce: the margin loss far below a cross-entropy attack that stays far from the worst', () => {
  assert.equal(marginBeatsCe(input({ 'pgd10-ce': 18, 'pgd10-margin': -21 })).length, 1);
  assert.deepEqual(marginBeatsCe(input({ 'pgd10-ce': -18, 'pgd10-margin': -21 })), []);
  assert.deepEqual(marginBeatsCe(input({ 'pgd10-ce': 18, 'pgd10-margin': 17 })), []);
});

test('not-monotonic: a return that rises with eps beyond the CIs fires; a flat or falling one does not', () => {
  const at = (eps: number, mean: number): CellStat => ({ attack: 'pgd10-ce', category: 'whitebox', eps, mean, ci95: 1 });
  const rising = notMonotonic({ ...input({}), cells: [at(0.004, -10), at(0.008, -15), at(0.016, 0)] });
  assert.equal(rising.length, 1);
  assert.match(rising[0]?.message ?? '', /pgd10-ce: return rises with eps, -15.00 .* at eps=0.008 but 0.00 .* at eps=0.016/);
  assert.deepEqual(notMonotonic({ ...input({}), cells: [at(0.004, -10), at(0.008, -11), at(0.016, -10.5)] }), []);
  // Random noise need not hurt more with eps: never checked.
  const noise = (eps: number, mean: number): CellStat => ({ attack: 'random', category: 'random', eps, mean, ci95: 0 });
  assert.deepEqual(notMonotonic({ ...input({}), cells: [noise(0.004, -10), noise(0.008, 10)] }), []);
});

test('never-reaches-worst fires only when the sweep hit its cap above the reach level', () => {
  const capped = (mean: number, sweepCapped: boolean): FlagInput => ({ ...input({}), cells: [{ attack: 'pgd10-margin', category: 'whitebox', eps: 0.25, mean, ci95: 0 }], sweepCapped });
  assert.equal(neverReachesWorst(capped(-10, true)).length, 1);
  assert.deepEqual(neverReachesWorst(capped(-20, true)), []);
  assert.deepEqual(neverReachesWorst(capped(-10, false)), []);
});

test('random-beats-gradient names the gradient attacks random noise beats', () => {
  const fired = randomBeatsGradient(input({ random: 5, 'fgsm-ce': 18, 'pgd10-ce': 18, 'pgd10-margin': -21 }));
  assert.equal(fired.length, 1);
  assert.match(fired[0]?.message ?? '', /random 5.00 .* beats fgsm-ce 18.00 .*, pgd10-ce 18.00/);
  assert.deepEqual(randomBeatsGradient(input({ random: 5, 'fgsm-ce': 4, 'pgd10-ce': -21 })), []);
});
