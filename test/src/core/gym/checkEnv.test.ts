import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkEnv, hashObservation } from '../../../../src/core/gym/checkEnv.ts';
import type { RgbFrame, StepResult } from '../../../../src/core/gym/env.ts';
import { TimeLimit } from '../../../../src/core/gym/wrappers/timeLimit.ts';
import { ScriptedEnv } from '../../../helpers/scriptedEnv.ts';

test('a conforming env passes', () => {
  assert.doesNotThrow(() => checkEnv(new ScriptedEnv(30)));
  assert.doesNotThrow(() => checkEnv(new TimeLimit(new ScriptedEnv(1000), 5)));
});

class NonDeterministicEnv extends ScriptedEnv {
  private calls = 0;
  override step(action: number): StepResult<Uint8Array> {
    const result = super.step(action);
    return { ...result, reward: result.reward + (this.calls++ > 40 ? 1 : 0) };
  }
}

class OutOfRangeEnv extends ScriptedEnv {
  override readonly observationSpace = new ScriptedEnv().observationSpace;
  override step(action: number): StepResult<Uint8Array> {
    const result = super.step(action);
    return { ...result, observation: new Uint8Array(3) };
  }
}

class NanRewardEnv extends ScriptedEnv {
  override step(action: number): StepResult<Uint8Array> {
    return { ...super.step(action), reward: Number.NaN };
  }
}

class KeepsGoingEnv extends ScriptedEnv {
  override step(action: number): StepResult<Uint8Array> {
    this.ended = false;
    return super.step(action);
  }
}

class BadRenderEnv extends ScriptedEnv {
  override render(): RgbFrame {
    return { width: 4, height: 4, data: new Uint8Array(10) };
  }
}

test('each broken env is caught with a message naming the broken rule', () => {
  assert.throws(() => checkEnv(new NonDeterministicEnv(30)), /not deterministic/);
  assert.throws(() => checkEnv(new OutOfRangeEnv(30)), /observation has 3 values/);
  assert.throws(() => checkEnv(new NanRewardEnv(30)), /reward must be a finite number/);
  assert.throws(() => checkEnv(new KeepsGoingEnv(30)), /after the episode ended must throw/);
  assert.throws(() => checkEnv(new BadRenderEnv(30)), /render: data has 10 bytes/);
});

test('hashObservation depends on every byte', () => {
  const a = new Uint8Array(100);
  const b = new Uint8Array(100);
  b[99] = 1;
  assert.notEqual(hashObservation(a), hashObservation(b));
  assert.equal(hashObservation(a), hashObservation(new Uint8Array(100)));
});
