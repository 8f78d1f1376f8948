/**
 * The defenses' results table for docs/defenses.md, from the run folders of the
 * experiments/defense-pong-*.json configs (or any runs with the same kinds of conditions):
 *
 *   npx tsx scripts/defense-table.ts RUNFOLDER... [--victim MODEL_DIR ...] [--eps 0.00392,0.00784,0.01176]
 *     [--scope newest|all] [--out FILE.md] [--plot FILE.png]
 *
 * --victim adds a row for a model even when no run folder holds it yet (its cells 'pending'), on
 * the env of its agent.json: the docs' skeleton while the defense configs have not run.
 * One row per victim (model folder and env options): its net, recipe and training step from the
 * model's config.json, agent.json and STATUS.md; columns clean and, per ε of --eps (default 1, 2
 * and 3 grey levels), white-box FGSM, white-box PGD-10, the best transfer attack (the transfer
 * condition, any substitute or attack, with the lowest mean) and random noise; each cell the mean
 * return ± the half-width of its 95% t-interval (summary.json's ci95; '—' where the victim's runs
 * have no such condition, 'pending' while it has no run). Then per victim: every ε
 * the runs hold, and one line saying whether a transferred attack beats every white-box attack at
 * the same ε (the audit's CI-aware rule, src/lab/audit/flags.ts `beats`: the intervals do not
 * overlap), which is the seed's lesson about gradient masking.
 *
 * A condition is read by its spec in the run's config.json, not by its name: 'FGSM' is fgsm with
 * the cross-entropy loss at T = 1; 'PGD-10' is pgd with 10 steps, one run, that loss (cells
 * without a random start are marked †); only l∞, every step attacked, untargeted, on the frames
 * of --scope (default 'newest', the threat model of every defense-pong config); anything else is
 * listed as not tabled. Two runs
 * giving the same cell is an error: pass one of them. Prints the Markdown, or writes it to --out.
 * --plot draws white-box PGD-10's mean return against ε (log axis, every ε the runs hold, 95% CI
 * bands), one line per victim: the curve Huang et al. drew for FGSM, for the defended models.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { UserError } from '../src/core/errors.ts';
import { writeFileAtomic } from '../src/core/files/atomicWrite.ts';
import { checkOutputFile } from '../src/core/files/outputPath.ts';
import { renderLinePlot } from '../src/core/plot/linePlot.ts';
import { readJsonObject } from '../src/core/files/readJsonObject.ts';
import { beats } from '../src/lab/audit/flags.ts';
import { parseExperiment, type AttackCondition } from '../src/lab/experiment/config.ts';
import { expandConditions } from '../src/lab/experiment/conditions.ts';
import type { ConditionSummary } from '../src/lab/experiment/runner.ts';

type Kind = 'clean' | 'fgsm' | 'pgd10' | 'transfer' | 'random';
const KIND_HEADINGS: Record<Exclude<Kind, 'clean'>, string> = { fgsm: 'FGSM', pgd10: 'PGD-10', transfer: 'best transfer', random: 'random' };
const DEFAULT_EPS = [0.00392, 0.00784, 0.01176];
const USAGE = 'npx tsx scripts/defense-table.ts RUNFOLDER... [--victim MODEL_DIR ...] [--eps 0.00392,0.00784,0.01176] [--scope newest|all] [--out FILE.md] [--plot FILE.png]';

interface Cell {
  readonly kind: Kind;
  readonly eps: number;
  readonly mean: number;
  readonly ci95: number;
  readonly episodes: number;
  /** Transfer: 'fgsm@pong-a3c'; PGD-10 without a random start: '†'. */
  readonly note: string;
  readonly run: string;
}

interface VictimRows {
  readonly victim: string;
  readonly envLabel: string;
  readonly cells: Cell[];
  readonly runs: Set<string>;
  readonly untabled: Set<string>;
}

/** The table's kind of an expanded condition, or why it is not tabled. */
function kindOf(spec: AttackCondition | undefined, scope: string): { kind: Kind; note: string } | { skip: string } {
  if (spec === undefined) return { kind: 'clean', note: '' };
  const options = spec as AttackCondition & { loss?: string; temperature?: number; steps?: number; restarts?: number; randomStart?: boolean };
  if (spec.norm !== 'linf' || (spec.scope ?? 'newest') !== scope || spec.timing.kind !== 'every' || spec.targetAction !== undefined || spec.quantize === true) {
    return { skip: `not l∞ on the ${scope} frame(s) at every step, untargeted` };
  }
  const ce = (options.loss ?? 'ce') === 'ce' && (options.temperature ?? 1) === 1;
  if (spec.attack === 'random') return { kind: 'random', note: '' };
  if (spec.threat === 'transfer') return { kind: 'transfer', note: spec.name ?? spec.attack };
  if (spec.attack === 'fgsm' && ce) return { kind: 'fgsm', note: '' };
  if (spec.attack === 'pgd' && ce && options.steps === 10 && (options.restarts ?? 1) === 1) return { kind: 'pgd10', note: options.randomStart === true ? '' : '†' };
  return { skip: 'another white-box attack' };
}

function readRun(dir: string, rows: Map<string, VictimRows>, scope: string): void {
  const config = parseExperiment(readJsonObject(join(dir, 'config.json'), 'the run config'), join(dir, 'config.json'));
  const summary = readJsonObject(join(dir, 'summary.json'), 'the run summary');
  const conditions = summary['conditions'];
  if (!Array.isArray(conditions)) throw new UserError(`${join(dir, 'summary.json')}: no 'conditions' list`);
  const specs = new Map(expandConditions(config).map((c) => [c.label, c.spec]));
  const envLabel = `${config.env.id} ${JSON.stringify(config.env.options)}`;
  const key = `${config.victim}|${envLabel}`;
  const row = rows.get(key) ?? { victim: config.victim, envLabel, cells: [], runs: new Set<string>(), untabled: new Set<string>() };
  rows.set(key, row);
  row.runs.add(dir);
  for (const summaryRow of conditions as ConditionSummary[]) {
    if (!specs.has(summaryRow.label)) throw new UserError(`${dir}: summary.json's condition '${summaryRow.label}' is not in its config.json`);
    const kind = kindOf(specs.get(summaryRow.label), scope);
    if ('skip' in kind) {
      row.untabled.add(summaryRow.label.replace(/ eps=[^ ]+/, ''));
      continue;
    }
    const note = kind.kind === 'transfer' ? `${kind.note.replace(/^transfer-/, '')}${kind.note.includes('@') ? '' : `@${basename(config.substitute ?? '?')}`}` : kind.note;
    const clash = row.cells.find((c) => c.kind === kind.kind && c.eps === summaryRow.eps && (kind.kind !== 'transfer' || c.note === note));
    if (clash !== undefined) throw new UserError(`${dir}: '${summaryRow.label}' is also in ${clash.run}; pass one of the two runs`);
    row.cells.push({ kind: kind.kind, eps: summaryRow.eps, mean: summaryRow.meanReturn, ci95: summaryRow.ci95, episodes: summaryRow.episodes, note, run: dir });
  }
}

function readModelJson(dir: string, file: string): Record<string, unknown> {
  const path = join(dir, file);
  return existsSync(path) ? readJsonObject(path, `the model's ${file}`) : {};
}

/** Net, recipe and step of a model folder, from its config.json and agent.json; its STATUS.md headline. */
function describeVictim(dir: string): string {
  if (!existsSync(dir)) return `\`${dir}\`: model folder not found (run the script from the repository root)`;
  const agent = readModelJson(dir, 'agent.json');
  const config = readModelJson(dir, 'config.json');
  const algorithm = String(agent['algorithm'] ?? '?');
  let net = String(config['architecture'] ?? config['network'] ?? 'dqn2013');
  if (net === 'teacher' && typeof config['teacher'] === 'string') net = `${String(readModelJson(config['teacher'], 'config.json')['architecture'] ?? 'dqn2013')} (the teacher's)`;
  const parts: string[] = [];
  if (algorithm === 'dqn') parts.push(Number(config['quantiles'] ?? 0) > 0 ? `QR-DQN (${String(config['quantiles'])} quantiles)` : config['doubleDqn'] === true ? 'Double DQN' : 'DQN');
  else if (algorithm === 'distill') parts.push(`defensive distillation of ${String(config['teacher'])} at T = ${String(config['temperature'])}, deployed at T = 1`);
  else parts.push(algorithm.toUpperCase());
  const adversarial = config['adversarialTraining'] as Record<string, unknown> | null | undefined;
  if (adversarial) parts.push(`adversarial training (${String(adversarial['attack'])}, where ${String(adversarial['where'])}, ε ${String(adversarial['eps'])}, fraction ${String(adversarial['fraction'])}, ${String(adversarial['scope'])} frames)`);
  const sa = config['saRegularizer'] as Record<string, unknown> | null | undefined;
  if (sa) parts.push(`SA regularizer (κ ${String(sa['kappa'])}, ε ${String(sa['eps'])}, PGD-${String(sa['pgdSteps'])})`);
  if (typeof config['initFrom'] === 'string') parts.push(`fine-tuned from ${config['initFrom']}`);
  const steps = typeof agent['trainedSteps'] === 'number' ? `${agent['trainedSteps'].toLocaleString('en-US')} ${algorithm === 'distill' ? 'updates' : 'steps'}` : 'step unknown';
  const statusPath = join(dir, 'STATUS.md');
  const headline = existsSync(statusPath) ? (readFileSync(statusPath, 'utf8').split('\n')[0] ?? '').replace(/^#\s*/, '') : 'no STATUS.md';
  return `net ${net}; ${parts.join(' + ')}; ${steps}. STATUS.md: “${headline}”`;
}

const fmt = (x: number): string => (x < 0 ? `−${Math.abs(x).toFixed(1)}` : x.toFixed(1));

function epsLabel(eps: number): string {
  const levels = eps * 255;
  return Math.abs(levels - Math.round(levels)) < 0.005 && Math.round(levels) >= 1 ? `${Math.round(levels)}/255` : String(eps);
}

/** The cell of a kind at eps: for transfer, the lowest mean over substitutes and attacks. */
function cellAt(row: VictimRows, kind: Kind, eps: number): Cell | undefined {
  const matches = row.cells.filter((c) => c.kind === kind && (kind === 'clean' || Math.abs(c.eps - eps) < 1e-12));
  return matches.reduce<Cell | undefined>((best, c) => (best === undefined || c.mean < best.mean ? c : best), undefined);
}

function typicalEpisodes(row: VictimRows): number {
  const counts = new Map<number, number>();
  for (const c of row.cells) counts.set(c.episodes, (counts.get(c.episodes) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 0;
}

function showCell(cell: Cell | undefined, row: VictimRows, withNote = true): string {
  // A victim with runs but no cell here was not measured there (a -huang config runs no transfer).
  if (cell === undefined) return row.runs.size === 0 ? 'pending' : '—';
  const n = cell.episodes === typicalEpisodes(row) ? '' : ` (n=${cell.episodes})`;
  const note = withNote && cell.note !== '' ? (cell.kind === 'transfer' ? ` (${cell.note})` : cell.note) : '';
  return `${fmt(cell.mean)} ± ${cell.ci95.toFixed(1)}${note}${n}`;
}

function rowName(row: VictimRows, rows: readonly VictimRows[]): string {
  const name = basename(row.victim);
  return rows.filter((r) => r.victim === row.victim).length > 1 ? `${name} (${row.envLabel})` : name;
}

/** The gradient-masking line: at which ε a transfer attack beats every white-box attack. */
function maskingLine(row: VictimRows): string {
  const eps = [...new Set(row.cells.filter((c) => c.kind === 'transfer').map((c) => c.eps))].sort((a, b) => a - b);
  const compared: number[] = [];
  const wins: string[] = [];
  const lowerOnly: string[] = [];
  for (const e of eps) {
    const white = (['fgsm', 'pgd10'] as const).map((k) => cellAt(row, k, e)).filter((c): c is Cell => c !== undefined);
    const transfer = cellAt(row, 'transfer', e);
    if (white.length === 0 || transfer === undefined) continue;
    compared.push(e);
    const stat = (c: Cell) => ({ attack: c.kind, category: 'whitebox' as const, eps: e, mean: c.mean, ci95: c.ci95 });
    const strongest = white.reduce((a, b) => (b.mean < a.mean ? b : a));
    const text = `ε ${epsLabel(e)}: transfer ${transfer.note} ${fmt(transfer.mean)} ± ${transfer.ci95.toFixed(1)} vs ${KIND_HEADINGS[strongest.kind as 'fgsm']} ${fmt(strongest.mean)} ± ${strongest.ci95.toFixed(1)}`;
    if (white.every((w) => beats(stat(transfer), stat(w)))) wins.push(text);
    else if (transfer.mean < strongest.mean) lowerOnly.push(text);
  }
  if (compared.length === 0) return 'Transfer vs white-box: pending (no ε with both measured).';
  const missing = row.cells.some((c) => c.kind === 'pgd10' || c.kind === 'fgsm') ? '' : ' (no white-box cells)';
  const head =
    wins.length === 0
      ? `**No**: at none of the ${compared.length} ε with both measured does a transferred attack beat every white-box one (95% CIs apart)${missing}.`
      : `**Yes** at ${wins.length} of ${compared.length} ε: a transferred attack beats every white-box one (95% CIs apart): ${wins.join('; ')}.`;
  const tail = lowerOnly.length === 0 ? '' : ` Lower mean but overlapping CIs: ${lowerOnly.join('; ')}.`;
  return `Transfer beats white-box? ${head}${tail}`;
}

function render(rows: readonly VictimRows[], tableEps: readonly number[], scope: string): string {
  const kinds = ['fgsm', 'pgd10', 'transfer', 'random'] as const;
  const lines: string[] = [
    `Mean return ± half-width of the 95% t-interval; l∞ ε in [0,1] pixel units, ${scope === 'all' ? 'every frame of the stack' : 'the newest frame'} perturbed at every step; FGSM and PGD-10 white-box, cross-entropy loss; best transfer: the lowest mean over the transfer conditions (attack@substitute); —: not measured at that ε; pending: no run of the victim yet.`,
    '',
  ];
  const header = ['victim', 'clean', ...tableEps.flatMap((e) => kinds.map((k) => `${KIND_HEADINGS[k]} ${epsLabel(e)}`))];
  lines.push(`| ${header.join(' | ')} |`, `|${header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`);
  for (const row of rows) {
    const cells = [rowName(row, rows), showCell(cellAt(row, 'clean', 0), row), ...tableEps.flatMap((e) => kinds.map((k) => showCell(cellAt(row, k, e), row, k !== 'transfer')))];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  lines.push('');
  for (const row of rows) {
    const matches = row.cells.length === 0 ? 'no run yet' : `${typicalEpisodes(row)} matches per cell unless marked`;
    lines.push(`**${rowName(row, rows)}** (\`${row.victim}\`, ${row.envLabel}, ${matches}): ${describeVictim(row.victim)}`);
    lines.push('');
    lines.push(`- ${maskingLine(row)}`);
    lines.push(`- Runs: ${row.runs.size === 0 ? 'none yet' : [...row.runs].map((r) => `\`${r}\``).join(', ')}${row.untabled.size === 0 ? '' : `; not tabled: ${[...row.untabled].join(', ')}`}`);
    lines.push('');
    const allEps = [...new Set(row.cells.filter((c) => c.kind !== 'clean').map((c) => c.eps))].sort((a, b) => a - b);
    if (allEps.length === 0) continue;
    lines.push(`| ε | ${kinds.map((k) => KIND_HEADINGS[k]).join(' | ')} |`, '|---:|---:|---:|---:|---:|');
    for (const e of allEps) lines.push(`| ${epsLabel(e) === String(e) ? e : `${e} (${epsLabel(e)})`} | ${kinds.map((k) => showCell(cellAt(row, k, e), row)).join(' | ')} |`);
    lines.push('');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

/** PGD-10 (white-box) mean return vs ε, one line per victim with its CI band. */
function pgdPlot(rows: readonly VictimRows[]): Buffer {
  const series = rows.map((row) => {
    const cells = row.cells.filter((c) => c.kind === 'pgd10').sort((a, b) => a.eps - b.eps);
    return {
      name: rowName(row, rows),
      x: cells.map((c) => c.eps),
      y: cells.map((c) => c.mean),
      lower: cells.map((c) => c.mean - c.ci95),
      upper: cells.map((c) => c.mean + c.ci95),
    };
  });
  return renderLinePlot({ title: 'White-box PGD-10: mean return vs l∞ ε (95% CI)', xLabel: 'ε (l∞, [0,1] pixels; log scale)', yLabel: 'mean return', series, logX: true, width: 900, height: 560 });
}

function main(): void {
  const args = process.argv.slice(2);
  const flags = new Map<string, string>();
  const dirs: string[] = [];
  const victims: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--eps' || arg === '--out' || arg === '--victim' || arg === '--scope' || arg === '--plot') {
      const value = args[++i];
      if (value === undefined) throw new UserError(`${arg}: needs a value`);
      if (arg === '--victim') victims.push(value.replace(/\/+$/, ''));
      else flags.set(arg, value);
    } else if (arg.startsWith('--')) throw new UserError(`${arg}: unknown flag (flags: --eps, --out, --victim, --scope, --plot)`);
    else dirs.push(arg);
  }
  if (dirs.length === 0 && victims.length === 0) throw new UserError(`usage: ${USAGE}`);
  const tableEps = flags.has('--eps') ? (flags.get('--eps') as string).split(',').map(Number) : DEFAULT_EPS;
  if (tableEps.some((e) => !(e > 0 && e <= 1))) throw new UserError(`--eps: numbers in (0, 1] separated by commas, got '${flags.get('--eps')}'`);
  const scope = flags.get('--scope') ?? 'newest';
  if (scope !== 'newest' && scope !== 'all') throw new UserError(`--scope: 'newest' or 'all', got '${scope}'`);
  const out = flags.get('--out');
  if (out !== undefined) checkOutputFile(out, '--out');
  const plot = flags.get('--plot');
  if (plot !== undefined) checkOutputFile(plot, '--plot');
  const rows = new Map<string, VictimRows>();
  for (const victim of victims) {
    // Its row on the env it was trained on (what the defense configs use), pending until a run fills it.
    const env = (readModelJson(victim, 'agent.json')['env'] ?? {}) as { id?: string; options?: unknown };
    const envLabel = env.id === undefined ? 'env unknown: no agent.json' : `${env.id} ${JSON.stringify(env.options ?? {})}`;
    rows.set(`${victim}|${envLabel}`, { victim, envLabel, cells: [], runs: new Set<string>(), untabled: new Set<string>() });
  }
  for (const dir of dirs) readRun(dir.replace(/\/+$/, ''), rows, scope);
  const markdown = render([...rows.values()], tableEps, scope);
  if (out === undefined) process.stdout.write(markdown);
  else writeFileAtomic(out, markdown);
  if (plot !== undefined) writeFileAtomic(plot, pgdPlot([...rows.values()]));
}

try {
  main();
} catch (error) {
  if (!(error instanceof UserError)) throw error;
  console.error(`defense-table: ${error.message}`);
  process.exit(error.exitCode);
}
