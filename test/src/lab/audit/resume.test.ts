/**
 * `advgym audit --resume DIR` end to end on a tiny seeded model (episodes cut at 40 steps, so the
 * costly attacks take seconds): an audit killed in its second round (the costly attacks, after one
 * of their units was saved) and resumed with the same flags writes the same summary.json, byte for
 * byte, as the same audit run without a stop; round 0's finished experiments are read back, not
 * rerun (their run.json is untouched), and the killed experiment runs only its missing units. A
 * finished audit, a folder with no audit, a missing folder and flags of another plan are one-line
 * errors (exit 2) that write nothing; an audit whose every experiment finished resumes without
 * running one.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { before, test } from 'node:test';
import { initBackend } from '../../../../src/core/tensor/backend.ts';
import { tempDir } from '../../../helpers/tempDir.ts';
import { saveTinyAgent } from '../../../helpers/tinyModel.ts';

const ROOT = resolve('.');
const dir = tempDir('audit-resume');
const model = join(dir, 'model');
const ENV = { ...process.env, ADVGYM_BACKEND: 'wasm' };
const flags = (out: string): string[] => ['--model', model, '--env-options', '{"maxEpisodeSteps":40,"game":{"pointsToWin":1}}', '--eps', '0.03', '--episodes', '2', '--max-doublings', '1', '--workers', '1', '--out', out];
const audit = (args: readonly string[]) => spawnSync(process.execPath, ['bin/advgym.js', 'audit', ...args], { cwd: ROOT, encoding: 'utf8', env: ENV, timeout: 180_000 });
const only = (parent: string): string => join(parent, readdirSync(parent)[0] as string);

before(async () => {
  await initBackend('wasm');
  await saveTinyAgent(model);
});

/** Starts the audit and kills it once round 1 has saved a unit; resolves to the audit folder. */
async function killedInRoundOne(out: string): Promise<string> {
  const child = spawn(process.execPath, ['bin/advgym.js', 'audit', ...flags(out)], { cwd: ROOT, env: ENV, stdio: 'ignore' });
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  const deadline = Date.now() + 120_000;
  // Each folder appears a moment after its parent (and units/ goes when its experiment ends), so a
  // folder that is not there reads as empty.
  const list = (path: string): string[] => {
    try {
      return readdirSync(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  };
  for (;;) {
    const auditDir = list(out)[0];
    const experiments = auditDir === undefined ? [] : list(join(out, auditDir, 'experiments')).filter((e) => e.startsWith('audit-r1-'));
    const units = experiments[0] === undefined ? [] : list(join(out, auditDir as string, 'experiments', experiments[0], 'units'));
    if (units.some((u) => u.endsWith('.json'))) break;
    if (child.exitCode !== null || Date.now() > deadline) throw new Error('the audit ended before round 1 saved a unit: the fixture is too fast to kill');
    await new Promise((r) => setTimeout(r, 25));
  }
  child.kill('SIGKILL');
  await exited;
  return only(out);
}

test('a killed audit resumed with --resume gives the summary of an audit never stopped; errors are one line', async () => {
  const reference = audit(flags(join(dir, 'reference')));
  assert.equal(reference.status, 0, reference.stderr);
  const referenceDir = only(join(dir, 'reference'));

  const killed = await killedInRoundOne(join(dir, 'killed'));
  assert.equal(existsSync(join(killed, 'audit.json')), false, 'killed before its report');
  const r0 = readdirSync(join(killed, 'experiments')).filter((e) => e.startsWith('audit-r0-'));
  assert.ok(r0.length > 0);
  const r0Stamps = r0.map((e) => statSync(join(killed, 'experiments', e, 'run.json')).mtimeMs);

  const resumed = audit([...flags(join(dir, 'unused')), '--resume', killed]);
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.equal(existsSync(join(dir, 'unused')), false, '--out is not used with --resume');
  assert.equal(readFileSync(join(killed, 'summary.json'), 'utf8'), readFileSync(join(referenceDir, 'summary.json'), 'utf8'));
  assert.deepEqual(readdirSync(join(killed, 'experiments')).map((e) => e.replace(/-\d{8}T\d{6}Z$/, '')).sort(), readdirSync(join(referenceDir, 'experiments')).map((e) => e.replace(/-\d{8}T\d{6}Z$/, '')).sort(), 'no experiment twice');
  assert.deepEqual(r0.map((e) => statSync(join(killed, 'experiments', e, 'run.json')).mtimeMs), r0Stamps, "round 0's runs were read back, not rerun");
  const info = JSON.parse(readFileSync(join(killed, 'audit.json'), 'utf8')) as { resumed: string[] };
  const r1 = readdirSync(join(killed, 'experiments')).find((e) => e.startsWith('audit-r1-')) as string;
  assert.deepEqual([...info.resumed].sort(), [...r0, r1].map((e) => join('experiments', e)).sort());
  const spread = (JSON.parse(readFileSync(join(killed, 'experiments', r1, 'run.json'), 'utf8')) as { spread: { resumedUnits: number } }).spread;
  assert.ok(spread.resumedUnits >= 1, 'the killed experiment kept its saved units');
  assert.match(readFileSync(join(killed, 'report.md'), 'utf8'), /a resumed audit/);

  const oneLine = (result: ReturnType<typeof audit>, pattern: RegExp): void => {
    assert.equal(result.status, 2, result.stderr);
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    assert.match(result.stderr, pattern);
  };
  oneLine(audit([...flags(join(dir, 'x')), '--resume', killed]), /this audit is finished \(it has an audit\.json\); nothing to resume/);
  oneLine(audit([...flags(join(dir, 'x')), '--resume', model]), /not an audit folder \(no experiments\/\)/);
  oneLine(audit([...flags(join(dir, 'x')), '--resume', join(dir, 'nowhere')]), /no such audit folder/);
  // The reference without its report: every experiment finished, nothing runs again.
  const copy = join(dir, 'copy');
  cpSync(referenceDir, copy, { recursive: true });
  for (const file of ['audit.json', 'report.md', 'summary.json', 'summary.csv', 'return-vs-eps.png']) rmSync(join(copy, file));
  oneLine(audit([...flags(join(dir, 'x')).map((a) => (a === '0.03' ? '0.05' : a)), '--resume', copy]), /--resume: .* was started with another plan: no experiment there matches 'audit-r0-own'/);
  assert.equal(existsSync(join(copy, 'summary.json')), false, 'nothing written by a refused resume');
  const again = audit([...flags(join(dir, 'x')), '--resume', copy]);
  assert.equal(again.status, 0, again.stderr);
  assert.equal(readFileSync(join(copy, 'summary.json'), 'utf8'), readFileSync(join(referenceDir, 'summary.json'), 'utf8'));
  assert.equal(readdirSync(join(copy, 'experiments')).length, readdirSync(join(referenceDir, 'experiments')).length);
});
