/**
 * `advgym serve [--port 8080] [--host 127.0.0.1] [--models models]`: the attack live in a browser.
 * Builds the viewer page (src/lab/web/buildPage.ts) and serves it with the models folder until
 * interrupted. Binds to loopback unless --host says otherwise.
 */
import type { Argv, CommandModule } from 'yargs';
import { UserError } from '../../core/errors.ts';
import { buildPageAssets } from '../web/buildPage.ts';
import { buildModelIndex } from '../web/modelIndex.ts';
import { createViewerServer, listen } from '../web/server.ts';
import { checkServeFlags, DEFAULT_SERVE_FLAGS, isLoopback, type ServeFlags } from '../web/serveOptions.ts';

export interface RunningViewer {
  readonly url: string;
  close(): Promise<void>;
}

/** Starts the server; resolves once it listens. Warnings go to `warn` (stderr in the CLI). */
export async function startViewer(flags: ServeFlags, warn: (line: string) => void = () => undefined): Promise<RunningViewer> {
  const { port, host, models } = checkServeFlags(flags);
  const index = buildModelIndex(models);
  for (const line of index.skipped) warn(`skipped model folder ${line}`);
  if (index.models.length === 0) throw new UserError(`--models: '${models}' holds no model folder (agent.json, model.json, weights.bin)`);
  const assets = await buildPageAssets(index.models);
  const server = createViewerServer({ assets, modelsDir: models });
  const bound = await listen(server, port, host);
  if (!isLoopback(host)) warn(`serving on ${host}: anyone who can reach this address can load the page and the models`);
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${bound}/`,
    close: () => new Promise((resolve, reject) => {
      server.closeAllConnections();
      server.close((error) => (error ? reject(error) : resolve()));
    }),
  };
}

export const serveCommand: CommandModule<object, ServeFlags> = {
  command: 'serve',
  describe: 'serve the live attack viewer (game, attack, clean twin) to a browser',
  builder: (yargs: Argv) =>
    yargs
      .option('port', { type: 'number', default: DEFAULT_SERVE_FLAGS.port, describe: 'TCP port (0: any free port)' })
      .option('host', { type: 'string', default: DEFAULT_SERVE_FLAGS.host, describe: 'address to bind; loopback unless you mean to share' })
      .option('models', { type: 'string', default: DEFAULT_SERVE_FLAGS.models, describe: 'folder of trained model folders to offer' }) as unknown as Argv<ServeFlags>,
  handler: async (args) => {
    const viewer = await startViewer({ port: args.port, host: args.host, models: args.models }, (line) => process.stderr.write(`advgym: ${line}\n`));
    process.stdout.write(`advgym: viewer at ${viewer.url} (Ctrl-C stops)\n`);
    // Runs until interrupted; the open server keeps the process alive.
    await new Promise<never>(() => undefined);
  },
};
