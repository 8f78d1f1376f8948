/**
 * Sweeps: worker threads and a BullMQ queue give the run folder a sequential run writes, a killed
 * worker's unit is redone elsewhere and counted once, a worker with other model bytes refuses the
 * run, and --resume finishes a run without redoing its finished units. All through the CLI, on
 * models/pong-bc with one-point Pong games, against a private redis-server on 127.0.0.1.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startRedis, type TestRedis } from '../../../helpers/redisServer.ts';

const BIN = resolve('bin/advgym.js');
const root = mkdtempSync(join(tmpdir(), 'advgym-sweep-'));
const configPath = join(root, 'tiny.json');
const env = { ...process.env, ADVGYM_BACKEND: 'wasm', CI: 'true' };
let redis: TestRedis;
const started: ChildProcess[] = [];

writeFileSync(
  configPath,
  JSON.stringify({
    name: 'tiny',
    env: { id: 'Pong-v0', options: { game: { pointsToWin: 1 } } },
    victim: 'models/pong-bc', // relative: each worker reads it from its own working directory
    episodes: 3,
    seed: 5,
    conditions: [{ attack: 'none' }, { attack: 'fgsm', eps: [0.01] }, { attack: 'random', eps: [0.05] }],
    record: { conditions: ['fgsm linf eps=0.01'], maxFrames: 10 },
    perStepLogs: true,
  }),
);

interface Running {
  readonly child: ChildProcess;
  readonly output: () => string;
  readonly done: Promise<number | null>;
}

function start(args: string[], cwd = process.cwd()): Running {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env });
  started.push(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const done = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, done };
}

async function waitFor(what: string, condition: () => boolean, seconds = 60): Promise<void> {
  const until = Date.now() + seconds * 1000;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function finish(running: Running): Promise<string> {
  const code = await running.done;
  assert.equal(code, 0, running.output());
  const dir = /run folder: (\S+)/.exec(running.output())?.[1];
  assert.ok(dir !== undefined, running.output());
  return dir;
}

const RESULT_FILES = ['summary.json', 'summary.csv', 'episodes.jsonl', 'steps.jsonl', 'fgsm_linf_eps=0.01.gif', 'return-vs-eps-linf.png'];
function assertSameRun(dir: string, reference: string): void {
  for (const file of RESULT_FILES) assert.ok(readFileSync(join(dir, file)).equals(readFileSync(join(reference, file))), `${file} of ${dir} differs from the sequential run's`);
  assert.equal(existsSync(join(dir, 'units')), false, 'the per-unit files are removed once the run is assembled');
}

const spreadOf = (dir: string): { mode: string; units: number; resumedUnits: number; unitsByWorker?: Record<string, number> } =>
  (JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as { spread: never }).spread;

let sequential: string;

before(async () => {
  redis = await startRedis();
  sequential = await finish(start(['run', configPath, '--out', join(root, 'seq'), '--workers', '1']));
});

after(async () => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await redis?.stop();
  rmSync(root, { recursive: true, force: true });
});

test('--workers 2 writes the sequential run folder byte for byte', { timeout: 120_000 }, async () => {
  const dir = await finish(start(['run', configPath, '--out', join(root, 'threads'), '--workers', '2']));
  assertSameRun(dir, sequential);
  const { unitsByWorker, ...spread } = spreadOf(dir);
  assert.deepEqual(spread, { mode: 'threads', workers: 2, units: 9, resumedUnits: 0 });
  // The main thread may have run units while the threads started; every unit is counted once.
  assert.equal((unitsByWorker?.['thread'] ?? 0) + (unitsByWorker?.['main'] ?? 0), 9, JSON.stringify(unitsByWorker));
});

test('through the queue with two workers, and again when one is killed mid-run: the sequential summary, each unit once', { timeout: 120_000 }, async () => {
  const workerArgs = ['worker', '--queue', redis.url, '--concurrency', '1', '--stalled-seconds', '1'];
  const first = start(workerArgs);
  const second = start(workerArgs);
  await waitFor('two workers', () => first.output().includes('waiting for units') && second.output().includes('waiting for units'));
  const calm = await finish(start(['run', configPath, '--out', join(root, 'queue'), '--queue', redis.url]));
  assertSameRun(calm, sequential);
  const calmSpread = spreadOf(calm);
  assert.equal(Object.values(calmSpread.unitsByWorker ?? {}).reduce((a, b) => a + b, 0), 9);

  const submitter = start(['run', configPath, '--out', join(root, 'killed'), '--queue', redis.url]);
  // Kill the first worker while it holds a unit: right after some unit came back, it is on its next one.
  await waitFor('a first unit', () => countUnits(join(root, 'killed')) >= 1);
  first.child.kill('SIGKILL');
  const dir = await finish(submitter);
  assertSameRun(dir, sequential);
  const spread = spreadOf(dir);
  assert.equal(Object.values(spread.unitsByWorker ?? {}).reduce((a, b) => a + b, 0), 9, JSON.stringify(spread));
  assert.equal(readFileSync(join(dir, 'episodes.jsonl'), 'utf8').trim().split('\n').length, 9);
  second.child.kill('SIGTERM');
  assert.equal(await second.done, 0, second.output());
});

function countUnits(out: string): number {
  if (!existsSync(out)) return 0;
  return readdirSync(out).reduce((n, run) => n + (existsSync(join(out, run, 'units')) ? readdirSync(join(out, run, 'units')).filter((f) => f.endsWith('.json')).length : 0), 0);
}

test('a worker whose model bytes differ refuses the run; a right one serves it after --resume', { timeout: 120_000 }, async () => {
  // Another machine's copy of models/pong-bc: same path, other weights (its recorded hash differs).
  const elsewhere = join(root, 'elsewhere');
  mkdirSync(join(elsewhere, 'models'), { recursive: true });
  cpSync('models/pong-bc', join(elsewhere, 'models', 'pong-bc'), { recursive: true });
  const modelJson = join(elsewhere, 'models', 'pong-bc', 'model.json');
  writeFileSync(modelJson, readFileSync(modelJson, 'utf8').replace(/"weightsSha256": "[0-9a-f]+"/, `"weightsSha256": "${'0'.repeat(64)}"`));
  const wrong = start(['worker', '--queue', redis.url, '--concurrency', '1'], elsewhere);
  await waitFor('the worker', () => wrong.output().includes('waiting for units'));
  const out = join(root, 'refused');
  const submitter = start(['run', configPath, '--out', out, '--queue', redis.url]);
  await waitFor('the refusal', () => /refuses this run's units: victim models\/pong-bc here has weights sha256 000000000000/.test(submitter.output()));
  assert.match(wrong.output(), /refusing run advgym-tiny-/);
  submitter.child.kill('SIGKILL'); // the submitter dies; its folder holds config.json and pending.json
  await submitter.done;
  const [runName] = readdirSync(out);
  assert.ok(runName !== undefined);
  const dir = join(out, runName);
  assert.equal(countUnits(out), 0, 'no unit ran on the refusing worker');

  const right = start(['worker', '--queue', redis.url, '--concurrency', '2']);
  const resumed = await finish(start(['run', '--resume', dir]));
  assert.equal(resumed, dir);
  assertSameRun(dir, sequential);
  assert.deepEqual(Object.keys(spreadOf(dir).unitsByWorker ?? {}).length, 1);
  right.child.kill('SIGTERM');
  wrong.child.kill('SIGTERM');
  await Promise.all([right.done, wrong.done]);
});

test('--resume runs only the units a killed run lacks', { timeout: 120_000 }, async () => {
  const out = join(root, 'resume');
  const submitter = start(['run', configPath, '--out', out, '--workers', '1']);
  await waitFor('two finished units', () => countUnits(out) >= 2);
  submitter.child.kill('SIGKILL');
  await submitter.done;
  const kept = countUnits(out);
  assert.ok(kept >= 2 && kept < 9, `${kept} units kept`);
  const [runName] = readdirSync(out);
  const dir = join(out, runName ?? '');
  await finish(start(['run', '--resume', dir, '--workers', '2']));
  assertSameRun(dir, sequential);
  assert.equal(spreadOf(dir).resumedUnits, kept);
  const again = start(['run', '--resume', dir]);
  assert.equal(await again.done, 2);
  assert.match(again.output(), /this run is finished/);
});

test('an unreachable or malformed --queue is one line, exit 1 or 2, and no run folder', { timeout: 120_000 }, async () => {
  const out = join(root, 'unreachable');
  const closed = start(['run', configPath, '--out', out, '--queue', `redis://127.0.0.1:${redis.port + 1}`]);
  assert.equal(await closed.done, 1, closed.output());
  assert.match(closed.output(), /^advgym: --queue: cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+ \(.*\)$/m);
  const malformed = start(['run', configPath, '--out', out, '--queue', 'http://127.0.0.1:6379']);
  assert.equal(await malformed.done, 2);
  assert.match(malformed.output(), /--queue: unsupported scheme 'http'/);
  assert.equal(existsSync(out) && readdirSync(out).length > 0, false, 'nothing written');
  const worker = start(['worker', '--queue', `redis://127.0.0.1:${redis.port + 1}`]);
  assert.equal(await worker.done, 1);
});
