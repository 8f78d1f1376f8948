/** The summary table `advgym run` prints: one row per condition. */
import type { ConditionSummary } from './runner.ts';

const fixed = (value: number, digits: number): string => (Number.isFinite(value) ? value.toFixed(digits) : '-');

export function formatSummaryTable(conditions: readonly ConditionSummary[]): string {
  const header = ['condition', 'return ± 95% CI', 'degradation', 'action change', 'attack rate', '|δ|∞', '|δ|₂', '|δ|₁'];
  const rows = conditions.map((c) => [
    c.label,
    `${fixed(c.meanReturn, 2)} ± ${fixed(c.ci95, 2)}`,
    c.attack === 'none' ? '-' : `${fixed(c.degradationPercent, 1)}%`,
    c.attack === 'none' ? '-' : `${fixed(100 * c.actionChangeRate, 1)}%`,
    `${fixed(100 * c.attackRate, 1)}%`,
    c.meanDelta.linf.toPrecision(3),
    c.meanDelta.l2.toPrecision(3),
    c.meanDelta.l1.toPrecision(3),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
