/**
 * Runs squawk (npm `squawk-cli`) and sqlwarden over the same migration files and compares their
 * findings per squawk rule, at statement granularity. For each squawk rule R the unit is a
 * statement: squawk reports R there, and/or a sqlwarden rule that lists R in `meta.sources`
 * reports a finding there that is about what R checks (`squawkRulesOf` below: a sqlwarden rule
 * can cover several squawk rules, e.g. no-blocking-index-build covers CREATE, DROP and REINDEX).
 * Every sqlwarden rule with a squawk source is enabled for the comparison
 * (require-lock-timeout with `requireStatementTimeout`, so it covers require-statement-timeout).
 *
 *   node scripts/run-ts.mjs scripts/compare-squawk.ts [--pg-version 15] [--json out.json] [--samples N] [dirs...]
 *
 * Default dirs: every project in ../shared/corpus/pg-migrations (files sqlwarden does not count as
 * migrations -- schema dumps, views -- are left out and counted), and each rule's README examples:
 * linted as the doc tests lint them (the `schema` block replayed into the catalog first, the
 * example's settings and options), while squawk gets the example alone (the schema stands for
 * earlier migrations), at the example's PostgreSQL version, with `--assume-in-transaction` when
 * the example says the tool wraps the file.
 */
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Catalog, ENGINE_RULE_IDS, Linter, lintSource, postgresAdapter, initPostgres, readSourceFile, DEFAULT_SETTINGS, type Diagnostic, type Rule, type Settings, type StatementInfo } from '@sqlwarden/core';
import { parseDocExamples, type DocExample } from '@sqlwarden/core/testing';
import { builtinRules } from '@sqlwarden/rules';
import { comparedRules, coveredBy, ruleOptions, runSquawk, squawkBinary, squawkRulesOf, SQUAWK_ALIASES, statementAt, type SquawkRow } from './squawk-common.ts';

const args = process.argv.slice(2);
const option = (name: string): string | undefined => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const pgVersion = Number(option('--pg-version') ?? 15);
const jsonOut = option('--json');
const sampleCount = Number(option('--samples') ?? 5);
const dirs = args.filter((a, i) => !a.startsWith('--') && !['--pg-version', '--json', '--samples'].includes(args[i - 1] ?? ''));
// squawk-cli is not a dependency: install it first (see squawk-common.ts).
squawkBinary();

interface Finding {
  file: string;
  statement: number;
  line: number;
  rule: string;
  message: string;
  /** The statement's first 200 characters, for grouping. */
  sql: string;
}

function sqlFiles(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) sqlFiles(p, out);
    else if (e.isFile() && e.name.endsWith('.sql')) out.push(p);
  }
  return out;
}

/** squawk's 0-based line and 0-based column in UTF-8 bytes of that line -> UTF-16 offset. */
function squawkOffset(text: string, starts: number[], line: number, byteColumn: number): number {
  const start = starts[line] ?? text.length;
  let bytes = 0;
  let i = start;
  while (i < text.length && bytes < byteColumn && text[i] !== '\n') {
    const cp = text.codePointAt(i)!;
    bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    i += cp >= 0x10000 ? 2 : 1;
  }
  return i;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  return starts;
}

function snippet(statements: readonly StatementInfo[] | undefined, index: number): string {
  return statements?.find((s) => s.index === index)?.text.slice(0, 200) ?? '';
}

function theirFindings(rows: SquawkRow[], textOf: Map<string, string>, statementsOf: Map<string, readonly StatementInfo[] | undefined>): Finding[] {
  const out: Finding[] = [];
  for (const f of rows) {
    const file = path.resolve(f.file);
    const text = textOf.get(file);
    if (text === undefined) continue;
    const offset = squawkOffset(text, lineStarts(text), f.line, f.column);
    const statement = statementAt(statementsOf.get(file), offset);
    out.push({ file, statement, line: f.line + 1, rule: SQUAWK_ALIASES[f.rule_name] ?? f.rule_name, message: f.message, sql: snippet(statementsOf.get(file), statement) });
  }
  return out;
}

function ourFinding(file: string, statements: readonly StatementInfo[] | undefined, m: Diagnostic): Finding {
  const statement = statementAt(statements, m.range.start);
  return { file, statement, line: m.line, rule: m.ruleId, message: m.message, sql: snippet(statements, statement) };
}

interface Compared { label: string; files: number; skipped: number; squawkInSkipped: number; ours: Finding[]; theirs: Finding[] }

async function compareProject(root: string, failures: string[]): Promise<Compared> {
  const ruleSettings = Object.fromEntries([...comparedRules].map((id) => [id, ['warn', ruleOptions(id)] as const]));
  // Every occurrence on its own: the comparison unit is a statement, and grouped repeats
  // (RuleMeta.groupRepeats) would report only the first statement of each group.
  const linter = new Linter({ cwd: root, rules: builtinRules, groupRepeats: false, overrides: { rules: ruleSettings, postgresVersion: pgVersion } });
  const all = sqlFiles(root).sort();
  const files = all.filter((p) => linter.isMigrationPath(p));
  const skippedFiles = all.filter((p) => !linter.isMigrationPath(p));
  const readable = files.flatMap((p) => {
    const r = readSourceFile(p);
    return r.ok ? [{ path: p, text: r.text }] : [];
  });
  const results = await linter.lintFiles(readable, { keepStatements: true });
  const statementsOf = new Map(results.map((r) => [r.filePath, r.statements]));
  const textOf = new Map(readable.map((f) => [f.path, f.text]));
  const ours = results.flatMap((r) => r.messages.filter((m) => comparedRules.has(m.ruleId)).map((m) => ourFinding(r.filePath, r.statements, m)));
  const theirs = theirFindings(runSquawk(readable.map((f) => f.path), pgVersion, false, failures), textOf, statementsOf);
  const squawkInSkipped = skippedFiles.length ? runSquawk(skippedFiles, pgVersion, false, failures).length : 0;
  return { label: path.basename(root), files: readable.length, skipped: skippedFiles.length, squawkInSkipped, ours, theirs };
}

async function compareDocExamples(failures: string[]): Promise<Compared> {
  await initPostgres();
  const dir = mkdtempSync(path.join(tmpdir(), 'sqlwarden-doc-examples-'));
  const ours: Finding[] = [];
  const textOf = new Map<string, string>();
  const statementsOf = new Map<string, readonly StatementInfo[] | undefined>();
  const squawkGroups = new Map<string, { version: number; inTransaction: boolean; paths: string[] }>();
  let skipped = 0;
  const enabled = (builtinRules as Rule<any>[]).filter((r) => comparedRules.has(r.meta.id));
  const knownRuleIds = new Set<string>([...(builtinRules as Rule<any>[]).map((r) => r.meta.id), ...ENGINE_RULE_IDS]);
  for (const owner of builtinRules as Rule<any>[]) {
    const readme = path.resolve('rules', owner.meta.id, 'README.md');
    if (!statSync(readme, { throwIfNoEntry: false })) continue;
    parseDocExamples(readFileSync(readme, 'utf8')).forEach((example: DocExample) => {
      // squawk has no notion of a file that is not a migration.
      if (example.migration === false) return void skipped++;
      const file = path.join(dir, `${owner.meta.id}.L${String(example.line).padStart(3, '0')}.${example.kind}.sql`);
      writeFileSync(file, example.code);
      const settings: Settings = { ...DEFAULT_SETTINGS, postgresVersion: pgVersion, ...example.settings };
      const catalog = new Catalog();
      if (example.schema) lintSource({ text: example.schema, filePath: 'schema.sql', settings, isMigration: true, rules: [], catalog, knownRuleIds, adapter: postgresAdapter });
      const { messages, statements } = lintSource({
        text: example.code,
        filePath: example.filename ?? 'migrations/0002_test.sql',
        settings,
        isMigration: true,
        rules: enabled.map((rule) => ({
          rule,
          severity: 1 as const,
          options: { ...(rule.meta.defaultOptions ?? {}), ...ruleOptions(rule.meta.id), ...(rule === owner ? (example.options ?? {}) : {}) },
        })),
        catalog,
        knownRuleIds,
        adapter: postgresAdapter,
        groupRepeats: false,
      });
      textOf.set(file, example.code);
      statementsOf.set(file, statements);
      for (const m of messages) if (comparedRules.has(m.ruleId)) ours.push(ourFinding(file, statements, m));
      const inTransaction = settings.migrationTransaction === 'wrapped';
      const key = `${settings.postgresVersion}/${inTransaction}`;
      const group = squawkGroups.get(key) ?? { version: settings.postgresVersion, inTransaction, paths: [] };
      squawkGroups.set(key, group);
      group.paths.push(file);
    });
  }
  const theirs = [...squawkGroups.values()].flatMap((g) => theirFindings(runSquawk(g.paths, g.version, g.inTransaction, failures), textOf, statementsOf));
  return { label: 'rule README examples', files: textOf.size, skipped, squawkInSkipped: 0, ours, theirs };
}

const projects = dirs.length ? dirs.map((d) => path.resolve(d)) : readdirSync(path.resolve('../shared/corpus/pg-migrations')).map((d) => path.resolve('../shared/corpus/pg-migrations', d));

interface Row { squawk: number; statements: number; agree: number; squawkOnly: Finding[]; oursOnly: Finding[] }
const table = new Map<string, Row>();
const rowFor = (r: string): Row => {
  let row = table.get(r);
  if (!row) table.set(r, (row = { squawk: 0, statements: 0, agree: 0, squawkOnly: [], oursOnly: [] }));
  return row;
};
for (const r of coveredBy.keys()) rowFor(r);
const uncovered = new Map<string, number>();
const failures: string[] = [];
const perSet: Array<{ label: string; files: number; skipped: number; squawkInSkipped: number; squawk: number; ours: number }> = [];

const compared: Compared[] = [];
for (const root of projects) compared.push(await compareProject(root, failures));
if (!dirs.length) compared.push(await compareDocExamples(failures));

for (const { label, files, skipped, squawkInSkipped, ours, theirs } of compared) {
  perSet.push({ label, files, skipped, squawkInSkipped, squawk: theirs.length, ours: ours.length });
  const key = (f: Finding) => `${f.file}#${f.statement}`;
  // squawk rule -> statement -> first finding, on both sides.
  const squawkAt = new Map<string, Map<string, Finding>>();
  const oursAt = new Map<string, Map<string, Finding>>();
  const oursAnyAt = new Map<string, Set<string>>(); // sqlwarden rule -> statements, for the lenient match
  for (const f of theirs) {
    if (!coveredBy.has(f.rule)) {
      uncovered.set(f.rule, (uncovered.get(f.rule) ?? 0) + 1);
      continue;
    }
    rowFor(f.rule).squawk++;
    const m = squawkAt.get(f.rule) ?? new Map();
    squawkAt.set(f.rule, m);
    if (!m.has(key(f))) m.set(key(f), f);
  }
  for (const o of ours) {
    const any = oursAnyAt.get(o.rule) ?? new Set();
    oursAnyAt.set(o.rule, any);
    any.add(key(o));
    for (const r of squawkRulesOf(o.rule, o.sql, o.message)) {
      const m = oursAt.get(r) ?? new Map();
      oursAt.set(r, m);
      if (!m.has(key(o))) m.set(key(o), o);
    }
  }
  for (const r of coveredBy.keys()) {
    const row = rowFor(r);
    const theirsHere = squawkAt.get(r) ?? new Map<string, Finding>();
    const oursHere = oursAt.get(r) ?? new Map<string, Finding>();
    row.statements += theirsHere.size;
    for (const [k, f] of theirsHere) {
      // Agreement: any sqlwarden rule claiming r reported this statement.
      if (oursHere.has(k) || coveredBy.get(r)!.some((id) => oursAnyAt.get(id)?.has(k))) row.agree++;
      else row.squawkOnly.push(f);
    }
    for (const [k, o] of oursHere) if (!theirsHere.has(k)) row.oursOnly.push(o);
  }
}

const rel = (f: string) => path.relative(process.cwd(), f);
const totalFiles = perSet.reduce((n, s) => n + s.files, 0);
console.log(`# squawk vs sqlwarden (PostgreSQL ${pgVersion}, ${totalFiles} files)\n`);
console.log('| file set | files compared | non-migration files left out (squawk findings there) | squawk findings | sqlwarden findings (compared rules) |');
console.log('|---|---:|---:|---:|---:|');
for (const s of perSet) console.log(`| ${s.label} | ${s.files} | ${s.skipped} (${s.squawkInSkipped}) | ${s.squawk} | ${s.ours} |`);
console.log('\nCounts are statements (a statement squawk reports twice under one rule counts once), except "squawk findings".\n');
console.log('| squawk rule | sqlwarden rule(s) | squawk findings | squawk statements | agree | squawk only | sqlwarden only |');
console.log('|---|---|---:|---:|---:|---:|---:|');
for (const [rule, row] of [...table.entries()].sort()) {
  console.log(`| ${rule} | ${(coveredBy.get(rule) ?? []).join(', ')} | ${row.squawk} | ${row.statements} | ${row.agree} | ${row.squawkOnly.length} | ${row.oursOnly.length} |`);
}
if (uncovered.size) {
  console.log('\nsquawk rules no sqlwarden rule claims (findings):');
  for (const [rule, n] of [...uncovered.entries()].sort()) console.log(`- ${rule}: ${n}`);
}
for (const [rule, row] of [...table.entries()].sort()) {
  if (!row.squawkOnly.length && !row.oursOnly.length) continue;
  console.log(`\n## ${rule}`);
  for (const f of row.squawkOnly.slice(0, sampleCount)) console.log(`- squawk only: ${rel(f.file)}:${f.line} ${f.message.slice(0, 120)}`);
  for (const f of row.oursOnly.slice(0, sampleCount)) console.log(`- sqlwarden only (${f.rule}): ${rel(f.file)}:${f.line} ${f.message.slice(0, 120)}`);
}
if (failures.length) console.log(`\nsquawk failed on: ${failures.join('; ')}`);
if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ pgVersion, sets: perSet, coveredBy: Object.fromEntries(coveredBy), rows: Object.fromEntries(table), uncovered: Object.fromEntries(uncovered) }, null, 2));
