import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SumTree } from '../../../agents/dqn/sumTree.ts';
import { Rng } from '../../../src/core/rng.ts';

/** The index a linear scan of the priorities laid end to end puts under `mass`. */
function scanFind(priorities: readonly number[], mass: number): number {
  let sum = 0;
  for (let i = 0; i < priorities.length; i++) {
    sum += priorities[i] as number;
    if (mass < sum) return i;
  }
  return priorities.length - 1;
}

test('the sum tree keeps the total and finds the same index as a linear scan, over many random updates', () => {
  const rng = Rng.fromSeed(1);
  const capacity = 37; // not a power of two: the padding leaves must stay empty
  const tree = new SumTree(capacity);
  const priorities = new Array<number>(capacity).fill(0);
  for (let round = 0; round < 2_000; round++) {
    const index = rng.int(0, capacity - 1);
    // A quarter of the leaves are emptied now and then, as overwritten replay slots are.
    const priority = rng.chance(0.25) ? 0 : rng.uniform(0, 5);
    tree.set(index, priority);
    priorities[index] = priority;
  }
  const total = priorities.reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(tree.total - total) < 1e-9, `total ${tree.total} vs ${total}`);
  for (let i = 0; i < 1_000; i++) {
    const mass = rng.float() * total;
    const found = tree.find(mass);
    assert.equal(found, scanFind(priorities, mass), `mass ${mass}`);
    assert.ok((priorities[found] as number) > 0, 'an empty leaf is never found');
  }
  priorities.forEach((p, i) => assert.equal(tree.get(i), p));
});

test('the sum tree skips empty leaves at the very edges of the mass', () => {
  const tree = new SumTree(4);
  tree.set(1, 2);
  tree.set(2, 3);
  assert.equal(tree.find(0), 1);
  assert.equal(tree.find(1.999), 1);
  assert.equal(tree.find(2), 2);
  assert.equal(tree.find(4.999999), 2);
});

test('the sum tree refuses bad indices and priorities', () => {
  const tree = new SumTree(4);
  assert.throws(() => tree.set(4, 1), /index 4 outside \[0, 4\)/);
  assert.throws(() => tree.set(0, -1), /priority must be finite and >= 0/);
  assert.throws(() => tree.set(0, Number.NaN), /priority must be finite/);
  assert.throws(() => new SumTree(0), /capacity must be an integer >= 1/);
});
