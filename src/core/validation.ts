/**
 * The one way a zod schema's verdict becomes a user's error: the first issue as a one-line
 * FieldError "SOURCE: field.path[0].x: reason" (an unknown key is named as
 * the field, with the valid ones listed), exit code 2.
 * Experiment configs, training configs, env options and attack options all go through here, so
 * every bad field reads the same, and the CLI can name the flag behind a field (FieldError.field).
 */
import type { z } from 'zod';
import { FieldError } from './errors.ts';

type Issue = z.core.$ZodIssue;

/** 'conditions[0].timing.beta' from ['conditions', 0, 'timing', 'beta']. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`)).join('').replace(/^\./, '');
}

/** The issue to report: inside a union, the branch that got furthest (fewest issues) of the branches that failed. */
function deepestIssue(issue: Issue): Issue {
  if (issue.code !== 'invalid_union' || !('errors' in issue)) return issue;
  const branches = (issue.errors as Issue[][]).filter((branch) => branch.length > 0);
  const best = branches.reduce<Issue[] | undefined>((a, b) => (a === undefined || b.length < a.length ? b : a), undefined);
  const first = best?.[0];
  return first === undefined ? issue : deepestIssue({ ...first, path: [...issue.path, ...first.path] });
}

/** The valid keys of the object schema at `path`, when the schema there is a plain object. */
function validKeys(schema: z.ZodType, path: readonly PropertyKey[]): string[] | undefined {
  let node: unknown = schema;
  for (const part of path) {
    const current = unwrap(node) as { shape?: Record<string, unknown>; element?: unknown };
    if (typeof part === 'number' && current.element !== undefined) node = current.element;
    else if (typeof part === 'string' && current.shape !== undefined) node = current.shape[part];
    else return undefined;
  }
  const shape = (unwrap(node) as { shape?: Record<string, unknown> } | undefined)?.shape;
  return shape === undefined ? undefined : Object.keys(shape);
}

/** Through .default() / .optional() / .nullable() wrappers to the schema inside. */
function unwrap(node: unknown): unknown {
  let current = node as { def?: { innerType?: unknown } } | undefined;
  while (current?.def?.innerType !== undefined) current = current.def.innerType as typeof current;
  return current;
}

/** The FieldError for a failed parse of `schema`; `source` names the file, flag set or object checked. */
export function issueError(schema: z.ZodType, error: z.ZodError, source: string): FieldError {
  const first = error.issues[0];
  if (first === undefined) return new FieldError('(root)', 'invalid', source);
  const issue = deepestIssue(first);
  const field = fieldPath(issue.path) || '(root)';
  if (issue.code === 'unrecognized_keys') {
    const valid = validKeys(schema, issue.path);
    const others = issue.keys.length > 1 ? ` (also ${issue.keys.slice(1).map((key) => `'${key}'`).join(', ')})` : '';
    const reason = `unknown field${others}${valid === undefined ? '' : `; valid fields: ${valid.join(', ')}`}`;
    return new FieldError(fieldPath([...issue.path, issue.keys[0] ?? '?']), reason, source);
  }
  return new FieldError(field, (issue.message || 'invalid').split('\n')[0] ?? 'invalid', source);
}

/** Parses `value` with a strict schema; the first problem throws a one-line FieldError. */
export function parseStrict<Schema extends z.ZodType>(schema: Schema, value: unknown, source: string): z.output<Schema> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw issueError(schema, parsed.error, source);
}

/**
 * The default a config schema gives `field` (through the object's .default() wrapper), or
 * undefined when the field has none, is not in a plain object schema or defaults to a structure.
 * Help texts read it so "(default N)" is never a literal that drifts from the schema.
 */
export function fieldDefault(schema: z.ZodType, field: string): string | number | boolean | undefined {
  const shape = (schema as { shape?: Record<string, z.ZodType | undefined> }).shape;
  const parsed = shape?.[field]?.safeParse(undefined);
  const value: unknown = parsed?.success === true ? parsed.data : undefined;
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : undefined;
}

/** A flag's help text with its schema default appended, unless the text already says its default. */
export function describeWithDefault(description: string, schema: z.ZodType, field: string): string {
  const value = fieldDefault(schema, field);
  return value === undefined || description.includes('(default') ? description : `${description} (default ${value})`;
}
