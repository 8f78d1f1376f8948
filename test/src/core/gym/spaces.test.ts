import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Rng } from '../../../../src/core/rng.ts';
import { Box, Discrete } from '../../../../src/core/gym/spaces.ts';

test('Discrete contains exactly the integers 0 .. n-1 and samples them all', () => {
  const space = new Discrete(3, ['NOOP', 'UP', 'DOWN']);
  assert.deepEqual([0, 1, 2, 3, -1, 1.5, '1', Number.NaN].map((v) => space.contains(v)), [true, true, true, false, false, false, false, false]);
  const rng = Rng.fromSeed(1);
  const seen = new Set(Array.from({ length: 200 }, () => space.sample(rng)));
  assert.deepEqual([...seen].sort(), [0, 1, 2]);
  assert.throws(() => new Discrete(0), /positive integer/);
  assert.throws(() => new Discrete(3, ['A']), /action names/);
});

test('Box checks dtype, size and range (NaN is outside)', () => {
  const box = new Box(0, 1, [2, 2, 1], 'float32');
  assert.equal(box.size, 4);
  assert.equal(box.contains(new Float32Array([0, 0.5, 1, 0.25])), true);
  assert.equal(box.contains(new Float32Array([0, 0.5, 1.01, 0])), false, 'above high');
  assert.equal(box.contains(new Float32Array([0, Number.NaN, 0, 0])), false, 'NaN');
  assert.equal(box.contains(new Float32Array(3)), false, 'wrong size');
  assert.equal(box.contains(new Uint8Array(4)), false, 'wrong dtype');
  const rng = Rng.fromSeed(2);
  assert.ok(box.contains(box.sample(rng)));
  const bytes = new Box(0, 255, [3], 'uint8');
  assert.ok(bytes.contains(bytes.sample(rng)));
  assert.throws(() => new Box(1, 0, [1], 'uint8'), /low/);
  assert.throws(() => new Box(0, 1, [0], 'uint8'), /shape/);
});
