/**
 * Parallel workers take the longest units first (the recorded one, then attacked, then clean),
 * and a unit's GIF survives the text it crosses Redis and units/<id>.json in; a cut one is refused.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseExperiment } from '../../../../src/lab/experiment/config.ts';
import { decodeUnitResult, encodeUnitResult } from '../../../../src/lab/experiment/unitFile.ts';
import { listUnits, longestFirst, unitId, type UnitResult } from '../../../../src/lab/experiment/units.ts';

const config = parseExperiment({
  name: 'order',
  env: { id: 'Pong-v0' },
  victim: 'models/pong-bc',
  episodes: 2,
  conditions: [{ attack: 'none' }, { attack: 'fgsm', eps: [0.01, 0.1] }, { attack: 'random', eps: [0.1] }],
  record: { conditions: ['fgsm linf eps=0.1'] },
});

test('longestFirst: the recorded unit, then attacked units in the sequential order, then clean ones', () => {
  const order = longestFirst(config, listUnits(config)).map(unitId);
  assert.deepEqual(order, ['c2-e0', 'c1-e0', 'c1-e1', 'c2-e1', 'c3-e0', 'c3-e1', 'c0-e0', 'c0-e1']);
  // A resumed run's leftovers keep the same rule.
  assert.deepEqual(longestFirst(config, [{ condition: 0, episode: 1 }, { condition: 3, episode: 0 }]).map(unitId), ['c3-e0', 'c0-e1']);
});

test("a unit's GIF round-trips through its text; a truncated GIF is refused, naming the source", () => {
  const gif = new Uint8Array([...Buffer.from('GIF89a'), 1, 2, 3, 0x3b]);
  const record = { condition: 'fgsm linf eps=0.1', episode: 0, seed: 0, return: -1, length: 9, truncated: false, attackedSteps: 9, changedActions: 2, meanDelta: { l0: 1, l1: 1, l2: 1, linf: 0.1 } };
  const unit: UnitResult = { condition: 2, episode: 0, record, gif };
  const back = decodeUnitResult(encodeUnitResult(unit), 'job c2-e0');
  assert.deepEqual(back.gif, gif);
  assert.deepEqual(back.record, record);
  const cut = encodeUnitResult({ ...unit, gif: gif.subarray(0, 8) });
  assert.throws(() => decodeUnitResult(cut, 'units/c2-e0.json'), /units\/c2-e0\.json: its GIF is not a whole GIF89a file/);
});
