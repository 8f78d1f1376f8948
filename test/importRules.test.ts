/**
 * The floors hold (test/helpers/importRules.ts): core < envs < agents < lab < src/index.ts, envs
 * without tfjs or node:fs, the adversary reaching agents only through agents/policy.ts, yargs in
 * the CLI only, no cycles between files or folders. The synthetic trees below show each rule fails.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readSources, ruleViolations, type SourceFile } from './helpers/importRules.ts';

test('the source tree breaks no import rule', () => {
  const files = readSources('.');
  assert.ok(files.length > 100, `read ${files.length} files`);
  assert.deepEqual(ruleViolations(files), []);
});

const file = (path: string, ...imports: string[]): SourceFile => ({ path, text: imports.map((spec) => `import { x } from '${spec}';`).join('\n') });

test('each rule reports a breach', () => {
  const cases: [SourceFile[], RegExp][] = [
    [[file('src/core/rng.ts', '../../envs/index.ts')], /core may not import from the envs floor/],
    [[file('envs/pong.ts', '../agents/policy.ts')], /envs may not import from the agents floor/],
    [[file('agents/dqn/train.ts', '../../src/lab/adversary/fgsm.ts')], /agents may not import from the lab floor/],
    [[file('envs/pong.ts', '@tensorflow/tfjs-core')], /no tfjs/],
    [[file('envs/pong.ts', 'node:fs')], /no node:fs/],
    [[file('src/lab/adversary/fgsm.ts', '../../../agents/loadPolicy.ts')], /only through agents\/policy.ts/],
    [[file('src/lab/experiment/runner.ts', 'yargs')], /only the CLI/],
    [[file('agents/dqn/train.ts', '../../test/helpers/tinyModel.ts')], /outside the floors/],
    [[file('src/core/a/x.ts', './y.ts'), file('src/core/a/y.ts', './x.ts')], /file cycle: src\/core\/a\/x.ts -> src\/core\/a\/y.ts/],
    [[file('src/lab/a/x.ts', '../b/y.ts'), file('src/lab/b/y.ts', '../a/z.ts')], /folder cycle: src\/lab\/a -> src\/lab\/b/],
  ];
  for (const [files, pattern] of cases) {
    const found = ruleViolations(files);
    assert.ok(found.some((line) => pattern.test(line)), `${pattern}: got ${JSON.stringify(found)}`);
  }
  assert.deepEqual(ruleViolations([file('src/lab/commands/run.ts', 'yargs', '../../../agents/loadPolicy.ts', '../../core/rng.ts')]), []);
  const typeOnly: SourceFile[] = [
    { path: 'src/core/k/a.ts', text: "import type { T } from './b.ts';" },
    { path: 'src/core/k/b.ts', text: "import { f } from './a.ts';" },
  ];
  assert.match(ruleViolations(typeOnly).join('\n'), /file cycle/, 'a type-only loop is a loop');
});
