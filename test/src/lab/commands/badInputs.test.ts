/**
 * Bad inputs outside `train`, through the real CLI (node bin/advgym.js): each must exit 2 (the
 * user's input is at fault; see src/core/errors.ts) with one line on stderr naming the flag, field
 * or file, no stack trace, and nothing written: the temp folder (the cwd and every --out) is the
 * same before and after, so a failed start leaves no folder, file or temp file behind.
 * Cases run three at a time: each spawn costs a node + tsx start (1-2 s).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../../../helpers/tempDir.ts';

const ROOT = resolve('.');
const BIN = join(ROOT, 'bin', 'advgym.js');
const PONG_DQN = join(ROOT, 'models', 'pong-dqn');
const SEAQUEST_DQN = join(ROOT, 'models', 'seaquest-dqn');
const QUICKSTART = join(ROOT, 'experiments', 'quickstart.json');

interface Outcome {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function advgym(cwd: string, args: readonly string[]): Promise<Outcome> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, ADVGYM_BACKEND: 'wasm' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // A case that hangs (the old `--out /proc/x`) fails the test instead of stalling it.
    const timer = setTimeout(() => child.kill('SIGKILL'), 25_000);
    child.on('close', (status) => {
      clearTimeout(timer);
      done({ status, stdout, stderr });
    });
  });
}

/** Every path under `dir` with its size and mtime: equal snapshots mean nothing was written. */
function snapshot(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .sort()
    .map((path) => {
      const stats = statSync(join(dir, path));
      return `${path} ${stats.isDirectory() ? 'dir' : stats.size} ${stats.mtimeMs}`;
    });
}

/** The backend's progress line is informational; any other stderr line is the error. */
function errorLines(stderr: string): string[] {
  return stderr.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('advgym: tensor backend'));
}

test('bad inputs outside train: exit 2, one line naming the flag/field/file, no stack, nothing written', { timeout: 120_000 }, async () => {
  const dir = tempDir('bad-inputs');
  const file = join(dir, 'a-file');
  writeFileSync(file, 'not a folder\n');
  const folder = join(dir, 'a-folder');
  mkdirSync(folder);
  const config = (name: string, body: Record<string, unknown>): string => {
    const path = join(dir, `${name}.json`);
    writeFileSync(path, JSON.stringify({ name, env: { id: 'Pong-v0', options: { game: { pointsToWin: 1 } } }, victim: PONG_DQN, episodes: 1, ...body }));
    return path;
  };
  const fgsm = { attack: 'fgsm', eps: [0.01], norm: 'linf' };
  const duplicate = config('duplicate', { conditions: [{ attack: 'none' }, fgsm, fgsm] });
  const mismatched = config('mismatched', { substitute: SEAQUEST_DQN, conditions: [{ attack: 'none' }, { ...fgsm, threat: 'transfer' }] });
  // A right-sized weights.bin of other bytes: only the sha256 in model.json tells.
  const garbageModel = join(dir, 'garbage-model');
  mkdirSync(garbageModel);
  for (const name of ['agent.json', 'model.json']) copyFileSync(join(PONG_DQN, name), join(garbageModel, name));
  writeFileSync(join(garbageModel, 'weights.bin'), new Uint8Array(statSync(join(PONG_DQN, 'weights.bin')).size).fill(7));
  const garbage = config('garbage', { victim: garbageModel, conditions: [{ attack: 'none' }] });
  const fresh = join(dir, 'not-yet', 'runs'); // must not be created by a failed start

  const cases: [string[], RegExp][] = [
    [['run'], /^advgym: config: missing; give an experiment JSON, e\.g\. experiments\/quickstart\.json/],
    [['train'], /^advgym: train: missing algorithm: name one of dqn, a3c, bc/],
    [['train', 'foo', '--out', fresh], /^advgym: train: unknown algorithm 'foo': name one of dqn, a3c, bc/],
    [['train', 'dqn', '--out', fresh, '--foo', '1'], /^advgym: Unknown argument: foo/],
    [['train', 'dqn', '--out', fresh, '--resume'], /^advgym: --resume: .*not-yet\/runs holds no dqn run to resume/],
    [['run', join(dir, 'none.json')], /none\.json/],
    [['run', QUICKSTART, '--out', file], /^advgym: --out: .*a-file is a file, not a folder/],
    [['run', QUICKSTART, '--out', join(file, 'runs')], /^advgym: --out: .*a-file\/runs: .*a-file is a file, not a folder/],
    [['run', QUICKSTART, '--out', '/proc/advgym-x'], /^advgym: --out: \/proc\/advgym-x: cannot write in \/proc/],
    [['run', QUICKSTART, '--episodes', '1e9', '--out', fresh], /^advgym: --episodes: Too big: expected number to be <=10000, got 1000000000$/],
    [['run', duplicate, '--out', fresh], /^advgym: conditions: two conditions are both labelled 'fgsm linf eps=0\.01'/],
    [['run', mismatched, '--out', fresh], /^advgym: substitute: model has 18 actions but Pong-v0 has 3$/],
    [['run', garbage, '--out', fresh], /garbage-model\/weights\.bin: content does not match the sha256 in model\.json/],
    [['evaluate', '--model', PONG_DQN, '--episodes', '1e9'], /^advgym: --episodes: Too big/],
    [['record', '--agent', 'random', '--out', folder], /^advgym: --out: .*a-folder is a folder; give a file path/],
    [['record', '--agent', 'random', '--out', '/proc/advgym-x.gif'], /^advgym: --out: \/proc\/advgym-x\.gif: cannot write in \/proc/],
    [['record', '--agent', 'random', '--out', join(dir, 'x.gif'), '--fps', '0'], /^advgym: --fps: Too small/],
    [['record', '--agent', 'random', '--out', join(dir, 'x.gif'), '--max-frames', '0'], /^advgym: --max-frames: /],
    [['record', '--agent', 'random', '--out', join(dir, 'x.gif'), '--png', join(file, 'x.png')], /^advgym: --png: .*a-file is a file, not a folder/],
    [['average', PONG_DQN, '--out', join(file, 'avg')], /^advgym: --out: .*a-file is a file, not a folder/],
    [['average', '--out', join(dir, 'avg')], /^advgym: models: missing; give the model folders to average/],
  ];
  const before = snapshot(dir);
  const outcomes: Outcome[] = [];
  for (let i = 0; i < cases.length; i += 3) {
    outcomes.push(...(await Promise.all(cases.slice(i, i + 3).map(([args]) => advgym(dir, args)))));
  }
  cases.forEach(([args, pattern], i) => {
    const { status, stderr } = outcomes[i] as Outcome;
    const what = `advgym ${args.join(' ')}: ${stderr}`;
    assert.equal(status, 2, what);
    const lines = errorLines(stderr);
    assert.equal(lines.length, 1, what);
    assert.match(lines[0] as string, pattern, what);
    assert.doesNotMatch(stderr, /^\s+at /m, `stack trace: ${what}`);
  });
  assert.deepEqual(snapshot(dir), before, 'a failed start wrote nothing (no folder, file or temp file)');
});

test('`advgym list` into a pipe that closes at once exits 0 without a stack trace', () => {
  const run = spawnSync('bash', ['-c', `"${process.execPath}" "${BIN}" list | true; echo "status=\${PIPESTATUS[0]}"`], { encoding: 'utf8' });
  assert.match(run.stdout, /status=0/);
  assert.equal(run.stderr, '');
});
