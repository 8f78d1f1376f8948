/** What every registered timing strategy must do; each strategy's behaviour: ../timing.test.ts. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FieldError } from '../../../../../src/core/errors.ts';
import { makeTiming } from '../../../../../src/lab/adversary/fromConfig.ts';
import { timingEntry, timings } from '../../../../../src/lab/adversary/timing/registry.ts';

test('kinds are unique and tag their schemas; flags set fields of their own config', () => {
  assert.equal(new Set(timings.map((entry) => entry.kind)).size, timings.length);
  for (const entry of timings) {
    assert.equal(entry.schema.shape.kind.value, entry.kind);
    for (const flag of entry.flags) assert.ok(flag.field in entry.schema.shape && flag.field !== 'kind', `${entry.kind}: --${flag.name}`);
  }
  assert.equal(timings.filter((entry) => entry.flags.every((flag) => !flag.required)).length, 1, 'exactly one strategy is what no timing flag means');
});

test('the label part is the strategy name, except for the default every step', () => {
  const examples = [{ kind: 'every' }, { kind: 'everyN', n: 4 }, { kind: 'strategic', beta: 0.3 }, { kind: 'budget', fraction: 0.25 }, { kind: 'budget', fraction: 0.25, beta: 0.3 }] as const;
  assert.deepEqual([...new Set(examples.map((e) => e.kind))], timings.map((entry) => entry.kind), 'an example per registered strategy');
  assert.deepEqual(
    examples.map((config) => timingEntry(config.kind).labelOf(config)),
    ['', ' every4', ' strategic(0.3)', ' budget(0.25)', ' budget(0.25,0.3)'],
  );
  for (const config of examples.slice(1)) assert.equal(timingEntry(config.kind).labelOf(config), ` ${makeTiming(config).name}`);
});

test('a bad config is a FieldError naming the field', () => {
  assert.throws(() => makeTiming({ kind: 'everyN', n: 0 }), (e: unknown) => e instanceof FieldError && e.field === 'n');
  assert.throws(() => makeTiming({ kind: 'sometimes' } as unknown as { kind: 'every' }), (e: unknown) => e instanceof FieldError && e.field === 'kind');
});
