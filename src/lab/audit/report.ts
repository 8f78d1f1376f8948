/**
 * The audit's outputs: the per-eps table (console and report.md), summary.json (no times, so the
 * same plan and seed give the same bytes), summary.csv and the return-vs-eps plot, written
 * atomically into the audit's own new folder.
 */
import { join } from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from '../../core/files/atomicWrite.ts';
import { renderLinePlot, type LinePlotSpec, type LineSeries } from '../../core/plot/linePlot.ts';
import { OWN_ATTACKS, PGD_LONG_RESTARTS, REACH_FRACTION } from './plan.ts';
import type { AuditResult } from './runAudit.ts';

const fixed = (value: number, digits = 2): string => (Number.isFinite(value) ? value.toFixed(digits) : '-');
const cell = (mean: number, ci: number): string => `${fixed(mean)} ± ${fixed(ci)}`;

/** Attacks in the plan's order (own attacks first, then transfer), as they appear in the result. */
function attackOrder(result: AuditResult): string[] {
  const names = [...new Set(result.cells.map((c) => c.attack))];
  const rank = (name: string): number => {
    const i = OWN_ATTACKS.findIndex((a) => a.name === name);
    return i >= 0 ? i : OWN_ATTACKS.length;
  };
  return names.sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/** Rows: attacks, then the per-episode minimum; columns: eps. Cells: mean return ± 95% CI. */
export function tableRows(result: AuditResult): string[][] {
  const header = ['attack \\ eps (l∞)', ...result.eps.map((e) => `${e} (${fixed(e * 255, 1)}/255)`)];
  const rows = attackOrder(result).map((attack) => [
    attack,
    ...result.eps.map((e) => {
      const c = result.cells.find((x) => x.attack === attack && x.eps === e);
      return c === undefined ? '' : cell(c.mean, c.ci95);
    }),
  ]);
  const minimum = ['per-episode min', ...result.rows.map((r) => cell(r.perEpisodeMin.mean, r.perEpisodeMin.ci95))];
  const strongest = ['strongest (min of means)', ...result.rows.map((r) => r.strongest)];
  return [header, ...rows, minimum, strongest];
}

export function formatAuditTable(result: AuditResult): string {
  const rows = tableRows(result);
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  const [header, ...body] = rows;
  return [
    `clean: ${cell(result.clean.mean, result.clean.ci95)} over ${result.episodes} episodes; worst ${result.worstReturn}, best ${result.bestReturn}`,
    line(header ?? []),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...body.map(line),
  ].join('\n');
}

export function formatFlags(result: AuditResult): string {
  if (result.flags.length === 0) return 'gradient-masking flags: none';
  return ['gradient-masking flags:', ...result.flags.map((f) => `  [${f.rule}] ${f.message}`)].join('\n');
}

function markdownTable(rows: readonly (readonly string[])[]): string {
  const [header, ...body] = rows;
  const h = header ?? [];
  return [`| ${h.join(' | ')} |`, `|${h.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`, ...body.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

export interface AuditRunInfo {
  readonly command: string;
  readonly startedAt: string;
  readonly wallSeconds: number;
  readonly workers: number;
  /** Run folders of the generated experiments, relative to the audit folder. */
  readonly experiments: readonly string[];
  /** With --resume: the experiments found in the folder (finished, or finished from their saved units). */
  readonly resumed?: readonly string[];
}

export function reportMarkdown(result: AuditResult, info: AuditRunInfo): string {
  const sweep =
    result.sweep.stopped === 'off'
      ? 'off'
      : `${result.sweep.epsAdded.length === 0 ? 'no eps added' : `added ${result.sweep.epsAdded.join(', ')}`}; stopped: ${result.sweep.stopped === 'cap' ? 'its cap' : `the strongest attack reached the worst (mean <= ${fixed(result.reachLevel)})`}`;
  return `# advgym audit: ${result.victim}

- command: \`${info.command}\`
- started ${info.startedAt}, ${fixed(info.wallSeconds, 0)} s on ${info.workers} worker thread(s)${info.resumed === undefined ? '' : ` (a resumed audit: this invocation's time; ${info.resumed.length} experiment(s) found in the folder and reused)`}
- env: ${result.env.id} ${JSON.stringify(result.env.options)}; ${result.episodes} episodes per condition, seed ${result.seed} (episode i resets with seed + i in every condition)
- returns: worst ${result.worstReturn}, best ${result.bestReturn}; "reaches the worst" = mean <= ${fixed(result.reachLevel)} (within ${REACH_FRACTION * 100}% of the range)
- clean: ${cell(result.clean.mean, result.clean.ci95)}
- eps sweep: ${sweep}
- PGD-50 runs ${PGD_LONG_RESTARTS} restarts; every attack l∞, newest frame, every step
- costly attacks (PGD-50, SPSA, decision): ${result.costly === 'all' ? 'at every eps (`--costly all`)' : 'a second round at the smallest eps and wherever their check can still fire (`--costly needed`: PGD-50 where PGD-10 is far from the worst, SPSA and decision where no white-box attack reached the worst); an empty cell was not run'}

## Mean return ± 95% CI per attack and eps

${markdownTable(tableRows(result))}

"per-episode min" is the mean over episodes of each episode's lowest return over every attack at
that eps (the attacker who picks the best attack per episode); "strongest" names the attack with
the lowest mean. The sweep's eps run only ${'`random`, `fgsm-ce`, `pgd10-ce`, `pgd10-margin`'}.

## Gradient-masking flags

${result.flags.length === 0 ? 'None fired.' : result.flags.map((f) => `- **${f.rule}**: ${f.message}`).join('\n')}

Rules: docs/audit.md. "A beats B" = mean(A) < mean(B) − (CI(A) + CI(B)).

## Files

${info.experiments.map((e) => `- [${e}](${e}/summary.json)`).join('\n')}
`;
}

const CSV_COLUMNS = ['attack', 'category', 'eps', 'episodes', 'meanReturn', 'ci95', 'returns'] as const;

export function auditCsv(result: AuditResult): string {
  const rows = [
    ['clean', 'clean', 0, result.episodes, result.clean.mean, result.clean.ci95, result.clean.returns.join(' ')],
    ...result.cells.map((c) => [c.attack, c.category, c.eps, c.returns.length, c.mean, c.ci95, c.returns.join(' ')]),
    ...result.rows.map((r) => ['per-episode-min', 'min', r.eps, r.perEpisodeMin.returns.length, r.perEpisodeMin.mean, r.perEpisodeMin.ci95, r.perEpisodeMin.returns.join(' ')]),
  ];
  return `${[CSV_COLUMNS.join(','), ...rows.map((r) => r.map(String).join(','))].join('\n')}\n`;
}

/*
 * An audit draws up to a dozen attack lines: more than one palette's worth. Okabe-Ito without its
 * black (black is the per-episode minimum's alone), then Paul Tol's muted colours (Okabe-Ito's
 * yellow last: it is faint on white); transfer and
 * random lines are dashed, so even a repeated colour is told apart by its style.
 */
const AUDIT_COLOURS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#882255', '#44AA99', '#999933', '#332288', '#117733', '#F0E442'];

/*
 * The plot: one line per attack, the per-episode minimum in black with its 95% CI band, clean and
 * worst. Only the minimum gets a band: a dozen overlapping bands of 3-episode CIs turned the
 * chart to mud, and each attack's CI is in the table beside it. The y axis spans the game's
 * returns (plus a margin), so a band reaching past the possible returns does not stretch it.
 */
export function auditPlotSpec(result: AuditResult): LinePlotSpec {
  const series: LineSeries[] = attackOrder(result).map((attack, index) => {
    const points = result.cells.filter((c) => c.attack === attack).sort((a, b) => a.eps - b.eps);
    const category = points[0]?.category;
    return {
      name: attack,
      x: points.map((p) => p.eps),
      y: points.map((p) => p.mean),
      color: AUDIT_COLOURS[index % AUDIT_COLOURS.length] as string,
      ...(category === 'random' || category === 'transfer' ? { dashed: true } : {}),
    };
  });
  const lo = Math.min(...result.eps);
  const hi = Math.max(...result.eps);
  const minimum = result.rows.map((r) => r.perEpisodeMin);
  series.push({
    name: 'per-episode min',
    x: result.rows.map((r) => r.eps),
    y: minimum.map((m) => m.mean),
    lower: minimum.map((m) => m.mean - m.ci95),
    upper: minimum.map((m) => m.mean + m.ci95),
    color: '#000000',
    lineWidth: 3,
  });
  series.push({ name: 'clean', x: [lo, hi], y: [result.clean.mean, result.clean.mean], dashed: true, points: false, color: '#777777' });
  series.push({ name: 'worst', x: [lo, hi], y: [result.worstReturn, result.worstReturn], dashed: true, points: false, color: '#bbbbbb' });
  const range = result.bestReturn - result.worstReturn;
  // Round the margin out to a tick-friendly step (5 on Pong's 42-point range) so the end ticks are round.
  const step = range > 0 ? 10 ** Math.floor(Math.log10(range)) / 2 : 0;
  const axis = step > 0 ? { yMin: Math.floor((result.worstReturn - 0.05 * range) / step) * step, yMax: Math.ceil((result.bestReturn + 0.05 * range) / step) * step } : {};
  return {
    title: `audit of ${result.victim}: ${result.env.id}, mean return over ${result.episodes} episodes vs eps (l∞)`,
    xLabel: 'eps (l∞, [0,1] pixel units, log scale)',
    yLabel: 'episode return (band: 95% CI of the per-episode min)',
    logX: true,
    series,
    ...axis,
  };
}

export function auditPlot(result: AuditResult): Buffer {
  return renderLinePlot(auditPlotSpec(result));
}

/** summary.json: the result without times (deterministic under a seed); audit.json has the run's facts. */
export function writeAuditFolder(dir: string, result: AuditResult, info: AuditRunInfo): string[] {
  const written: string[] = [];
  const put = (name: string, write: (path: string) => void): void => {
    const path = join(dir, name);
    write(path);
    written.push(path);
  };
  put('summary.json', (p) => writeJsonAtomic(p, result));
  put('summary.csv', (p) => writeFileAtomic(p, auditCsv(result)));
  put('return-vs-eps.png', (p) => writeFileAtomic(p, auditPlot(result)));
  put('audit.json', (p) => writeJsonAtomic(p, info));
  put('report.md', (p) => writeFileAtomic(p, reportMarkdown(result, info)));
  return written;
}
