/**
 * scripts/defense-table.ts on a tiny real run folder: `advgym run` of a config shaped like
 * experiments/defense-pong-*.json (clean, FGSM, PGD-10 with a random start, random noise, transfer
 * FGSM; plus an l2 condition the table must leave out), with models/pong-bc as the victim,
 * models/pong-a3c as the substitute, 2 matches to 1 point. The table's cells must be the run's
 * summary.json figures; the gradient-masking line must say "No" on the run as it is and "Yes" on
 * a copy whose transfer cell is made to beat the white-box ones; two runs giving the same cell, and
 * a folder that is not a run, are one-line errors (exit 2); --victim adds a pending row; a cell no
 * run of a victim holds is '—'; --plot writes a PNG, and a bad --plot path writes nothing.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../helpers/tempDir.ts';

const ROOT = resolve('.');
const EPS = [0.00392, 0.05];

function node(args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ADVGYM_BACKEND: 'wasm' }, timeout: 120_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const table = (...args: string[]) => node(['--import', 'tsx', 'scripts/defense-table.ts', ...args]);

interface SummaryRow {
  label: string;
  meanReturn: number;
  ci95: number;
}

test('defense-table reads a real run folder: cells from summary.json, the masking line, errors', () => {
  const dir = tempDir('defense-table');
  const config = {
    name: 'tiny-defense',
    env: { id: 'Pong-v0', options: { game: { pointsToWin: 1 } } },
    victim: 'models/pong-bc',
    substitute: 'models/pong-a3c',
    episodes: 2,
    seed: 0,
    conditions: [
      { attack: 'none' },
      { attack: 'fgsm', name: 'fgsm', eps: EPS, norm: 'linf' },
      { attack: 'pgd', name: 'pgd10', eps: EPS, norm: 'linf', steps: 10, randomStart: true },
      { attack: 'random', eps: EPS, norm: 'linf' },
      { attack: 'fgsm', name: 'transfer-fgsm@pong-a3c', eps: EPS, norm: 'linf', threat: 'transfer' },
      { attack: 'fgsm', name: 'fgsm-l2', eps: [0.5], norm: 'l2' },
    ],
  };
  const configPath = join(dir, 'tiny-defense.json');
  writeFileSync(configPath, JSON.stringify(config));
  const run = node(['bin/advgym.js', 'run', configPath, '--out', join(dir, 'runs'), '--workers', '1']);
  assert.equal(run.status, 0, run.stderr);
  const runDir = join(dir, 'runs', readdirSync(join(dir, 'runs'))[0] as string);
  const summary = JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8')) as { conditions: SummaryRow[] };
  const figure = (label: string): string => {
    const row = summary.conditions.find((c) => c.label === label) as SummaryRow;
    return `${row.meanReturn < 0 ? `−${Math.abs(row.meanReturn).toFixed(1)}` : row.meanReturn.toFixed(1)} ± ${row.ci95.toFixed(1)}`;
  };

  const result = table(runDir, '--eps', EPS.join(','));
  assert.equal(result.status, 0, result.stderr);
  const lines = result.stdout.split('\n');
  assert.match(lines[0] as string, /^Mean return ± half-width of the 95% t-interval; l∞ ε in \[0,1\] pixel units, the newest frame perturbed/);
  assert.equal(lines[2], '| victim | clean | FGSM 1/255 | PGD-10 1/255 | best transfer 1/255 | random 1/255 | FGSM 0.05 | PGD-10 0.05 | best transfer 0.05 | random 0.05 |');
  const row = lines.find((l) => l.startsWith('| pong-bc |')) as string;
  assert.deepEqual(
    row.split(' | ').slice(1, 6),
    [figure('clean'), figure('fgsm linf eps=0.00392'), figure('pgd10 linf eps=0.00392 k=10'), figure('transfer-fgsm@pong-a3c linf eps=0.00392 transfer'), figure('random linf eps=0.00392')],
  );
  assert.match(result.stdout, /net dqn2013; BC; 2,000 steps\. STATUS\.md: “no STATUS\.md”/);
  assert.match(result.stdout, /2 matches per cell/);
  assert.match(result.stdout, /not tabled: fgsm-l2 l2/);
  const masking = lines.find((l) => l.startsWith('- Transfer beats white-box?')) as string;
  assert.ok(masking !== undefined, result.stdout);

  // A copy whose transfer cell at 0.05 is far below both white-box cells: the line must say Yes there.
  const edited = join(dir, 'edited');
  cpSync(runDir, edited, { recursive: true });
  const set = (label: string, mean: number) => Object.assign(summary.conditions.find((c) => c.label === label) as SummaryRow, { meanReturn: mean, ci95: 0.1 });
  set('fgsm linf eps=0.05', 0.5);
  set('pgd10 linf eps=0.05 k=10', 0);
  set('transfer-fgsm@pong-a3c linf eps=0.05 transfer', -1);
  writeFileSync(join(edited, 'summary.json'), JSON.stringify(summary));
  const yes = table(edited, '--victim', 'models/pong-dqn');
  assert.equal(yes.status, 0, yes.stderr);
  assert.match(yes.stdout, /^\| pong-dqn \| pending( \| pending){12} \|$/m, '--victim: a row of pending cells for a model no run holds');
  assert.match(yes.stdout, /\*\*pong-dqn\*\* \(`models\/pong-dqn`, Pong-v0 \{\}, no run yet\): net patch6; QR-DQN \(32 quantiles\); 1,725,000 steps/);
  assert.match(yes.stdout, /Transfer beats white-box\? \*\*Yes\*\* at 1 of 2 ε: .*ε 0\.05: transfer fgsm@pong-a3c −1\.0 ± 0\.1 vs PGD-10 0\.0 ± 0\.1/);
  assert.match(masking, /\*\*No\*\*: at none of the 2 ε/, 'on the real run (2 matches to 1 point) no transfer attack beats white-box by non-overlapping CIs');

  // A run without the transfer cell at 1/255 (a -huang config runs none): that cell is '—', not 'pending'.
  const partial = join(dir, 'partial');
  cpSync(runDir, partial, { recursive: true });
  const withoutTransfer = { conditions: summary.conditions.filter((c) => c.label !== 'transfer-fgsm@pong-a3c linf eps=0.00392 transfer') };
  writeFileSync(join(partial, 'summary.json'), JSON.stringify(withoutTransfer));
  const dash = table(partial, '--eps', EPS.join(','));
  assert.equal(dash.status, 0, dash.stderr);
  assert.equal((dash.stdout.split('\n').find((l) => l.startsWith('| pong-bc |')) as string).split(' | ')[4], '—');

  // --plot: a real PNG of PGD-10 against ε; a folder given as --plot is refused before --out is written.
  const png = join(dir, 'pgd10.png');
  const plotted = table(runDir, '--plot', png);
  assert.equal(plotted.status, 0, plotted.stderr);
  assert.equal(readFileSync(png).subarray(1, 4).toString('latin1'), 'PNG');
  const md = join(dir, 'table.md');
  const badPlot = table(runDir, '--out', md, '--plot', dir);
  assert.equal(badPlot.status, 2);
  assert.match(badPlot.stderr.trim(), /^defense-table: --plot: .* is a folder; give a file path$/);
  assert.equal(existsSync(md), false, 'nothing written when --plot is bad');

  const twice = table(runDir, edited);
  assert.equal(twice.status, 2);
  assert.match(twice.stderr.trim(), /^defense-table: .*'clean' is also in .*; pass one of the two runs$/);
  assert.equal(twice.stderr.trim().split('\n').length, 1);
  const notRun = table(dir);
  assert.equal(notRun.status, 2);
  assert.match(notRun.stderr.trim(), /^defense-table: .*config\.json: missing: cannot read the run config$/);
});
