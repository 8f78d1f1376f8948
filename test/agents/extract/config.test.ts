import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extractLearningRateEnd, parseExtractConfig } from '../../../agents/extract/config.ts';

test('extraction anneals its learning rate to a tenth by default, or to the configured end', () => {
  const defaults = parseExtractConfig({});
  assert.equal(defaults.updatesPerRound, 800);
  assert.equal(extractLearningRateEnd(defaults), defaults.learningRate / 10);
  assert.equal(extractLearningRateEnd(parseExtractConfig({ learningRate: 1e-3, learningRateEnd: 1e-3 })), 1e-3);
});

test('an extraction config names the field it rejects', () => {
  assert.throws(() => parseExtractConfig({ learningRateEnd: 0 }), /learningRateEnd/);
  assert.throws(() => parseExtractConfig({ queries: 5, rounds: 10 }), /queries: must be at least rounds/);
});
