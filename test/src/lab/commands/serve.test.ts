/**
 * `advgym serve`: the real build over the committed models folder (content types, the models
 * index) and the flag errors, each one line naming the flag with exit code 2.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { startViewer } from '../../../../src/lab/commands/serve.ts';
import { checkServeFlags } from '../../../../src/lab/web/serveOptions.ts';
import type { ModelEntry } from '../../../../src/lab/web/page/modelEntry.ts';
import { httpRequest } from '../../../helpers/http.ts';

test('serve offers the page, tfjs wasm binaries and every committed model, indexed from agent.json', async () => {
  const viewer = await startViewer({ port: 0, host: '127.0.0.1', models: 'models' });
  try {
    const port = Number(new URL(viewer.url).port);
    assert.match(viewer.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const expected: [string, string][] = [
      ['/', 'text/html; charset=utf-8'],
      ['/main.js', 'text/javascript; charset=utf-8'],
      ['/style.css', 'text/css; charset=utf-8'],
      ['/wasm/tfjs-backend-wasm.wasm', 'application/wasm'],
      ['/wasm/tfjs-backend-wasm-simd.wasm', 'application/wasm'],
      ['/wasm/tfjs-backend-wasm-threaded-simd.wasm', 'application/wasm'],
      ['/models/pong-dqn/model.json', 'application/json; charset=utf-8'],
      ['/models/pong-dqn/weights.bin', 'application/octet-stream'],
      ['/models/pong-dqn/learning-curve.png', 'image/png'],
    ];
    for (const [path, type] of expected) {
      const answer = await httpRequest(port, path, 'HEAD');
      assert.equal(answer.status, 200, path);
      assert.equal(answer.type, type, path);
    }
    const page = await httpRequest(port, '/');
    assert.equal(page.headers['cross-origin-opener-policy'], 'same-origin', 'isolation lets tfjs wasm use threads');
    assert.equal(page.headers['cross-origin-embedder-policy'], 'require-corp');
    const index = JSON.parse((await httpRequest(port, '/models-index.json')).body.toString()) as { models: ModelEntry[] };
    const byName = new Map(index.models.map((m) => [m.name, m]));
    for (const name of ['pong-dqn', 'pong-a3c', 'pong-bc', 'seaquest-dqn', 'seaquest-a3c']) assert.ok(byName.has(name), `index lists ${name}`);
    assert.deepEqual({ ...byName.get('pong-dqn'), meanReturn: undefined }, { name: 'pong-dqn', path: 'models/pong-dqn/', env: 'Pong-v0', envOptions: {}, algorithm: 'dqn', actionCount: 3, meanReturn: undefined });
    assert.equal(byName.get('seaquest-a3c')?.env, 'Seaquest-v0');
    const js = (await httpRequest(port, '/main.js')).body.toString();
    assert.ok(!/from\s*["']node:/.test(js) && !/require\(["']node:/.test(js), 'no Node built-in reaches the bundle');
  } finally {
    await viewer.close();
  }
});

test('bad flags are one-line UserErrors naming the flag', () => {
  const cases: [Parameters<typeof checkServeFlags>[0], RegExp][] = [
    [{ port: Number.NaN, host: '127.0.0.1', models: 'models' }, /^--port: must be an integer in \[0, 65535\]/],
    [{ port: 70000, host: '127.0.0.1', models: 'models' }, /^--port:/],
    [{ port: 1.5, host: '127.0.0.1', models: 'models' }, /^--port:/],
    [{ port: 8080, host: 'not a host!', models: 'models' }, /^--host: must be an IP address or a hostname/],
    [{ port: 8080, host: '', models: 'models' }, /^--host:/],
    [{ port: 8080, host: '127.0.0.1', models: 'no/such/folder' }, /^--models: folder 'no\/such\/folder' not found/],
    [{ port: 8080, host: '127.0.0.1', models: 'package.json' }, /^--models: 'package.json' is not a folder/],
  ];
  for (const [flags, pattern] of cases) {
    assert.throws(() => checkServeFlags(flags), (error: Error) => error.name === 'UserError' && pattern.test(error.message) && !error.message.includes('\n'), JSON.stringify(flags));
  }
});

function runCli(...args: string[]): { status: number | null; stderr: string } {
  const result = spawnSync(process.execPath, ['bin/advgym.js', 'serve', ...args], { encoding: 'utf8', timeout: 30_000 });
  return { status: result.status, stderr: result.stderr };
}

test('the CLI exits 2 with one line for a bad flag and for a port in use', async () => {
  const badPort = runCli('--port', 'http');
  assert.equal(badPort.status, 2);
  assert.match(badPort.stderr, /^advgym: --port: must be an integer/);
  assert.equal(badPort.stderr.trim().split('\n').length, 1, badPort.stderr);

  const badModels = runCli('--models', 'no-such-models');
  assert.equal(badModels.status, 2);
  assert.equal(badModels.stderr, "advgym: --models: folder 'no-such-models' not found\n");

  const taken = createServer();
  const port = await new Promise<number>((resolve) => taken.listen(0, '127.0.0.1', () => resolve((taken.address() as { port: number }).port)));
  try {
    const inUse = runCli('--port', String(port));
    assert.equal(inUse.status, 2);
    assert.equal(inUse.stderr, `advgym: --port: ${port} is already in use on 127.0.0.1; pick another with --port\n`);
  } finally {
    taken.close();
  }
});
