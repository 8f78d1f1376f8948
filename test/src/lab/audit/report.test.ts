/**
 * The audit plot (src/lab/audit/report.ts auditPlotSpec) on a constructed result with every attack
 * of the default plan and two substitutes (12 attack lines, more than one palette): each attack
 * line has its own colour, only the per-episode minimum is black and only it has a CI band,
 * transfer and random lines are dashed and the white-box ones are not, the y axis spans the
 * game's returns, and the PNG renders.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { auditPlot, auditPlotSpec } from '../../../../src/lab/audit/report.ts';
import type { AuditResult } from '../../../../src/lab/audit/runAudit.ts';

const ATTACKS: readonly [string, AuditResult['cells'][number]['category']][] = [
  ['random', 'random'],
  ['fgsm-ce', 'whitebox'],
  ['pgd10-ce', 'whitebox'],
  ['pgd10-margin', 'whitebox'],
  ['pgd50-ce', 'whitebox'],
  ['pgd50-margin', 'whitebox'],
  ['spsa', 'gradient-free'],
  ['decision', 'decision'],
  ['transfer-fgsm@a', 'transfer'],
  ['transfer-pgd10@a', 'transfer'],
  ['transfer-fgsm@b', 'transfer'],
  ['transfer-pgd10@b', 'transfer'],
];

function result(): AuditResult {
  const eps = [0.00392, 0.00784];
  const stat = (mean: number) => ({ mean, ci95: 1, returns: [mean, mean, mean] });
  return {
    victim: 'models/x',
    env: { id: 'Pong-v0', options: {} },
    episodes: 3,
    seed: 0,
    worstReturn: -21,
    bestReturn: 21,
    reachLevel: -18.9,
    clean: stat(18),
    eps,
    cells: ATTACKS.flatMap(([attack, category], i) => eps.map((e) => ({ attack, category, eps: e, ...stat(10 - i) }))),
    rows: eps.map((e) => ({ eps: e, perEpisodeMin: stat(-5), strongest: 'transfer-pgd10@b' })),
    sweep: { epsAdded: [], stopped: 'cap' },
    costly: 'all',
    flags: [],
  } as AuditResult;
}

test('audit plot: a colour per attack, black and a band for the per-episode minimum alone, transfer and random dashed', () => {
  const spec = auditPlotSpec(result());
  const series = spec.series;
  const attacks = series.filter((s) => ATTACKS.some(([name]) => name === s.name));
  assert.equal(attacks.length, ATTACKS.length);
  const colours = attacks.map((s) => s.color);
  assert.equal(new Set(colours).size, colours.length, `repeated colours: ${colours.join(' ')}`);
  assert.deepEqual(series.filter((s) => s.color === '#000000').map((s) => s.name), ['per-episode min']);
  assert.deepEqual(series.filter((s) => s.lower !== undefined).map((s) => s.name), ['per-episode min']);
  assert.deepEqual(series.find((s) => s.name === 'per-episode min')?.upper, [-4, -4], 'mean + ci95');
  assert.deepEqual([spec.yMin, spec.yMax], [-25, 25], "Pong's returns and a margin, rounded out to 5");
  for (const [name, category] of ATTACKS) {
    const line = attacks.find((s) => s.name === name);
    assert.equal(line?.dashed === true, category === 'transfer' || category === 'random', name);
  }
  assert.equal(auditPlot(result()).subarray(1, 4).toString('latin1'), 'PNG');
});
