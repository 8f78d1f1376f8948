import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../../../../src/core/errors.ts';
import { experimentJsonSchema, loadExperiment, parseExperiment } from '../../../../src/lab/experiment/config.ts';
import { expandConditions } from '../../../../src/lab/experiment/conditions.ts';
import { MODEL_JSON } from '../../../../src/core/tensor/fileIO.ts';

const valid = {
  env: { id: 'Pong-v0' },
  victim: 'models/pong-dqn',
  conditions: [{ attack: 'none' }, { attack: 'fgsm', eps: [0.001, 0.002] }],
};

function errorOf(config: unknown): string {
  try {
    parseExperiment(config, 'x.json');
  } catch (error) {
    assert.ok(error instanceof UserError, `expected a UserError, got ${String(error)}`);
    assert.equal(error.exitCode, 2);
    assert.ok(!error.message.includes('\n'), 'one line');
    return error.message;
  }
  assert.fail('config was accepted');
}

test('a minimal config gets documented defaults', () => {
  const config = parseExperiment(valid);
  assert.equal(config.episodes, 10);
  assert.equal(config.seed, 0);
  const fgsm = config.conditions[1];
  assert.ok(fgsm && fgsm.attack === 'fgsm');
  assert.equal(fgsm.norm, 'linf');
  assert.equal(fgsm.scope, 'newest');
  assert.deepEqual(fgsm.timing, { kind: 'every' });
  assert.equal(fgsm.threat, 'whitebox');
});

const badConfigs: [string, unknown, RegExp][] = [
  ['unknown top-level key', { ...valid, epsiodes: 3 }, /^x\.json: epsiodes: unknown field; valid fields: name, description, env, victim,/],
  ['missing victim', { env: valid.env, conditions: valid.conditions }, /^x\.json: victim: /],
  ['negative eps', { ...valid, conditions: [{ attack: 'fgsm', eps: [0.001, -1] }] }, /^x\.json: conditions\[0\]\.eps\[1\]: must be >= 0$/],
  ['eps above 1', { ...valid, conditions: [{ attack: 'fgsm', eps: [2] }] }, /conditions\[0\]\.eps\[0\]: must be <= 1/],
  ['empty eps list', { ...valid, conditions: [{ attack: 'fgsm', eps: [] }] }, /conditions\[0\]\.eps: needs at least one value/],
  ['unknown norm', { ...valid, conditions: [{ attack: 'fgsm', eps: [0.1], norm: 'l3' }] }, /conditions\[0\]\.norm: /],
  ['unknown attack', { ...valid, conditions: [{ attack: 'deepfool', eps: [0.1] }] }, /conditions\[0\]\.attack: /],
  ['unknown key in a condition', { ...valid, conditions: [{ attack: 'fgsm', eps: [0.1], epsilon: 1 }] }, /^x\.json: conditions\[0\]\.epsilon: unknown field$/],
  ['zero episodes', { ...valid, episodes: 0 }, /episodes: /],
  ['fractional seed', { ...valid, seed: 1.5 }, /seed: /],
  ['no conditions', { ...valid, conditions: [] }, /conditions: needs at least one condition/],
  ['unknown timing', { ...valid, conditions: [{ attack: 'fgsm', eps: [0.1], timing: { kind: 'sometimes' } }] }, /conditions\[0\]\.timing\.kind: /],
  ['strategic beta out of range', { ...valid, conditions: [{ attack: 'fgsm', eps: [0.1], timing: { kind: 'strategic', beta: 2 } }] }, /timing\.beta: /],
  ['transfer without substitute', { ...valid, conditions: [{ attack: 'fgsm', eps: [0.1], threat: 'transfer' }] }, /conditions\[0\]\.threat: 'transfer' needs a top-level 'substitute'/],
  ['pgd options on fgsm', { ...valid, conditions: [{ attack: 'fgsm', eps: [0.1], steps: 10 }] }, /^x\.json: conditions\[0\]\.steps: applies only to attack 'pgd' or 'spsa'$/],
  ['a budget option on strategic timing', { ...valid, conditions: [{ attack: 'fgsm', eps: [0.1], timing: { kind: 'strategic', beta: 0.1, fraction: 0.5 } }] }, /^x\.json: conditions\[0\]\.timing\.fraction: applies only to timing kind 'budget'$/],
  ['pgd without eps', { ...valid, conditions: [{ attack: 'pgd' }] }, /^x\.json: conditions\[0\]\.eps: /],
  ['bad run name', { ...valid, name: 'a/b' }, /name: use letters/],
  ['env without id', { ...valid, env: {} }, /env\.id: /],
];

for (const [what, config, expected] of badConfigs) {
  test(`bad config: ${what} is a one-line error naming the field`, () => {
    assert.match(errorOf(config), expected);
  });
}

test('a missing file or broken JSON names the path', () => {
  const dir = mkdtempSync(join(tmpdir(), 'advgym-config-'));
  assert.throws(() => loadExperiment(join(dir, 'nope.json')), (e: Error) => e instanceof UserError && e.message.startsWith(join(dir, 'nope.json')));
  writeFileSync(join(dir, 'broken.json'), '{"env": ');
  assert.throws(() => loadExperiment(join(dir, 'broken.json')), (e: Error) => e instanceof UserError && /broken\.json: not valid JSON/.test(e.message));
});

test('conditions expand to one labelled condition per eps', () => {
  const config = parseExperiment({
    ...valid,
    substitute: 'models/pong-a3c',
    conditions: [
      { attack: 'none' },
      { attack: 'fgsm', eps: [0.001, 0.002] },
      { attack: 'random', eps: [0.002], norm: 'l2' },
      { attack: 'fgsm', eps: [0.002], timing: { kind: 'strategic', beta: 0.5 }, threat: 'transfer' },
    ],
  });
  assert.deepEqual(
    expandConditions(config).map((c) => c.label),
    ['clean', 'fgsm linf eps=0.001', 'fgsm linf eps=0.002', 'random l2 eps=0.002', 'fgsm linf eps=0.002 strategic(0.5) transfer'],
  );
});

test('every shipped experiment config is valid, and the JSON Schema is exported', () => {
  const files = readdirSync('experiments').filter((f) => f.endsWith('.json') && f !== 'schema.json');
  assert.ok(files.length >= 1);
  for (const file of files) {
    const experiment = loadExperiment(join('experiments', file));
    // A renamed or retired model folder must not leave a shipped config pointing at nothing.
    for (const model of [experiment.victim, experiment.substitute]) {
      if (model !== undefined) assert.ok(existsSync(join(model, MODEL_JSON)), `${file}: ${model}/${MODEL_JSON}`);
    }
  }
  const schema = experimentJsonSchema() as { properties: Record<string, unknown> };
  assert.ok('conditions' in schema.properties && 'victim' in schema.properties);
});

test('experiments/schema.json is what `advgym schema` prints (the registries change it)', () => {
  assert.deepEqual(
    JSON.parse(readFileSync('experiments/schema.json', 'utf8')),
    JSON.parse(JSON.stringify(experimentJsonSchema())),
    'stale: regenerate with `node bin/advgym.js schema > experiments/schema.json`',
  );
});
