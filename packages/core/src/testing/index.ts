import { describe, expect, it } from 'vitest';
import { Catalog } from '../catalog/catalog.ts';
import { initPostgres, postgresAdapter } from '../dialects/postgres/index.ts';
import { applyFixes } from '../engine/fixes.ts';
import { lintSource } from '../engine/lint-source.ts';
import { ENGINE_RULE_IDS } from '../engine/linter.ts';
import type { Rule } from '../rule.ts';
import { DEFAULT_SETTINGS, type Diagnostic, type Settings } from '../types.ts';
import { excerpt } from '../source/text.ts';
import { HEADLINE_MAX_LENGTH, titleProblem } from '../engine/messages.ts';
import { headlineOf } from '../engine/group-repeats.ts';

export interface CaseOptions {
  code: string;
  /** The rule's options object. */
  options?: Record<string, unknown>;
  settings?: Partial<Settings>;
  /** SQL replayed into the catalog first, as an earlier migration file of the same run. */
  schema?: string;
  /** Whether the file counts as a migration (default true). */
  migration?: boolean;
  filename?: string;
  name?: string;
}

export interface ExpectedError {
  message?: string | RegExp;
  detail?: string | RegExp;
  /** The fix's title. */
  fixDesc?: string | RegExp;
  line?: number;
  column?: number;
  endLine?: number;
  endColumn?: number;
  /** Descriptions and outputs of the suggestions, in order. */
  suggestions?: Array<{ desc?: string | RegExp; output: string }>;
}

export interface InvalidCase extends CaseOptions {
  errors: number | ExpectedError[];
  /** Text after applying all fixes; `null` asserts there is no fix. Omitted: not checked. */
  output?: string | null;
}

export type ValidCase = string | CaseOptions;

let ready: Promise<void> | undefined;
export function initTesting(): Promise<void> {
  ready ??= initPostgres();
  return ready;
}

/** Lint `code` with one rule, after replaying `schema` into a fresh catalog. */
export function lintWithRule(rule: Rule<any>, c: CaseOptions): Diagnostic[] {
  const settings: Settings = { ...DEFAULT_SETTINGS, ...c.settings };
  const catalog = new Catalog();
  const knownRuleIds = new Set<string>([rule.meta.id, ...ENGINE_RULE_IDS]);
  if (c.schema) {
    const schemaResult = lintSource({ text: c.schema, filePath: 'schema.sql', settings, isMigration: true, rules: [], catalog, knownRuleIds, adapter: postgresAdapter });
    const errors = schemaResult.messages.filter((m) => m.ruleId === 'syntax-error');
    if (errors.length) throw new Error(`schema does not parse: ${errors[0]!.message}`);
  }
  const { messages } = lintSource({
    text: c.code,
    filePath: c.filename ?? 'migrations/0002_test.sql',
    settings,
    isMigration: c.migration ?? true,
    // Every occurrence on its own (the engine's grouping is tested by the engine's tests); a case can ask for `groupRepeats: true`.
    rules: [{ rule, severity: rule.meta.defaultSeverity === 'error' ? 2 : 1, options: { ...(rule.meta.groupRepeats ? { groupRepeats: false } : {}), ...(rule.meta.defaultOptions ?? {}), ...(c.options ?? {}) } }],
    catalog,
    knownRuleIds,
    adapter: postgresAdapter,
  });
  return messages;
}

/** Applies fixes repeatedly, as `sqlwarden --fix` does. */
export function fixAll(rule: Rule<any>, c: CaseOptions): string {
  let text = c.code;
  for (let pass = 0; pass < 10; pass++) {
    const messages = lintWithRule(rule, { ...c, code: text });
    const { output, fixed } = applyFixes(text, messages);
    if (!fixed || output === text) return text;
    text = output;
  }
  return text;
}

/**
 * What is wrong with how a finding reads: the headline (problem and remedy) must be one line of
 * at most HEADLINE_MAX_LENGTH characters, and every fix and suggestion needs a title that reads
 * as one (see `titleProblem`). With `requireDetail`, the finding also needs a detail that is not
 * the headline again (the built-in rules' docs tests ask for it).
 */
export function presentationProblems(finding: Diagnostic, { requireDetail = false } = {}): string[] {
  const problems: string[] = [];
  const headline = headlineOf(finding.message);
  if (headline.length > HEADLINE_MAX_LENGTH) problems.push(`headline is ${headline.length} characters (at most ${HEADLINE_MAX_LENGTH})`);
  if (headline.includes('\n')) problems.push('headline spans several lines');
  if (finding.detail !== undefined && finding.detail.trim() === headline.trim()) problems.push('detail repeats the headline');
  else if (requireDetail && !finding.detail?.trim()) problems.push('no detail');
  if (finding.fix) {
    const problem = finding.fix.desc === undefined ? 'is missing (give the report a fixDesc)' : titleProblem(finding.fix.desc);
    if (problem) problems.push(`fix title "${finding.fix.desc ?? ''}" ${problem}`);
  }
  for (const s of finding.suggestions ?? []) {
    const problem = titleProblem(s.desc);
    if (problem) problems.push(`suggestion title "${s.desc}" ${problem}`);
  }
  return problems;
}

function describeCase(c: CaseOptions): string {
  return c.name ?? excerpt(c.code, 100, '');
}

function onlyEngineErrors(messages: Diagnostic[]): Diagnostic[] {
  return messages.filter((m) => m.ruleId === 'syntax-error' || m.ruleId === 'internal-error');
}

/** ESLint-style RuleTester over vitest: valid cases report nothing, invalid ones report exactly what they list. */
export class RuleTester {
  run(rule: Rule<any>, cases: { valid: ValidCase[]; invalid: InvalidCase[] }): void {
    describe(rule.meta.id, () => {
      describe('valid', () => {
        for (const v of cases.valid) {
          const c = typeof v === 'string' ? { code: v } : v;
          it(describeCase(c), async () => {
            await initTesting();
            const messages = lintWithRule(rule, c);
            expect(onlyEngineErrors(messages)).toEqual([]);
            expect(messages.filter((m) => m.ruleId === rule.meta.id)).toEqual([]);
          });
        }
      });
      describe('invalid', () => {
        for (const c of cases.invalid) {
          it(describeCase(c), async () => {
            await initTesting();
            const messages = lintWithRule(rule, c);
            expect(onlyEngineErrors(messages)).toEqual([]);
            const own = messages.filter((m) => m.ruleId === rule.meta.id);
            for (const finding of own) expect(presentationProblems(finding), finding.message).toEqual([]);
            if (typeof c.errors === 'number') {
              expect(own, JSON.stringify(own.map((m) => m.message))).toHaveLength(c.errors);
            } else {
              expect(own.map((m) => m.message), 'number of reports').toHaveLength(c.errors.length);
              c.errors.forEach((expected, i) => {
                const actual = own[i]!;
                if (expected.message instanceof RegExp) expect(actual.message).toMatch(expected.message);
                else if (expected.message !== undefined) expect(actual.message).toBe(expected.message);
                if (expected.detail instanceof RegExp) expect(actual.detail).toMatch(expected.detail);
                else if (expected.detail !== undefined) expect(actual.detail).toBe(expected.detail);
                if (expected.fixDesc instanceof RegExp) expect(actual.fix?.desc).toMatch(expected.fixDesc);
                else if (expected.fixDesc !== undefined) expect(actual.fix?.desc).toBe(expected.fixDesc);
                for (const key of ['line', 'column', 'endLine', 'endColumn'] as const) {
                  if (expected[key] !== undefined) expect(actual[key], key).toBe(expected[key]);
                }
                if (expected.suggestions) {
                  const got = actual.suggestions ?? [];
                  expect(got).toHaveLength(expected.suggestions.length);
                  expected.suggestions.forEach((s, j) => {
                    const suggestion = got[j]!;
                    if (s.desc instanceof RegExp) expect(suggestion.desc).toMatch(s.desc);
                    else if (s.desc !== undefined) expect(suggestion.desc).toBe(s.desc);
                    const out = c.code.slice(0, suggestion.fix.range[0]) + suggestion.fix.text + c.code.slice(suggestion.fix.range[1]);
                    expect(out).toBe(s.output);
                    // A suggestion must produce SQL that still parses.
                    expect(onlyEngineErrors(lintWithRule(rule, { ...c, code: out }))).toEqual([]);
                  });
                }
              });
            }
            if (c.output !== undefined) {
              if (c.output === null) {
                expect(own.filter((m) => m.fix)).toEqual([]);
              } else {
                const fixed = fixAll(rule, c);
                expect(fixed).toBe(c.output);
                // Fixed text parses and the rule has nothing left to fix.
                const again = lintWithRule(rule, { ...c, code: fixed });
                expect(onlyEngineErrors(again)).toEqual([]);
                expect(again.filter((m) => m.ruleId === rule.meta.id && m.fix)).toEqual([]);
              }
            }
          });
        }
      });
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Rule docs: examples in README.md run as tests.

export interface DocExample {
  kind: 'correct' | 'incorrect';
  code: string;
  schema?: string;
  options?: Record<string, unknown>;
  settings?: Partial<Settings>;
  migration?: boolean;
  filename?: string;
  /** 1-based line of the opening fence in the README, for failure messages. */
  line: number;
}

/**
 * Reads fenced blocks: ```sql schema``` sets the catalog for the examples after it;
 * ```sql incorrect {json}``` and ```sql correct {json}``` are examples, where the optional JSON
 * may hold `options`, `settings`, `migration` and `filename`.
 */
export function parseDocExamples(markdown: string): DocExample[] {
  const examples: DocExample[] = [];
  const lines = markdown.split(/\r?\n/);
  let schema: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const open = /^```sql\s+(schema|correct|incorrect)\s*(\{.*\})?\s*$/.exec(lines[i]!);
    if (!open) continue;
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !/^```\s*$/.test(lines[j]!)) body.push(lines[j++]!);
    const code = body.join('\n') + '\n';
    if (open[1] === 'schema') schema = code;
    else {
      const extra = open[2] ? (JSON.parse(open[2]) as Partial<DocExample>) : {};
      const example: DocExample = { kind: open[1] as 'correct' | 'incorrect', code, line: i + 1, ...extra };
      if (schema !== undefined && example.schema === undefined) example.schema = schema;
      examples.push(example);
    }
    i = j;
  }
  return examples;
}
