/**
 * Game facts live on the game's registration (envs/index.ts gameFacts): no code above envs/ may
 * branch on a game id. Naming an id as a default or an example (`default('Pong-v0')`,
 * `makeEnv('Pong-v0')` in a script) is fine; comparing against one (`=== 'Pong-v0'`,
 * `case 'Seaquest-v0':`, `.startsWith('Pong')`) is what this test forbids, for every registered id.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { listEnvs } from '../envs/index.ts';

const SCANNED = ['src', 'agents', 'scripts', 'bench'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|mts|js|mjs)$/.test(entry.name) ? [path] : [];
  });
}

/** Comments removed (line and block), so a comment may mention an id freely. */
function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Lines of `text` that compare something with game id `id` or its family name ('Pong'). */
export function idComparisons(text: string, id: string): string[] {
  const family = id.replace(/-v\d+$/, '');
  const literal = `['"\`](?:${escape(id)}|${escape(family)})['"\`]`;
  const pattern = new RegExp(`[!=]==?\\s*${literal}|${literal}\\s*[!=]==?|case\\s+${literal}|(?:startsWith|endsWith|includes|match|test)\\(\\s*${literal}`);
  return withoutComments(text).split('\n').filter((line) => pattern.test(line));
}

test('no code outside envs/ compares against a game id', () => {
  const ids = listEnvs().map((entry) => entry.id);
  assert.ok(ids.length >= 2);
  const found = SCANNED.flatMap((dir) => sourceFiles(dir)).flatMap((path) => {
    const text = readFileSync(path, 'utf8');
    return ids.flatMap((id) => idComparisons(text, id).map((line) => `${path}: ${line.trim()}`));
  });
  assert.deepEqual(found, [], 'put the fact on the game registration (envs/game.ts) and read it through gameFacts');
});

test('the check catches comparisons and lets defaults and comments through', () => {
  assert.equal(idComparisons("if (config.env.id !== 'Pong-v0') return 0;", 'Pong-v0').length, 1);
  assert.equal(idComparisons("  case 'Seaquest-v0':", 'Seaquest-v0').length, 1);
  assert.equal(idComparisons('if ("Pong-v0" === id) x();', 'Pong-v0').length, 1);
  assert.equal(idComparisons("if (id.startsWith('Pong')) x();", 'Pong-v0').length, 1);
  assert.equal(idComparisons("env: z.string().min(1).default('Pong-v0'),", 'Pong-v0').length, 0);
  assert.equal(idComparisons(".option('env', { type: 'string', default: 'Pong-v0' })", 'Pong-v0').length, 0);
  assert.equal(idComparisons("// if (id === 'Pong-v0') once lived here", 'Pong-v0').length, 0);
  assert.equal(idComparisons("/* case 'Pong-v0': */", 'Pong-v0').length, 0);
});
