import assert from 'node:assert/strict';
import { test } from 'node:test';
import { attackExperimentFromFlags, type AttackFlags } from '../../../../src/lab/commands/attackFlags.ts';
import { UserError } from '../../../../src/core/errors.ts';
import { attackKinds, attacks, listOfKinds } from '../../../../src/lab/adversary/registry.ts';
import { timings } from '../../../../src/lab/adversary/timing/registry.ts';

const context = { victim: 'models/victim', env: { id: 'Pong-v0', options: {} } };
const fgsm: AttackFlags = { attack: 'fgsm', eps: 0.01, norm: 'linf' };
const conditionOf = (flags: AttackFlags) => attackExperimentFromFlags(flags, context).conditions[0];

test('plain fgsm flags give the config defaults: newest frame, every step, white-box', () => {
  const experiment = attackExperimentFromFlags(fgsm, context);
  assert.equal(experiment.victim, 'models/victim');
  assert.equal(experiment.substitute, undefined);
  assert.deepEqual(experiment.conditions, [{ attack: 'fgsm', eps: [0.01], norm: 'linf', scope: 'newest', quantize: false, timing: { kind: 'every' }, threat: 'whitebox' }]);
});

test('every attack flag lands in the config field of the same meaning', () => {
  const experiment = attackExperimentFromFlags(
    { attack: 'pgd', eps: 0.5, norm: 'l2', scope: 'all', quantize: true, 'target-action': 2, steps: 5, 'step-size': 0.2, 'random-start': true, substitute: 'models/sub' },
    context,
  );
  assert.equal(experiment.substitute, 'models/sub');
  const condition = experiment.conditions[0];
  assert.ok(condition !== undefined && condition.attack === 'pgd');
  assert.deepEqual(
    { eps: condition.eps, norm: condition.norm, scope: condition.scope, quantize: condition.quantize, targetAction: condition.targetAction },
    { eps: [0.5], norm: 'l2', scope: 'all', quantize: true, targetAction: 2 },
  );
  assert.deepEqual([condition.steps, condition.stepSize, condition.randomStart, condition.threat], [5, 0.2, true, 'transfer']);
});

test('timing flags choose the strategy: --every, --beta, --budget [--beta]', () => {
  const timing = (flags: Partial<AttackFlags>) => {
    const condition = conditionOf({ ...fgsm, ...flags });
    return condition?.attack === 'none' ? undefined : condition?.timing;
  };
  assert.deepEqual(timing({}), { kind: 'every' });
  assert.deepEqual(timing({ every: 4 }), { kind: 'everyN', n: 4 });
  assert.deepEqual(timing({ beta: 0.3 }), { kind: 'strategic', beta: 0.3 });
  assert.deepEqual(timing({ budget: 0.25 }), { kind: 'budget', fraction: 0.25 });
  assert.deepEqual(timing({ budget: 0.25, beta: 0.3 }), { kind: 'budget', fraction: 0.25, beta: 0.3 });
});

test('--attack none is the clean condition', () => {
  assert.deepEqual(conditionOf({ attack: 'none', eps: 0.002, norm: 'linf' }), { attack: 'none' });
});

test('a bad flag value is a one-line UserError (exit 2) naming the flag, with the reason a config gets', () => {
  const cases: Array<[Partial<AttackFlags>, string]> = [
    [{ attack: 'pgd', steps: 0 }, '--steps: Too small: expected number to be >=1'],
    [{ attack: 'pgd', 'step-size': -1 }, '--step-size: Too small: expected number to be >0'],
    [{ steps: 3 }, "--steps: applies only to attack 'pgd' or 'spsa'"],
    [{ attack: 'random', 'random-start': true }, "--random-start: applies only to attack 'pgd'"],
    [{ norm: 'l3' }, '--norm: Invalid option: expected one of "linf"|"l2"|"l1"'],
    [{ scope: 'some' }, '--scope: Invalid option: expected one of "newest"|"all"'],
    [{ eps: 2 }, '--eps: must be <= 1 for linf (pixels are in [0, 1])'],
    [{ eps: Number.NaN }, '--eps: Invalid input: expected number, received NaN'],
    [{ 'target-action': 1.5 }, '--target-action: Invalid input: expected int, received number'],
    [{ every: 0 }, '--every: Too small: expected number to be >=1'],
    [{ beta: 2 }, '--beta: Too big: expected number to be <=1'],
    [{ budget: -0.1, beta: 0.5 }, '--budget: Too small: expected number to be >=0'],
    [{ every: 2, beta: 0.5 }, '--every: one timing strategy at a time (not with --beta or --budget)'],
    [{ substitute: '' }, '--substitute: Too small: expected string to have >=1 characters'],
    [{ attack: 'none', every: 2 }, `--every: needs --attack ${listOfKinds(attackKinds)}`],
  ];
  for (const [flags, message] of cases) {
    assert.throws(
      () => attackExperimentFromFlags({ ...fgsm, ...flags }, context),
      (error: unknown) => error instanceof UserError && error.exitCode === 2 && error.message === message,
      `${JSON.stringify(flags)} should fail with: ${message}`,
    );
  }
  assert.throws(() => attackExperimentFromFlags(fgsm, { ...context, victim: '' }), { message: '--model: Too small: expected string to have >=1 characters' });
});

test('the flags reach every registered attack and timing strategy', () => {
  for (const entry of attacks) assert.equal(conditionOf({ ...fgsm, attack: entry.kind })?.attack, entry.kind);
  for (const entry of timings) {
    // 1 is a valid value of every timing flag today (n, beta, fraction); true of a boolean one.
    const given = Object.fromEntries(entry.flags.filter((flag) => flag.required).map((flag) => [flag.name, flag.type === 'boolean' ? true : 1]));
    const condition = conditionOf({ ...fgsm, ...given });
    assert.equal(condition?.attack === 'none' ? undefined : condition?.timing.kind, entry.kind);
  }
});
