/**
 * The floors of advgym and the rules between them (shared/DESIGN.md, "Layout"), checked on the
 * import statements of the source files: core (src/core) < envs < agents < lab (src/lab) < the
 * public API (src/index.ts). bench/, scripts/ and test/ stand outside the floors and are not checked.
 *
 * Written here rather than taken from a library (dependency-cruiser, madge): the rules are a dozen
 * lines over a regular expression, and those tools pull in a TypeScript parser and a config format
 * of their own for what one `readdirSync` walk does.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { posix } from 'node:path';

export interface SourceFile {
  /** Repository-relative path with forward slashes, e.g. 'src/lab/adversary/fgsm.ts'. */
  readonly path: string;
  readonly text: string;
}

export interface Import {
  readonly from: string;
  /** A repository-relative path for relative imports, the bare specifier for packages. */
  readonly to: string;
  readonly typeOnly: boolean;
  /** A relative import (a file of this repository), not a package. */
  readonly local: boolean;
}

const FLOOR_ROOTS = ['src', 'envs', 'agents'];

/** Every .ts file under the floors' folders of `root`. */
export function readSources(root: string): SourceFile[] {
  const walk = (dir: string): string[] =>
    readdirSync(posix.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
      const path = posix.join(dir, entry.name);
      if (entry.isDirectory()) return walk(path);
      return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
    });
  return FLOOR_ROOTS.flatMap(walk).map((path) => ({ path, text: readFileSync(posix.join(root, path), 'utf8') }));
}

const IMPORT = /^\s*(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm;
const DYNAMIC_IMPORT = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

export function importsOf(file: SourceFile): Import[] {
  const imports: Import[] = [];
  const resolve = (specifier: string): string => (specifier.startsWith('.') ? posix.normalize(posix.join(posix.dirname(file.path), specifier)) : specifier);
  for (const match of file.text.matchAll(IMPORT)) {
    const specifier = match[3] as string;
    imports.push({ from: file.path, to: resolve(specifier), typeOnly: match[2] !== undefined, local: specifier.startsWith('.') });
  }
  for (const match of file.text.matchAll(DYNAMIC_IMPORT)) {
    const specifier = match[1] as string;
    imports.push({ from: file.path, to: resolve(specifier), typeOnly: false, local: specifier.startsWith('.') });
  }
  return imports;
}

/** The unit a cycle is checked between: src/core/<x>, src/lab/<x>, agents/<x>, agents, envs, src. */
export function folderOf(path: string): string {
  const parts = path.split('/');
  if (parts[0] === 'src' && (parts[1] === 'core' || parts[1] === 'lab')) return parts.length > 3 ? parts.slice(0, 3).join('/') : parts.slice(0, 2).join('/');
  if (parts[0] === 'agents' || parts[0] === 'envs') return parts.length > 2 ? parts.slice(0, 2).join('/') : (parts[0] as string);
  return parts.slice(0, -1).join('/') || '.';
}

type Floor = 'core' | 'envs' | 'agents' | 'lab' | 'api' | 'package';
const RANK: Readonly<Record<Exclude<Floor, 'package'>, number>> = { core: 0, envs: 1, agents: 2, lab: 3, api: 4 };

function floorOf(path: string, local = true): Floor {
  if (!local) return 'package';
  if (path.startsWith('src/core/')) return 'core';
  if (path.startsWith('envs/')) return 'envs';
  if (path.startsWith('agents/')) return 'agents';
  if (path.startsWith('src/lab/')) return 'lab';
  if (path.startsWith('src/')) return 'api';
  return 'package';
}

const isTensorflow = (to: string): boolean => to.startsWith('@tensorflow/');
const isYargs = (to: string): boolean => to === 'yargs' || to.startsWith('yargs/');
const isCli = (path: string): boolean => path === 'src/lab/cli.ts' || path.startsWith('src/lab/commands/');

/** One line per broken rule: 'from -> to: why'. */
export function ruleViolations(files: readonly SourceFile[]): string[] {
  const violations: string[] = [];
  const imports = files.flatMap(importsOf);
  for (const { from, to, local } of imports) {
    const line = (why: string): void => void violations.push(`${from} -> ${to}: ${why}`);
    const source = floorOf(from);
    const target = floorOf(to, local);
    if (source === 'package') continue;
    if (local && target === 'package') line('imports a file outside the floors (test/, bench/, scripts/ or beyond)');
    if (target !== 'package' && source !== 'api' && RANK[target] > RANK[source]) line(`${source} may not import from the ${target} floor above it`);
    if (source === 'envs' && (isTensorflow(to) || to === 'node:fs' || to === 'fs')) line('envs/ holds game rules only: no tfjs, no node:fs');
    if (source === 'lab' && from.startsWith('src/lab/adversary/') && target === 'agents' && to !== 'agents/policy.ts') {
      line('src/lab/adversary reaches agents/ only through agents/policy.ts');
    }
    if (isYargs(to) && !isCli(from)) line('only the CLI (src/lab/cli.ts, src/lab/commands/) imports yargs');
  }
  const local = imports.filter((i) => i.local);
  violations.push(...cycles(local.map((i) => [i.from, i.to] as const)).map((c) => `file cycle: ${c.join(' -> ')}`));
  const folderEdges = local
    .map((i) => [folderOf(i.from), folderOf(i.to)] as const)
    .filter(([a, b]) => a !== b);
  violations.push(...cycles(folderEdges).map((c) => `folder cycle: ${c.join(' -> ')}`));
  return violations;
}

/** The strongly connected components with more than one node (Tarjan), each listed once. */
export function cycles(edges: readonly (readonly [string, string])[]): string[][] {
  const next = new Map<string, string[]>();
  for (const [a, b] of edges) {
    next.set(a, [...(next.get(a) ?? []), b]);
    if (!next.has(b)) next.set(b, []);
  }
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter++);
    stack.push(node);
    onStack.add(node);
    for (const to of next.get(node) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node) as number, low.get(to) as number));
      } else if (onStack.has(to)) low.set(node, Math.min(low.get(node) as number, index.get(to) as number));
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop() as string;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const node of [...next.keys()].sort()) if (!index.has(node)) visit(node);
  return found;
}
