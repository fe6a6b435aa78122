import { apiVersionProblem } from '../api-version.js';
import { PluginError } from '../errors/index.js';
import type { PluginByKind, PluginKind } from './plugin-kind.js';

type Shape = Record<string, unknown>;

function isObjectLike(value: unknown): value is Shape {
  return (typeof value === 'object' && value !== null) || typeof value === 'function';
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

function kindProblem(shape: Shape, kind: PluginKind): string[] {
  if (shape.kind === kind) return [];
  const found = shape.kind === undefined ? 'missing' : `found ${JSON.stringify(shape.kind) ?? typeof shape.kind}`;
  return [`kind must be '${kind}' (${found})`];
}

function functionProblems(shape: Shape, names: readonly string[]): string[] {
  return names.filter((name) => typeof shape[name] !== 'function').map((name) => `${name} must be a function`);
}

function mediaTypesProblem(value: unknown): string[] {
  const ok = Array.isArray(value) && value.length > 0 && value.every(isNonEmptyString);
  return ok ? [] : ['mediaTypes must be a non-empty array of media type strings'];
}

/** What keeps `value` from being a plugin of `kind`; empty when it is one. */
export function pluginShapeProblems(value: unknown, kind: PluginKind): string[] {
  if (!isObjectLike(value)) return [`expected an object, found ${value === null ? 'null' : typeof value}`];
  const problems = kindProblem(value, kind);
  if (value.apiVersion !== undefined) {
    const problem = typeof value.apiVersion === 'string' ? apiVersionProblem(value.apiVersion) : `apiVersion must be a string such as '1.0'`;
    if (problem !== undefined) problems.push(problem);
  }
  switch (kind) {
    case 'backend':
      if (!isNonEmptyString(value.type)) problems.push('type must be a non-empty string');
      problems.push(...functionProblems(value, ['create']));
      break;
    case 'encoder':
      if (!isNonEmptyString(value.name)) problems.push('name must be a non-empty string');
      problems.push(...mediaTypesProblem(value.mediaTypes));
      problems.push(...functionProblems(value, ['encode', 'decode']));
      break;
    case 'extension':
      if (!isNonEmptyString(value.name)) problems.push('name must be a non-empty string');
      problems.push(...functionProblems(value, ['apply']));
      break;
  }
  return problems;
}

/**
 * Returns `value` typed as a plugin of `kind`, or throws a PluginError for
 * `label` listing everything that is missing or wrong.
 */
export function validatePlugin<K extends PluginKind>(value: unknown, kind: K, label: string): PluginByKind[K] {
  const problems = pluginShapeProblems(value, kind);
  if (problems.length > 0) throw new PluginError(label, `is not a valid ${kind} plugin: ${problems.join('; ')}`);
  return value as PluginByKind[K];
}
