import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ScaleObservation } from '../../../../../src/core/gym/wrappers/scaleObservation.ts';
import { ScriptedEnv, scriptedFrame } from '../../../../helpers/scriptedEnv.ts';

test('uint8 pixels become float32 in [0, 1] by /255, with a matching space', () => {
  const env = new ScaleObservation(new ScriptedEnv());
  assert.equal(env.observationSpace.dtype, 'float32');
  assert.deepEqual([env.observationSpace.low, env.observationSpace.high], [0, 1]);
  env.reset();
  const { observation } = env.step(0);
  assert.ok(observation instanceof Float32Array);
  assert.deepEqual([...observation], Array.from(scriptedFrame(1), (v) => Math.fround(v / 255)));
  assert.ok(env.observationSpace.contains(observation));
});
