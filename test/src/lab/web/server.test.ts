/**
 * The viewer server's contract (src/lab/web/server.ts): it serves the web build and the models
 * folder, with the right content types, and nothing else: traversal in every spelling, absolute
 * paths and symlinks out of the models folder are 404s, write methods are 405s.
 */
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { WebAssets } from '../../../../src/lab/web/buildPage.ts';
import { createViewerServer, listen } from '../../../../src/lab/web/server.ts';
import { httpRequest } from '../../../helpers/http.ts';
import { tempDir } from '../../../helpers/tempDir.ts';

const root = tempDir('viewer-server');
const models = join(root, 'models');
const SECRET = 'secret outside the served folders';
mkdirSync(join(models, 'tiny'), { recursive: true });
writeFileSync(join(models, 'tiny', 'agent.json'), '{"algorithm":"dqn"}');
writeFileSync(join(models, 'tiny', 'model.json'), '{}');
writeFileSync(join(models, 'tiny', 'weights.bin'), new Uint8Array([1, 2, 3]));
writeFileSync(join(models, 'tiny', 'curve.png'), new Uint8Array([0x89, 0x50, 0x4e, 0x47]));
writeFileSync(join(root, 'secret.txt'), SECRET);
mkdirSync(join(root, 'outside'));
writeFileSync(join(root, 'outside', 'weights.bin'), SECRET);
// Symlinks out of the models folder (a file and a folder), and one that stays inside it.
symlinkSync(join(root, 'secret.txt'), join(models, 'tiny', 'leak.json'));
symlinkSync(join(root, 'outside'), join(models, 'elsewhere'));
symlinkSync(join(models, 'tiny', 'weights.bin'), join(models, 'tiny', 'alias.bin'));

const assets: WebAssets = new Map([
  ['index.html', new TextEncoder().encode('<!doctype html><title>viewer</title>')],
  ['main.js', new TextEncoder().encode('console.log(1);')],
  ['models-index.json', new TextEncoder().encode('{"models":[]}')],
  ['wasm/tfjs-backend-wasm.wasm', new Uint8Array([0, 0x61, 0x73, 0x6d])],
]);

const server = createViewerServer({ assets, modelsDir: models });
let port = 0;
before(async () => {
  port = await listen(server, 0, '127.0.0.1');
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

test('serves the web build and model files with their content types', async () => {
  const cases: [string, string][] = [
    ['/', 'text/html; charset=utf-8'],
    ['/index.html', 'text/html; charset=utf-8'],
    ['/main.js', 'text/javascript; charset=utf-8'],
    ['/models-index.json', 'application/json; charset=utf-8'],
    ['/wasm/tfjs-backend-wasm.wasm', 'application/wasm'],
    ['/models/tiny/agent.json', 'application/json; charset=utf-8'],
    ['/models/tiny/weights.bin', 'application/octet-stream'],
    ['/models/tiny/curve.png', 'image/png'],
    ['/models/tiny/alias.bin', 'application/octet-stream'],
    ['/main.js?v=1#x', 'text/javascript; charset=utf-8'],
  ];
  for (const [path, type] of cases) {
    const answer = await httpRequest(port, path);
    assert.equal(answer.status, 200, path);
    assert.equal(answer.type, type, path);
    assert.equal(answer.headers['x-content-type-options'], 'nosniff', path);
  }
  assert.deepEqual([...(await httpRequest(port, '/models/tiny/weights.bin')).body], [1, 2, 3]);
  assert.deepEqual([...(await httpRequest(port, '/models/tiny/alias.bin')).body], [1, 2, 3], 'a symlink inside the folder is fine');
});

test('HEAD answers like GET without a body', async () => {
  const answer = await httpRequest(port, '/main.js', 'HEAD');
  assert.equal(answer.status, 200);
  assert.equal(answer.headers['content-length'], String('console.log(1);'.length));
  assert.equal(answer.body.length, 0);
});

test('paths out of the served folders are 404, however they are spelled', async () => {
  const probes = [
    '/../secret.txt',
    '/models/../secret.txt',
    '/models/../../secret.txt',
    '/models/tiny/../../secret.txt',
    '/%2e%2e/secret.txt',
    '/models/%2e%2e/secret.txt',
    '/models/%2E%2E/%2e%2e/secret.txt',
    '/models/.%2e/secret.txt',
    '/models%2f..%2fsecret.txt',
    '/models/tiny%2f..%2f..%2fsecret.txt',
    '/models/tiny%2F..%2F..%2Fsecret.txt',
    '/models/..%5csecret.txt',
    '/models/..\\secret.txt',
    '/models/%252e%252e/secret.txt',
    '//etc/passwd',
    '/models//etc/passwd',
    `/models/${root}/secret.txt`,
    `/models/${encodeURIComponent(join(root, 'secret.txt'))}`,
    '/etc/passwd',
    'http://127.0.0.1/etc/passwd',
    '/models/tiny/leak.json',
    '/models/elsewhere/weights.bin',
    '/models/tiny/%00.json',
    '/models/%ff',
    '/models/',
    '/models',
    '/models/tiny',
    '/models/tiny/',
    '/wasm/',
    '/nothing.js',
    '/.',
  ];
  for (const path of probes) {
    const answer = await httpRequest(port, path);
    assert.equal(answer.status, 404, path);
    assert.ok(!answer.body.toString().includes('secret'), `${path} leaked the file`);
  }
});

test('write methods are refused with 405', async () => {
  for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
    for (const path of ['/', '/models/tiny/agent.json', '/nothing']) {
      const answer = await httpRequest(port, path, method);
      assert.equal(answer.status, 405, `${method} ${path}`);
      assert.equal(answer.headers['allow'], 'GET, HEAD');
    }
  }
});

test('the server binds to the address it is given, and a taken port is a one-line error naming --port', async () => {
  const address = server.address() as AddressInfo;
  assert.equal(address.address, '127.0.0.1');
  const second = createViewerServer({ assets, modelsDir: models });
  await assert.rejects(listen(second, port, '127.0.0.1'), (error: Error) => /^--port: \d+ is already in use/.test(error.message) && !error.message.includes('\n'));
  await assert.rejects(listen(createViewerServer({ assets, modelsDir: models }), 0, '192.0.2.1'), /: --host: cannot listen on '192\.0\.2\.1'/);
});
