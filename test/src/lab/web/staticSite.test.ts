/** `npm run build:web` (src/lab/web/staticSite.ts): a static folder with the page, the wasm binaries and the models it lists. */
import assert from 'node:assert/strict';
import { cpSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeStaticSite } from '../../../../src/lab/web/staticSite.ts';
import type { ModelEntry } from '../../../../src/lab/web/page/modelEntry.ts';
import { tempDir } from '../../../helpers/tempDir.ts';

test('the static site holds the page, wasm, the models index and only the files each model needs', async () => {
  const dir = tempDir('static-site');
  const models = join(dir, 'models');
  cpSync('models/pong-bc', join(models, 'pong-bc'), { recursive: true });
  cpSync('models/seaquest-a3c', join(models, 'seaquest-a3c'), { recursive: true });
  cpSync('models/pong-bc/agent.json', join(models, 'half-a-model', 'agent.json'));
  const out = join(dir, 'site');
  const report = await writeStaticSite(models, out);
  assert.deepEqual(report.models, ['pong-bc', 'seaquest-a3c']);
  assert.deepEqual(report.skipped, ['half-a-model: no model.json, weights.bin']);
  for (const file of ['index.html', 'main.js', 'style.css', 'wasm/tfjs-backend-wasm-simd.wasm', 'models-index.json']) assert.ok(existsSync(join(out, file)), file);
  assert.deepEqual(readdirSync(join(out, 'models', 'seaquest-a3c')).sort(), ['agent.json', 'model.json', 'weights.bin']);
  const index = JSON.parse(readFileSync(join(out, 'models-index.json'), 'utf8')) as { models: ModelEntry[] };
  assert.deepEqual(index.models.map((m) => [m.name, m.env, m.algorithm, m.actionCount]), [
    ['pong-bc', 'Pong-v0', 'bc', 3],
    ['seaquest-a3c', 'Seaquest-v0', 'a3c', JSON.parse(readFileSync('models/seaquest-a3c/agent.json', 'utf8')).actionCount],
  ]);
  assert.ok(!existsSync(`${out}.tmp-${process.pid}`), 'the staging folder is gone');
});
