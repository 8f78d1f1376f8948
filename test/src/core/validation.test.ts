import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { FieldError, UserError } from '../../../src/core/errors.ts';
import { describeWithDefault, fieldDefault, fieldPath, parseStrict } from '../../../src/core/validation.ts';
import { flagError } from '../../../src/lab/commands/checks.ts';

const schema = z.strictObject({
  name: z.string().default('x'),
  rate: z.number().positive(),
  items: z.array(z.strictObject({ eps: z.number().min(0, 'must be >= 0') })).default([]),
  kind: z.union([z.strictObject({ kind: z.literal('a') }), z.strictObject({ kind: z.literal('b'), n: z.int().min(1) })]).optional(),
});

function fails(value: unknown, message: string, field: string): void {
  assert.throws(
    () => parseStrict(schema, value, 'cfg.json'),
    (error: unknown) => {
      assert.ok(error instanceof FieldError && error instanceof UserError);
      assert.equal(error.exitCode, 2);
      assert.equal(error.message, message);
      assert.equal(error.field, field);
      return true;
    },
  );
}

test('the first issue becomes one line: source, field path, reason', () => {
  fails({ rate: -1 }, 'cfg.json: rate: Too small: expected number to be >0', 'rate');
  fails({ rate: 1, items: [{ eps: 0 }, { eps: -1 }] }, 'cfg.json: items[1].eps: must be >= 0', 'items[1].eps');
  fails({ rate: 1, kind: { kind: 'b', n: 0 } }, 'cfg.json: kind.n: Too small: expected number to be >=1', 'kind.n');
});

test('an unknown key is named as the field, with the valid fields of its object', () => {
  fails({ rate: 1, rat: 2 }, 'cfg.json: rat: unknown field; valid fields: name, rate, items, kind', 'rat');
  fails({ rate: 1, items: [{ eps: 0, epsilon: 1 }] }, 'cfg.json: items[0].epsilon: unknown field; valid fields: eps', 'items[0].epsilon');
});

test('a good value parses with defaults filled in', () => {
  assert.deepEqual(parseStrict(schema, { rate: 2 }, 'cfg.json'), { name: 'x', rate: 2, items: [] });
});

test('fieldPath writes indices in brackets', () => {
  assert.equal(fieldPath(['conditions', 0, 'timing', 'beta']), 'conditions[0].timing.beta');
});

test('the CLI names the flag that set a field; other errors pass through', () => {
  const mapped = flagError(new FieldError('conditions[0].eps', 'must be >= 0', 'record'), { 'conditions.eps': '--eps' });
  assert.ok(mapped instanceof UserError);
  assert.equal(mapped.message, '--eps: must be >= 0');
  const other = new Error('boom');
  assert.equal(flagError(other, {}), other);
  const unmapped = new FieldError('seed', 'must be an integer');
  assert.equal(flagError(unmapped, { out: '--out' }), unmapped);
});

test('fieldDefault reads a field default from the schema; describeWithDefault appends it once', () => {
  const config = z.strictObject({ steps: z.int().default(800), name: z.string().default('x'), given: z.int(), options: z.record(z.string(), z.unknown()).default({}) });
  assert.equal(fieldDefault(config, 'steps'), 800);
  assert.equal(fieldDefault(config, 'name'), 'x');
  assert.equal(fieldDefault(config, 'given'), undefined, 'a required field has no default');
  assert.equal(fieldDefault(config, 'options'), undefined, 'a structure is not printed');
  assert.equal(fieldDefault(config, 'missing'), undefined);
  assert.equal(fieldDefault(config.refine(() => true), 'steps'), 800, 'a refined object keeps its shape');
  assert.equal(describeWithDefault('updates', config, 'steps'), 'updates (default 800)');
  assert.equal(describeWithDefault('updates (default 8/10 of it)', config, 'steps'), 'updates (default 8/10 of it)');
  assert.equal(describeWithDefault('a count', config, 'given'), 'a count');
});
