import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { Rule } from '../rule.ts';
import { GROUP_REPEATS_OPTION } from '../engine/group-repeats.ts';
import { didYouMean } from './did-you-mean.ts';
import { formatValue, keyPath } from './errors.ts';
import { isPlainObject } from './shape.ts';

// Rule schemas come from rule authors (plugins too): lenient like ESLint, not strict mode.
// Created on first use: most runs configure no rule options.
let optionsAjv: Ajv | undefined;
const validators = new WeakMap<object, ValidateFunction>();

function validatorFor(rule: Rule<any>): ValidateFunction | undefined {
  const schema = rule.meta.schema;
  if (!schema) return undefined;
  let validate = validators.get(rule);
  if (!validate) {
    optionsAjv ??= new Ajv({ allErrors: false, strict: false, verbose: true });
    validate = optionsAjv.compile(schema);
    validators.set(rule, validate);
  }
  return validate;
}

function segmentsOf(pointer: string): Array<string | number> {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((raw) => raw.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment));
}

function valueAt(root: unknown, segments: ReadonlyArray<string | number>): unknown {
  let value = root;
  for (const segment of segments) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string | number, unknown>)[segment];
  }
  return value;
}

/** Property names a (sub)schema allows, for "unknown option" hints. */
function allowedProperties(schema: unknown): string[] {
  return isPlainObject(schema) && isPlainObject(schema.properties) ? Object.keys(schema.properties) : [];
}

function describe(error: ErrorObject, options: Record<string, unknown>, engineOptions: readonly string[]): string {
  const segments = segmentsOf(error.instancePath);
  const where = segments.length === 0 ? undefined : keyPath(segments);
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'additionalProperties') {
    const name = String(params.additionalProperty);
    const allowed = [...allowedProperties(error.parentSchema), ...(where === undefined ? engineOptions : [])];
    const hint = didYouMean(name, allowed);
    const list = allowed.length > 0 ? ` (allowed: ${allowed.join(', ')})` : '';
    const what = where === undefined ? `unknown option "${name}"` : `option "${where}" has unknown key "${name}"`;
    return `has ${what}${list}${hint ? `; ${hint}` : ''}`;
  }
  if (error.keyword === 'required') {
    const missing = String(params.missingProperty);
    return where === undefined
      ? `is missing required option "${missing}"`
      : `option "${where}" is missing required key "${missing}"`;
  }
  const text =
    error.keyword === 'enum' && Array.isArray(params.allowedValues)
      ? `must be one of ${params.allowedValues.map((value) => formatValue(value)).join(', ')}`
      : (error.message ?? 'is invalid');
  const subject = where === undefined ? 'options' : `option "${where}"`;
  return `${subject} ${text}; got ${formatValue(valueAt(options, segments))}`;
}

/**
 * Validates options against the rule's `meta.schema`; returns what is wrong (to follow the
 * rule's name in a message) or undefined. Throws when the schema itself does not compile.
 */
export function ruleOptionsProblem(rule: Rule<any>, options: Record<string, unknown>): string | undefined {
  // Options the engine reads itself (see RuleMeta.groupRepeats), checked here and not by the rule's schema.
  const engineOptions: string[] = [];
  let own = options;
  if (rule.meta.groupRepeats) {
    engineOptions.push(GROUP_REPEATS_OPTION);
    if (GROUP_REPEATS_OPTION in options) {
      const value = options[GROUP_REPEATS_OPTION];
      if (typeof value !== 'boolean') return `option "${GROUP_REPEATS_OPTION}" must be boolean; got ${formatValue(value)}`;
      own = { ...options };
      delete own[GROUP_REPEATS_OPTION];
    }
  }
  const validate = validatorFor(rule);
  if (!validate || validate(own)) return undefined;
  const first = validate.errors?.[0];
  return first ? describe(first, own, engineOptions) : 'has invalid options';
}
