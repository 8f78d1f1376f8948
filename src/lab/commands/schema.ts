/** `advgym schema`: the experiment config's JSON Schema, for editors (experiments/schema.json). */
import type { CommandModule } from 'yargs';
import { experimentJsonSchema } from '../experiment/config.ts';

export const schemaCommand: CommandModule = {
  command: 'schema',
  describe: 'print the JSON Schema of experiment configs (saved as experiments/schema.json)',
  handler: () => {
    process.stdout.write(`${JSON.stringify(experimentJsonSchema(), null, 2)}\n`);
  },
};
