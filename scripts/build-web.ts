/**
 * `npm run build:web [-- --out dist/web] [--models models]`: writes the viewer as a static folder
 * (src/lab/web/staticSite.ts). Serve it with any static server; without COOP/COEP headers the page
 * runs tfjs's single-threaded wasm build, with them (as `advgym serve` sends) the threaded one.
 */
import { parseArgs } from 'node:util';
import { writeStaticSite } from '../src/lab/web/staticSite.ts';

const { values } = parseArgs({ options: { out: { type: 'string', default: 'dist/web' }, models: { type: 'string', default: 'models' } } });
try {
  const report = await writeStaticSite(values.models, values.out);
  for (const line of report.skipped) process.stderr.write(`build:web: skipped model folder ${line}\n`);
  process.stdout.write(`build:web: wrote ${report.files} files to ${report.out} (models: ${report.models.join(', ')})\n`);
} catch (error) {
  process.stderr.write(`build:web: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}\n`);
  process.exit(2);
}
