/**
 * Runs squawk's own rule tests through squawk 2.66 and sqlwarden and reports, per squawk rule,
 * where sqlwarden agrees with what squawk's test expects.
 *
 *   npm install --no-save squawk-cli@2.66.0        # once, in this checkout (not a dependency)
 *   node scripts/run-ts.mjs scripts/compare-squawk-tests.ts <squawk checkout> [--json out.json] [--rule <squawk rule>]
 *
 * <squawk checkout> is a clone of github.com/sbdchd/squawk (or a copy with the same layout): the
 * script reads `crates/squawk_linter/src/rules/*.rs` and, for tests that only compare a snapshot,
 * `crates/squawk_linter/src/rules/snapshots/*.snap`. Nothing of squawk is kept in this repository.
 *
 * A case is one SQL text a `#[test]` function lints, with squawk's expectation: a violation
 * (`lint_errors`, `lint_errors_with`, `fix_sql` and the tests' `fix` wrappers, or `lint`/`Linter::lint`
 * followed by `assert!(!errors.is_empty())`, `assert_ne!(errors.len(), 0)`, `assert_eq!(errors.len(), N>0)`,
 * or a snapshot with a `Violation`) or none (`lint_ok`, `lint_ok_with`, `errors.is_empty()`,
 * `len() == 0`, an empty snapshot), and the settings the test uses (`pg_version`,
 * `assume_in_transaction`). Unset `pg_version` is 15 for both tools, as in compare-squawk.ts.
 * SQL built at run time (`format!`) cannot be read and is counted as not extracted.
 *
 * Each case is linted
 * - by squawk 2.66 (default rules, `--reporter json`, `--pg-version`, `--assume-in-transaction` when the
 *   test assumes it): does it report the test's rule? This checks the extraction and shows where the
 *   test (read from the repository's stored version) and the 2.66 binary differ;
 * - by sqlwarden: every rule that lists a squawk rule in `meta.sources` on (as compare-squawk.ts),
 *   the file linted as a migration (`migrationTransaction` `wrapped` when the test assumes a
 *   transaction, else `none`: squawk's model of a file run statement by statement), empty catalog.
 *   sqlwarden "reports" the case when a finding of a rule claiming the squawk rule is about that
 *   rule's concern (`squawkRulesOf` in squawk-common.ts). It agrees when that matches the test.
 */
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Catalog, DEFAULT_SETTINGS, ENGINE_RULE_IDS, initPostgres, lintSource, postgresAdapter, type Rule, type Settings } from '@sqlwarden/core';
import { builtinRules } from '@sqlwarden/rules';
import { comparedRules, coveredBy, ruleOptions, runSquawk, squawkBinary, squawkRulesOf, SQUAWK_ALIASES, statementAt } from './squawk-common.ts';

const args = process.argv.slice(2);
const option = (name: string): string | undefined => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const jsonOut = option('--json');
const onlyRule = option('--rule');
const checkout = args.find((a, i) => !a.startsWith('--') && !['--json', '--rule'].includes(args[i - 1] ?? ''));
if (!checkout) {
  console.error('usage: node scripts/run-ts.mjs scripts/compare-squawk-tests.ts <squawk checkout> [--json out.json] [--rule <squawk rule>]');
  process.exit(2);
}
const rulesDir = path.resolve(checkout, 'crates/squawk_linter/src/rules');
if (!statSync(rulesDir, { throwIfNoEntry: false })?.isDirectory()) {
  console.error(`no ${rulesDir}: give the root of a squawk checkout`);
  process.exit(2);
}
squawkBinary();

// ---------------------------------------------------------------------------------------------
// Reading Rust: just enough of a lexer to find #[test] functions, string literals and calls.

type Tok = { kind: 'str'; value: string } | { kind: 'ident' | 'num' | 'punct'; text: string };

function lexRust(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) { i++; continue; }
    if (src.startsWith('//', i)) { while (i < src.length && src[i] !== '\n') i++; continue; }
    if (src.startsWith('/*', i)) { const e = src.indexOf('*/', i + 2); i = e < 0 ? src.length : e + 2; continue; }
    const raw = /^r(#*)"/.exec(src.slice(i, i + 20));
    if (raw) {
      const close = `"${raw[1]}`;
      const start = i + raw[0].length;
      const end = src.indexOf(close, start);
      out.push({ kind: 'str', value: src.slice(start, end < 0 ? src.length : end) });
      i = end < 0 ? src.length : end + close.length;
      continue;
    }
    if (c === '"') {
      let v = '';
      i++;
      while (i < src.length && src[i] !== '"') {
        if (src[i] === '\\') {
          const n = src[i + 1]!;
          const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', '\\': '\\', '"': '"', "'": "'" };
          if (n in simple) { v += simple[n]; i += 2; }
          else if (n === '\n') { i += 2; while (/\s/.test(src[i] ?? '')) i++; }
          else if (n === 'u') { const e = src.indexOf('}', i); v += String.fromCodePoint(parseInt(src.slice(i + 3, e), 16)); i = e + 1; }
          else { v += n; i += 2; }
        } else v += src[i++];
      }
      i++;
      out.push({ kind: 'str', value: v });
      continue;
    }
    if (c === "'") {
      const ch = /^'(\\.|[^\\'])'/.exec(src.slice(i, i + 5));
      if (ch) { out.push({ kind: 'punct', text: ch[0] }); i += ch[0].length; continue; }
      i++; // a lifetime: skip the quote, the name lexes as an identifier
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i, i + 200));
    if (id) { out.push({ kind: 'ident', text: id[0] }); i += id[0].length; continue; }
    const num = /^[0-9][0-9_]*/.exec(src.slice(i, i + 50));
    if (num) { out.push({ kind: 'num', text: num[0] }); i += num[0].length; continue; }
    out.push({ kind: 'punct', text: c });
    i++;
  }
  return out;
}

const isP = (t: Tok | undefined, text: string) => t !== undefined && t.kind !== 'str' && t.text === text;
const isId = (t: Tok | undefined, text?: string) => t?.kind === 'ident' && (text === undefined || t.text === text);

/** Index of the token closing the bracket opened at `open`. */
function closing(toks: Tok[], open: number): number {
  const pairs: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
  let depth = 0;
  for (let i = open; i < toks.length; i++) {
    const t = toks[i]!;
    if (t.kind !== 'punct') continue;
    if (t.text in pairs) depth++;
    else if (t.text === ')' || t.text === ']' || t.text === '}') { depth--; if (depth === 0) return i; }
  }
  return toks.length - 1;
}

/** Top-level comma-separated arguments of the call whose `(` is at `open`. */
function callArgs(toks: Tok[], open: number): Tok[][] {
  const end = closing(toks, open);
  const out: Tok[][] = [[]];
  let depth = 0;
  for (let i = open + 1; i < end; i++) {
    const t = toks[i]!;
    if (t.kind === 'punct' && '([{'.includes(t.text)) depth++;
    if (t.kind === 'punct' && ')]}'.includes(t.text)) depth--;
    if (depth === 0 && isP(t, ',')) out.push([]);
    else out[out.length - 1]!.push(t);
  }
  return out.filter((a) => a.length);
}

interface CaseSettings { pgVersion?: number; assumeInTransaction?: boolean }

/** `LinterSettings { pg_version: "16".parse()..., assume_in_transaction: true, .. }` or a settings function's. */
function settingsIn(toks: Tok[], settingsFns: Map<string, CaseSettings>): CaseSettings {
  const out: CaseSettings = {};
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    if (isId(t, 'pg_version') && isP(toks[i + 1], ':') && toks[i + 2]?.kind === 'str') out.pgVersion = Number((toks[i + 2] as { value: string }).value);
    if (isId(t, 'assume_in_transaction') && isP(toks[i + 1], ':') && isId(toks[i + 2], 'true')) out.assumeInTransaction = true;
    if (t.kind === 'ident' && settingsFns.has(t.text) && isP(toks[i + 1], '(')) Object.assign(out, settingsFns.get(t.text));
  }
  return out;
}

const ruleOf = (toks: Tok[]): string | undefined => {
  for (let i = 0; i + 3 < toks.length; i++) if (isId(toks[i], 'Rule') && isP(toks[i + 1], ':') && isP(toks[i + 2], ':') && toks[i + 3]!.kind === 'ident') return (toks[i + 3] as { text: string }).text;
  return undefined;
};

/** `AddingFieldWithDefault` -> `adding-field-with-default`, with squawk's printed aliases mapped. */
function squawkRuleName(variant: string): string {
  const kebab = variant.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
  return SQUAWK_ALIASES[kebab] ?? kebab;
}

type Expect = 'violation' | 'none' | 'unknown';
interface Case {
  id: string;
  file: string;
  test: string;
  variant: string;
  rule: string;
  sql: string | undefined;
  expect: Expect;
  settings: CaseSettings;
  how: string;
}

interface Helper { kind: 'fix' | 'ok' | 'errors'; variant?: string; settings: CaseSettings }

function extractCases(file: string, src: string, snapshotDir: string): Case[] {
  const base = path.basename(file, '.rs');
  const testModule = src.indexOf('#[cfg(test)]');
  if (testModule < 0) return [];
  const toks = lexRust(src.slice(testModule));
  // Helper functions of the test module: settings builders and wrappers around the test utils.
  const settingsFns = new Map<string, CaseSettings>();
  const helpers = new Map<string, Helper>();
  const tests: Array<{ name: string; body: Tok[] }> = [];
  for (let i = 0; i < toks.length; i++) {
    if (!isId(toks[i], 'fn') || toks[i + 1]?.kind !== 'ident') continue;
    const name = (toks[i + 1] as { text: string }).text;
    let open = i + 2;
    while (open < toks.length && !isP(toks[open], '{')) open++;
    const end = closing(toks, open);
    const body = toks.slice(open + 1, end);
    const signature = toks.slice(i, open);
    const isTest = isP(toks[i - 1], ']') && isId(toks[i - 2], 'test') && isP(toks[i - 3], '[');
    if (isTest) tests.push({ name, body });
    else if (signature.some((t) => isId(t, 'LinterSettings')) && !signature.some((t) => isId(t, 'sql'))) settingsFns.set(name, settingsIn(body, settingsFns));
    else {
      const called = body.find((t) => t.kind === 'ident' && /^(fix_sql|fix_sql_with|lint_ok|lint_ok_with|lint_errors|lint_errors_with)$/.test(t.text)) as { text: string } | undefined;
      if (called) helpers.set(name, { kind: called.text.startsWith('fix') ? 'fix' : called.text.startsWith('lint_ok') ? 'ok' : 'errors', variant: ruleOf(body), settings: settingsIn(body, settingsFns) });
    }
    i = end;
  }
  const fileVariant = (() => {
    const counts = new Map<string, number>();
    for (let i = 0; i + 3 < toks.length; i++) if (isId(toks[i], 'Rule') && isP(toks[i + 1], ':')) { const v = (toks[i + 3] as { text: string }).text; counts.set(v, (counts.get(v) ?? 0) + 1); }
    return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  })();

  const cases: Case[] = [];
  for (const { name, body } of tests) {
    const vars = new Map<string, string | undefined>();
    let linterVariant: string | undefined;
    const linterSettings: CaseSettings = {};
    const before = cases.length;
    const push = (variant: string | undefined, sqlArg: Tok[] | undefined, expect: Expect, settings: CaseSettings, how: string) => {
      const v = variant ?? fileVariant ?? '?';
      let sql: string | undefined;
      const a = sqlArg?.filter((t) => !isP(t, '&')) ?? [];
      const only = a.length === 1 ? a[0]! : undefined;
      if (only?.kind === 'str') sql = only.value;
      else if (only?.kind === 'ident') sql = vars.get(only.text);
      cases.push({ id: `${base}::${name}`, file: base, test: name, variant: v, rule: squawkRuleName(v), sql, expect, settings, how });
    };
    /** The expectation written after a `lint(...)` call whose result is bound to `errors`. */
    const assertedAfter = (from: number): Expect => {
      for (let j = from; j < body.length; j++) {
        const t = body[j]!;
        if (!isId(t) || !/^(assert|assert_eq|assert_ne)$/.test((t as { text: string }).text) || !isP(body[j + 1], '!')) continue;
        const inner = callArgs(body, j + 2);
        const flat = inner.flat();
        const text = flat.map((x) => (x.kind === 'str' ? JSON.stringify(x.value) : x.text)).join(' ');
        const macro = (t as { text: string }).text;
        if (macro === 'assert' && /^! errors \. is_empty/.test(text)) return 'violation';
        if (macro === 'assert' && /^errors \. is_empty/.test(text)) return 'none';
        if (/^errors \. len \( \)$/.test(inner[0]?.map((x) => (x.kind === 'str' ? '' : x.text)).join(' ') ?? '')) {
          const n = inner[1]?.length === 1 && inner[1][0]!.kind === 'num' ? Number((inner[1][0] as { text: string }).text) : NaN;
          if (macro === 'assert_ne' && n === 0) return 'violation';
          if (macro === 'assert_eq') return n === 0 ? 'none' : 'violation';
        }
      }
      const snap = path.join(snapshotDir, `squawk_linter__rules__${base}__test__${name}.snap`);
      if (statSync(snap, { throwIfNoEntry: false })) {
        const body = readFileSync(snap, 'utf8').split(/^---$/m).slice(2).join('---').trim();
        return /Violation\s*\{/.test(body) ? 'violation' : body === '[]' ? 'none' : 'unknown';
      }
      return 'unknown';
    };
    for (let i = 0; i < body.length; i++) {
      const t = body[i]!;
      if (isId(t, 'let') && body[i + 1]?.kind === 'ident' && isP(body[i + 2], '=')) {
        const v = body[i + 3];
        vars.set((body[i + 1] as { text: string }).text, v?.kind === 'str' && isP(body[i + 4], ';') ? v.value : undefined);
      }
      // Old style: Linter::from([Rule::X]); linter.settings.x = ...; linter.lint(file, sql)
      if (isId(t, 'Linter') && isP(body[i + 1], ':') && isId(body[i + 3], 'from')) linterVariant = ruleOf(body.slice(i, closing(body, i + 4) + 1));
      if (isId(t, 'settings') && isP(body[i + 1], '.') && isId(body[i + 2], 'pg_version') && isP(body[i + 3], '=')) {
        const n = body.slice(i + 4, i + 12).find((x) => x.kind === 'num' || x.kind === 'str');
        if (n) linterSettings.pgVersion = Number(n.kind === 'str' ? n.value : n.text);
      }
      if (isId(t, 'settings') && isP(body[i + 1], '.') && isId(body[i + 2], 'assume_in_transaction') && isId(body[i + 4], 'true')) linterSettings.assumeInTransaction = true;
      if (t.kind !== 'ident' || !isP(body[i + 1], '(')) continue;
      if (isP(body[i - 1], '.') && t.text === 'lint' && isId(body[i - 2], 'linter')) {
        const a = callArgs(body, i + 1);
        push(linterVariant, a[1], assertedAfter(closing(body, i + 1)), { ...linterSettings }, 'Linter::lint + assert');
        continue;
      }
      if (isP(body[i - 1], '.') || isP(body[i - 1], ':')) continue;
      const a = callArgs(body, i + 1);
      const name2 = t.text;
      switch (name2) {
        case 'lint_ok':
        case 'lint_errors':
          push(ruleOf(a.slice(1).flat()), a[0], name2 === 'lint_ok' ? 'none' : 'violation', {}, name2);
          break;
        case 'lint_ok_with':
        case 'lint_errors_with':
          push(ruleOf(a.slice(1).flat()) ?? helpers.get(name2)?.variant, a[0], name2 === 'lint_ok_with' ? 'none' : 'violation', settingsIn(a.slice(1).flat(), settingsFns), name2);
          break;
        case 'lint':
        case 'lint_with_assume_in_transaction':
        case 'lint_with_postgres_version': {
          const settings: CaseSettings = name2 === 'lint_with_assume_in_transaction' ? { assumeInTransaction: true } : {};
          if (name2 === 'lint_with_postgres_version' && a[2]?.[0]?.kind === 'str') settings.pgVersion = Number(a[2][0].value);
          push(ruleOf(a.slice(1).flat()), a[0], assertedAfter(closing(body, i + 1)), settings, `${name2} + assert`);
          break;
        }
        case 'fix_sql':
        case 'fix_sql_with':
          push(ruleOf(a.slice(1).flat()), a[0], 'violation', settingsIn(a.slice(1).flat(), settingsFns), name2);
          break;
        default: {
          const h = helpers.get(name2);
          if (!h) break;
          push(h.variant, a[0], h.kind === 'ok' ? 'none' : 'violation', { ...h.settings, ...settingsIn(a.slice(1).flat(), settingsFns) }, `${name2} (wrapper)`);
        }
      }
    }
    // Several SQL texts in one test: number them.
    const mine = cases.slice(before);
    if (mine.length > 1) mine.forEach((c, n) => (c.id = `${c.id}#${n + 1}`));
  }
  return cases;
}

// ---------------------------------------------------------------------------------------------

function rsFiles(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory() && e.name !== 'snapshots') rsFiles(p, out);
    else if (e.isFile() && e.name.endsWith('.rs') && e.name !== 'mod.rs') out.push(p);
  }
  return out.sort();
}

const allCases = rsFiles(rulesDir).flatMap((f) => extractCases(f, readFileSync(f, 'utf8'), path.join(rulesDir, 'snapshots')));
/** The squawk rules a case's rule stands for in squawk's output (require-timeout-settings is the pair). */
const reportedAs = (rule: string): string[] => (rule === 'require-timeout-settings' ? ['require-lock-timeout', 'require-statement-timeout'] : [rule]);
const shared = allCases.filter((c) => coveredBy.has(c.rule) && (!onlyRule || c.rule === onlyRule));
const notShared = allCases.filter((c) => !coveredBy.has(c.rule));
const cases = shared.filter((c) => c.sql !== undefined && c.expect !== 'unknown');
const notExtracted = shared.filter((c) => c.sql === undefined || c.expect === 'unknown');

// squawk 2.66 on every case, grouped by settings.
const dir = mkdtempSync(path.join(tmpdir(), 'squawk-tests-'));
const caseFile = new Map<Case, string>();
const groups = new Map<string, { version: number; inTransaction: boolean; cases: Case[] }>();
cases.forEach((c, n) => {
  const file = path.join(dir, `${String(n).padStart(4, '0')}-${c.file}-${c.test}.sql`);
  writeFileSync(file, c.sql!);
  caseFile.set(c, file);
  const version = c.settings.pgVersion ?? 15;
  const inTransaction = c.settings.assumeInTransaction ?? false;
  const key = `${version}/${inTransaction}`;
  const g = groups.get(key) ?? { version, inTransaction, cases: [] };
  groups.set(key, g);
  g.cases.push(c);
});
const failures: string[] = [];
const squawkRules = new Map<string, Set<string>>();
for (const g of groups.values()) {
  for (const row of runSquawk(g.cases.map((c) => caseFile.get(c)!), g.version, g.inTransaction, failures)) {
    const file = path.resolve(row.file);
    const set = squawkRules.get(file) ?? new Set();
    squawkRules.set(file, set);
    set.add(SQUAWK_ALIASES[row.rule_name] ?? row.rule_name);
  }
}

// sqlwarden on every case.
await initPostgres();
const knownRuleIds = new Set<string>([...(builtinRules as Rule<any>[]).map((r) => r.meta.id), ...ENGINE_RULE_IDS]);
const enabled = (builtinRules as Rule<any>[]).filter((r) => comparedRules.has(r.meta.id));
interface Outcome { c: Case; squawk266: boolean; squawkSyntaxError: boolean; ours: boolean; findings: string[]; oursForRule: string[] }
const outcomes: Outcome[] = cases.map((c) => {
  const settings: Settings = { ...DEFAULT_SETTINGS, postgresVersion: c.settings.pgVersion ?? 15, migrationTransaction: c.settings.assumeInTransaction ? 'wrapped' : 'none' };
  const { messages, statements } = lintSource({
    text: c.sql!,
    filePath: 'migrations/0002_squawk_test.sql',
    settings,
    isMigration: true,
    rules: enabled.map((rule) => ({ rule, severity: 1 as const, options: { ...(rule.meta.defaultOptions ?? {}), ...ruleOptions(rule.meta.id) } })),
    catalog: new Catalog(),
    knownRuleIds,
    adapter: postgresAdapter,
    // Every occurrence on its own, as in compare-squawk.ts (grouped repeats would hide all but the first).
    groupRepeats: false,
  });
  const wanted = new Set([c.rule, ...reportedAs(c.rule)]);
  const claiming = new Set(coveredBy.get(c.rule) ?? []);
  const oursForRule: string[] = [];
  const findings: string[] = [];
  for (const m of messages) {
    const stmt = statements?.find((s) => s.index === statementAt(statements, m.range.start));
    const headline = `${m.ruleId} (line ${m.line}): ${m.message.split('\n')[0]!.slice(0, 160)}`;
    if (comparedRules.has(m.ruleId) || m.ruleId === 'syntax-error') findings.push(headline);
    if (claiming.has(m.ruleId) && squawkRulesOf(m.ruleId, stmt?.text ?? '', m.message).some((r) => wanted.has(r))) oursForRule.push(headline);
  }
  const theirs = squawkRules.get(path.resolve(caseFile.get(c)!)) ?? new Set<string>();
  return { c, squawk266: reportedAs(c.rule).some((r) => theirs.has(r)), squawkSyntaxError: theirs.has('syntax-error'), ours: oursForRule.length > 0, findings, oursForRule };
});

// ---------------------------------------------------------------------------------------------
const expectsViolation = (o: Outcome) => o.c.expect === 'violation';
const agrees = (o: Outcome) => o.ours === expectsViolation(o);
const squawkAgrees = (o: Outcome) => o.squawk266 === expectsViolation(o);
const total = outcomes.length;
const agreeing = outcomes.filter(agrees).length;
const pct = (n: number, d: number) => (d ? `${Math.round((100 * n) / d)}%` : '-');
console.log(`# squawk's rule tests: squawk 2.66 and sqlwarden\n`);
console.log(`${total} cases of ${new Set(cases.map((c) => c.rule)).size} shared squawk rules (from ${rsFiles(rulesDir).length} rule files); ${notExtracted.length} cases of shared rules not extracted; ${notShared.length} cases of rules sqlwarden does not claim left out.\n`);
console.log(`sqlwarden agrees with squawk's expectation on **${agreeing}/${total}** (${pct(agreeing, total)}); squawk 2.66 itself on ${outcomes.filter(squawkAgrees).length}/${total}.\n`);
console.log('| squawk rule | sqlwarden rule(s) | cases | squawk expects a violation | squawk 2.66 agrees | sqlwarden agrees | sqlwarden misses | sqlwarden extra |');
console.log('|---|---|---:|---:|---:|---:|---:|---:|');
const byRule = new Map<string, Outcome[]>();
for (const o of outcomes) byRule.set(o.c.rule, [...(byRule.get(o.c.rule) ?? []), o]);
for (const [rule, os] of [...byRule.entries()].sort()) {
  const miss = os.filter((o) => expectsViolation(o) && !o.ours).length;
  const extra = os.filter((o) => !expectsViolation(o) && o.ours).length;
  console.log(`| ${rule} | ${(coveredBy.get(rule) ?? []).join(', ')} | ${os.length} | ${os.filter(expectsViolation).length} | ${os.filter(squawkAgrees).length} | ${os.filter(agrees).length} | ${miss} | ${extra} |`);
}
const oneLine = (sql: string) => sql.replace(/--[^\n]*/g, ' ').replace(/\s+/g, ' ').trim();
const settingsText = (s: CaseSettings) => [s.pgVersion !== undefined ? `pg ${s.pgVersion}` : '', s.assumeInTransaction ? 'assume_in_transaction' : ''].filter(Boolean).join(', ');
console.log('\n## Disagreements\n');
for (const [rule, os] of [...byRule.entries()].sort()) {
  const bad = os.filter((o) => !agrees(o));
  if (!bad.length) continue;
  console.log(`### ${rule}\n`);
  for (const o of bad) {
    console.log(`- \`${o.c.id}\`${settingsText(o.c.settings) ? ` (${settingsText(o.c.settings)})` : ''}: squawk's test expects ${expectsViolation(o) ? 'a violation' : 'none'}; squawk 2.66 ${o.squawk266 ? 'reports it' : 'does not'}; sqlwarden ${o.ours ? `reports: ${o.oursForRule.join(' | ')}` : o.findings.length ? `reports other things only: ${o.findings.join(' | ')}` : 'reports nothing'}`);
    console.log(`  \`${oneLine(o.c.sql!).slice(0, 400)}\``);
  }
  console.log('');
}
const drift = outcomes.filter((o) => !squawkAgrees(o));
if (drift.length) {
  console.log(`## Where squawk 2.66 differs from the test's expectation (${drift.length})\n`);
  for (const o of drift) console.log(`- \`${o.c.id}\`: expects ${o.c.expect}, 2.66 ${o.squawk266 ? 'reports' : 'does not report'} ${o.c.rule}${o.squawkSyntaxError ? ' (2.66: syntax-error)' : ''}`);
  console.log('');
}
if (notExtracted.length) {
  console.log(`## Not extracted (${notExtracted.length})\n`);
  for (const c of notExtracted) console.log(`- \`${c.id}\` (${c.rule}): ${c.sql === undefined ? 'SQL built at run time' : 'no expectation found'} [${c.how}]`);
  console.log('');
}
if (failures.length) console.log(`squawk failed on: ${failures.join('; ')}`);
if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ total, agreeing, outcomes: outcomes.map((o) => ({ ...o.c, squawk266: o.squawk266, ours: o.ours, oursForRule: o.oursForRule, findings: o.findings })), notExtracted }, null, 2));
