/**
 * The advgym command line: a thin yargs layer over the library. Every command lives in its own
 * file under src/lab/commands/. Errors a user can fix print one line and exit 2; --verbose adds the stack.
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { UserError } from '../core/errors.ts';
import { averageCommand } from './commands/average.ts';
import { evaluateCommand } from './commands/evaluate.ts';
import { listCommand } from './commands/list.ts';
import { recordCommand } from './commands/record.ts';
import { runCommand } from './commands/run.ts';
import { schemaCommand } from './commands/schema.ts';
import { serveCommand } from './commands/serve.ts';
import { trainCommand } from './commands/train.ts';

const argv = hideBin(process.argv);
const verbose = argv.includes('--verbose');

function reportAndExit(error: unknown): never {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`advgym: ${message.split('\n')[0]}\n`);
  if (verbose && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  process.exit(error instanceof UserError ? error.exitCode : 1);
}

try {
  await yargs(argv)
    .scriptName('advgym')
    .usage('$0 <command> [options]\n\nA testbed for adversarial attacks on deep RL agents.')
    .option('verbose', { type: 'boolean', default: false, describe: 'print stack traces on errors' })
    .command(averageCommand)
    .command(evaluateCommand)
    .command(listCommand)
    .command(recordCommand)
    .command(runCommand)
    .command(schemaCommand)
    .command(serveCommand)
    .command(trainCommand)
    // further commands register here: one import and one .command() line each
    .demandCommand(1, 'name a command; see --help')
    .strict()
    .fail((message, error) => {
      // yargs spreads some messages over lines ("Invalid values:\n  Argument: norm, ..."); only the
      // first line is printed, so join them to keep the flag's name in it.
      throw error ?? new UserError(message.replace(/\s*\n\s*/g, ' '));
    })
    .help()
    .parseAsync();
} catch (error) {
  reportAndExit(error);
}
