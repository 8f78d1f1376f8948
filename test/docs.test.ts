/**
 * The front door stays short and its links hold: README.md is at most 150 lines (results, models,
 * norms and benchmarks live in docs/), and every relative link or image in README.md and docs/*.md
 * names a file that exists, and a `#anchor` a heading of the file it points to. The synthetic
 * files at the end show each check fails.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { tempDir } from './helpers/tempDir.ts';

const README_MAX_LINES = 150;

/** Markdown with fenced code blocks and inline code spans blanked out: links there are examples. */
function withoutCode(markdown: string): string {
  return markdown.replace(/^```[^\n]*\n[\s\S]*?^```[^\n]*$/gm, '').replace(/`[^`\n]*`/g, '');
}

/** GitHub's heading anchor: lower case, punctuation dropped (not '-' or '_'), spaces to '-'. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchorsOf(markdown: string): Set<string> {
  const headings = withoutCode(markdown).match(/^#{1,6} .*$/gm) ?? [];
  return new Set(headings.map((line) => anchorOf(line.replace(/^#+ /, ''))));
}

/** Every relative link target of one markdown file that does not resolve, as "file: target". */
export function brokenLinks(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const targets = [...withoutCode(text).matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((match) => match[1] ?? '');
  const broken: string[] = [];
  for (const target of targets) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // http:, https:, mailto:
    const [path = '', anchor] = target.split('#');
    const targetFile = path === '' ? file : resolve(dirname(file), decodeURIComponent(path));
    if (!existsSync(targetFile)) {
      broken.push(`${file}: ${target} (no such file)`);
      continue;
    }
    if (anchor !== undefined && targetFile.endsWith('.md') && statSync(targetFile).isFile() && !anchorsOf(readFileSync(targetFile, 'utf8')).has(anchor)) {
      broken.push(`${file}: ${target} (no such heading)`);
    }
  }
  return broken;
}

function docFiles(root: string): string[] {
  const docs = join(root, 'docs');
  const inDocs = existsSync(docs) ? readdirSync(docs).filter((name) => name.endsWith('.md')).map((name) => join(docs, name)) : [];
  return [join(root, 'README.md'), ...inDocs];
}

function lineCount(file: string): number {
  return readFileSync(file, 'utf8').replace(/\n$/, '').split('\n').length;
}

test(`README.md is at most ${README_MAX_LINES} lines`, () => {
  const lines = lineCount('README.md');
  assert.ok(lines <= README_MAX_LINES, `README.md has ${lines} lines; move detail to docs/`);
});

test('every relative link in README.md and docs/*.md resolves', () => {
  const files = docFiles('.');
  assert.ok(files.length > 1, 'found docs/*.md');
  assert.deepEqual(files.flatMap(brokenLinks), []);
});

test('the checks report a broken link, a missing heading and a long README', () => {
  const root = tempDir('docs');
  mkdirSync(join(root, 'docs'));
  writeFileSync(join(root, 'docs', 'a.md'), '# Title\n\n## Some section\n');
  writeFileSync(join(root, 'docs', 'real.png'), '');
  const readme = join(root, 'README.md');
  writeFileSync(
    readme,
    [
      '[ok](docs/a.md) [ok anchor](docs/a.md#some-section) ![ok image](docs/real.png) [web](https://example.org/x)',
      '[gone](docs/missing.md) ![gone image](docs/missing.png) [bad anchor](docs/a.md#no-such-section)',
      '`[in code](docs/also-missing.md)`',
      '```',
      '[in a fence](docs/fenced-missing.md)',
      '```',
      ...Array.from({ length: README_MAX_LINES }, () => 'filler'),
    ].join('\n'),
  );
  assert.deepEqual(brokenLinks(readme), [
    `${readme}: docs/missing.md (no such file)`,
    `${readme}: docs/missing.png (no such file)`,
    `${readme}: docs/a.md#no-such-section (no such heading)`,
  ]);
  assert.ok(lineCount(readme) > README_MAX_LINES);
  assert.deepEqual(anchorOf('Huang et al.\'s figure, A3C victim (A3C vs DQN)'), 'huang-et-als-figure-a3c-victim-a3c-vs-dqn');
});
