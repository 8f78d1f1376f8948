/**
 * The advgym command line: a thin yargs layer over the library. Every command lives in its own
 * file under src/lab/commands/. Errors a user can fix print one line and exit 2; --verbose adds the stack.
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { UserError } from '../core/errors.ts';
import { auditCommand } from './commands/audit.ts';
import { averageCommand } from './commands/average.ts';
import { evaluateCommand } from './commands/evaluate.ts';
import { extractCommand } from './commands/extract.ts';
import { listCommand } from './commands/list.ts';
import { recordCommand } from './commands/record.ts';
import { runCommand } from './commands/run.ts';
import { schemaCommand } from './commands/schema.ts';
import { serveCommand } from './commands/serve.ts';
import { trainCommand } from './commands/train.ts';
import { workerCommand } from './commands/worker.ts';

const argv = hideBin(process.argv);
const verbose = argv.includes('--verbose');
/** The registered commands, read by missingPositional below for their positional names. */
const commands: readonly { readonly command?: string | readonly string[] | undefined }[] = [auditCommand, averageCommand, evaluateCommand, extractCommand, listCommand, recordCommand, runCommand, schemaCommand, trainCommand, workerCommand];

// `advgym list | head -1`: the reader left; the output is not wanted any more, which is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
}

/**
 * yargs says "Not enough non-option arguments: got 0, need at least 1" and names nothing; this
 * names the first missing positional of the command and, from its description, what to give:
 * "config: missing; give an experiment JSON, e.g. experiments/quickstart.json".
 */
function missingPositional(message: string, usage: unknown): string | undefined {
  const got = /^Not enough non-option arguments: got (\d+)/.exec(message);
  if (got === null) return undefined;
  const name = argv.find((token) => !token.startsWith('-'));
  const command = commands.find((c) => String(c.command).split(' ')[0] === name);
  if (command === undefined) return undefined;
  const positionals = [...String(command.command).matchAll(/[<[]([^\]>.]+)(?:\.\.)?[>\]]/g)].map((match) => match[1] as string);
  const missing = positionals[Number(got[1])];
  if (missing === undefined) return undefined;
  // yargs passes its usage object as the third argument of .fail; it holds the options' descriptions.
  const descriptions = (usage as { getDescriptions?: () => Record<string, string | undefined> } | undefined)?.getDescriptions?.() ?? {};
  const describe = descriptions[missing];
  return `${missing}: missing; give ${describe ?? `<${missing}>`} (see advgym ${name} --help)`;
}

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
    .command(auditCommand)
    .command(averageCommand)
    .command(evaluateCommand)
    .command(extractCommand)
    .command(listCommand)
    .command(recordCommand)
    .command(runCommand)
    .command(schemaCommand)
    .command(serveCommand)
    .command(trainCommand)
    .command(workerCommand)
    // further commands register here and in `commands` above: one import and two lines each
    .demandCommand(1, 'name a command; see --help')
    .strict()
    .fail((message, error, usage) => {
      if (error) throw error;
      // yargs spreads some messages over lines ("Invalid values:\n  Argument: norm, ..."); only the
      // first line is printed, so join them to keep the flag's name in it.
      throw new UserError(missingPositional(message, usage) ?? message.replace(/\s*\n\s*/g, ' '));
    })
    .help()
    .parseAsync();
} catch (error) {
  reportAndExit(error);
}
