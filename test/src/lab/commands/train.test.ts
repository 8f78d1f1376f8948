/** `advgym train` and `advgym extract` help: each flag's "(default N)" comes from the config schema, so it cannot drift. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import yargs, { type CommandModule } from 'yargs';
import { ALGORITHMS } from '../../../../agents/registry/algorithms.ts';
import { extractCommand } from '../../../../src/lab/commands/extract.ts';
import { trainCommand } from '../../../../src/lab/commands/train.ts';

/** The help yargs prints for `args`, whitespace collapsed (its wrapping depends on the terminal). */
function helpOf(command: CommandModule<object, never>, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    yargs()
      .command(command)
      .exitProcess(false)
      .parse(args, {}, (error, _argv, output) => (error ? reject(error) : resolve(output.replace(/\s+/g, ' '))));
  });
}

test('train <algorithm> --help shows the schema default of a flag beside its config field', async () => {
  const help = await helpOf(trainCommand as CommandModule<object, never>, ['train', 'extract', '--help']);
  assert.match(help, /cross-entropy updates per round \(default 800\) \(config updatesPerRound\)/);
  const trpo = await helpOf(trainCommand as CommandModule<object, never>, ['train', 'trpo', '--help']);
  assert.match(trpo, /\(default 0\.01\) \(config maxKl\)/);
});

test('advgym extract --help shows the schema defaults', async () => {
  const help = await helpOf(extractCommand as CommandModule<object, never>, ['extract', '--help']);
  assert.match(help, /cross-entropy updates per round \(default 800\)/);
  assert.match(help, /substitute net: dqn2013, nature2015, patch6 \(default dqn2013\)/);
});

test('advgym extract and train extract take the same extraction flags (declared once, in the registry)', async () => {
  const extract = ALGORITHMS.find((algorithm) => algorithm.name === 'extract');
  assert.ok(extract !== undefined && extract.flags.length >= 10, 'the extract entry lists its flags');
  const standalone = await helpOf(extractCommand as CommandModule<object, never>, ['extract', '--help']);
  const viaTrain = await helpOf(trainCommand as CommandModule<object, never>, ['train', 'extract', '--help']);
  for (const flag of extract.flags) {
    assert.ok(standalone.includes(`--${flag.name} `), `advgym extract --${flag.name}`);
    assert.ok(viaTrain.includes(`--${flag.name} `), `advgym train extract --${flag.name}`);
  }
});

test('no registered flag writes a plain numeric default by hand (the help adds the schema one)', () => {
  const handWritten = /\(default -?[\d.]+(?:e-?\d+)?[,;)]/;
  assert.ok(handWritten.test('rounds (default 10)') && !handWritten.test('step (default 8/255)'), 'the rule itself');
  for (const algorithm of ALGORITHMS) {
    for (const flag of algorithm.flags) {
      assert.equal(handWritten.test(flag.description), false, `train ${algorithm.name} --${flag.name}: "${flag.description}"`);
    }
  }
});
