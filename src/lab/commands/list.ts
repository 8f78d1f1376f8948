/** `advgym list`: the registered environments with their actions. */
import type { CommandModule } from 'yargs';
import { listEnvs } from '../../../envs/index.ts';

export const listCommand: CommandModule = {
  command: 'list',
  describe: 'list the registered environments and their actions',
  handler: () => {
    for (const entry of listEnvs()) {
      process.stdout.write(`${entry.id}\t${entry.description}\n  actions: ${entry.actions.join(', ')}\n`);
    }
  },
};
