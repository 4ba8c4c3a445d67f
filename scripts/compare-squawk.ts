/**
 * Runs squawk (npm `squawk-cli`) and sqlwarden over the same migration files and compares their
 * findings per squawk rule, at statement granularity: a squawk finding and a sqlwarden finding
 * agree when they fall in the same statement and the sqlwarden rule lists that squawk rule in
 * `meta.sources`. Every sqlwarden rule with a squawk source is enabled for the comparison.
 *
 *   node scripts/run-ts.mjs scripts/compare-squawk.ts [--pg-version 15] [--json out.json] [--samples N] [dirs...]
 *
 * Default dirs: every project in ../shared/corpus/pg-migrations, and each rule's README examples
 * (rules/<id>/README.md, written to a temp dir one example per file).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Linter, readSourceFile, type Rule, type StatementInfo } from '@sqlwarden/core';
import { parseDocExamples } from '@sqlwarden/core/testing';
import { builtinRules } from '@sqlwarden/rules';

const args = process.argv.slice(2);
const option = (name: string): string | undefined => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const pgVersion = Number(option('--pg-version') ?? 15);
const jsonOut = option('--json');
const sampleCount = Number(option('--samples') ?? 5);
const dirs = args.filter((a, i) => !a.startsWith('--') && !['--pg-version', '--json', '--samples'].includes(args[i - 1] ?? ''));
const squawkBin = path.resolve('node_modules/.bin/squawk');

interface Finding {
  file: string;
  statement: number;
  line: number;
  rule: string;
  message: string;
}

/** squawk rule -> sqlwarden rules that claim to cover it. */
const coveredBy = new Map<string, string[]>();
for (const rule of builtinRules as Rule<any>[]) {
  for (const source of rule.meta.sources ?? []) {
    if (source.tool !== 'squawk') continue;
    coveredBy.set(source.rule, [...(coveredBy.get(source.rule) ?? []), rule.meta.id]);
  }
}
const comparedRules = new Set([...coveredBy.values()].flat());

function sqlFiles(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) sqlFiles(p, out);
    else if (e.isFile() && e.name.endsWith('.sql')) out.push(p);
  }
  return out;
}

function docExampleDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sqlwarden-doc-examples-'));
  for (const rule of builtinRules as Rule<any>[]) {
    const readme = path.resolve('rules', rule.meta.id, 'README.md');
    if (!statSync(readme, { throwIfNoEntry: false })) continue;
    parseDocExamples(readFileSync(readme, 'utf8')).forEach((example: { kind: string; code: string }, i: number) => {
      writeFileSync(path.join(dir, `${rule.meta.id}.${String(i).padStart(2, '0')}.${example.kind}.sql`), example.code);
    });
  }
  return dir;
}

function statementAt(statements: readonly StatementInfo[] | undefined, offset: number): number {
  if (!statements) return -1;
  for (const s of statements) if (offset >= s.range.start && offset <= s.range.end) return s.index;
  // Between statements (comments, whitespace): attribute to the next one.
  return statements.find((s) => s.range.start >= offset)?.index ?? -1;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  return starts;
}

async function compareProject(root: string, label: string) {
  const files = sqlFiles(root).sort();
  const readable = files.flatMap((p) => {
    const r = readSourceFile(p);
    return r.ok ? [{ path: p, text: r.text }] : [];
  });
  const ruleSettings = Object.fromEntries([...comparedRules].map((id) => [id, 'warn' as const]));
  const linter = new Linter({ cwd: root, rules: builtinRules, overrides: { rules: ruleSettings, postgresVersion: pgVersion } });
  const results = await linter.lintFiles(readable);
  const statementsOf = new Map(results.map((r) => [r.filePath, r.statements]));
  const textOf = new Map(readable.map((f) => [f.path, f.text]));

  const ours: Finding[] = [];
  for (const r of results) {
    for (const m of r.messages) {
      if (!comparedRules.has(m.ruleId)) continue;
      ours.push({ file: r.filePath, statement: statementAt(r.statements, m.range.start), line: m.line, rule: m.ruleId, message: m.message });
    }
  }

  const theirs: Finding[] = [];
  const squawkFailures: string[] = [];
  for (let i = 0; i < readable.length; i += 200) {
    const batch = readable.slice(i, i + 200).map((f) => f.path);
    let out: string;
    try {
      out = execFileSync(squawkBin, ['--reporter', 'json', `--pg-version=${pgVersion}.0`, ...batch], { encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error: any) {
      // squawk exits 1 when it reports anything; stdout still holds the JSON.
      out = error.stdout ?? '';
      if (!out.trim().startsWith('[')) {
        squawkFailures.push(`${batch[0]}...: ${String(error.stderr ?? error.message).slice(0, 200)}`);
        continue;
      }
    }
    for (const f of JSON.parse(out) as Array<{ file: string; line: number; column: number; rule_name: string; message: string }>) {
      const file = path.resolve(f.file);
      const text = textOf.get(file);
      if (text === undefined) continue;
      // squawk lines and columns are 0-based; its columns count characters.
      const starts = lineStarts(text);
      const offset = (starts[f.line] ?? 0) + f.column;
      theirs.push({ file, statement: statementAt(statementsOf.get(file), offset), line: f.line + 1, rule: f.rule_name, message: f.message });
    }
  }
  return { label, files: readable.length, ours, theirs, squawkFailures };
}

const roots = dirs.length
  ? dirs.map((d) => path.resolve(d))
  : [...readdirSync(path.resolve('../shared/corpus/pg-migrations')).map((d) => path.resolve('../shared/corpus/pg-migrations', d)), docExampleDir()];

const table = new Map<string, { squawk: number; agree: number; squawkOnly: Finding[]; oursOnly: Finding[] }>();
const uncovered = new Map<string, number>();
let fileCount = 0;
const failures: string[] = [];
for (const root of roots) {
  const { files, ours, theirs, squawkFailures } = await compareProject(root, path.basename(root));
  fileCount += files;
  failures.push(...squawkFailures);
  const key = (f: Finding) => `${f.file}#${f.statement}`;
  for (const f of theirs) {
    const mapped = coveredBy.get(f.rule);
    if (!mapped) {
      uncovered.set(f.rule, (uncovered.get(f.rule) ?? 0) + 1);
      continue;
    }
    const row = table.get(f.rule) ?? { squawk: 0, agree: 0, squawkOnly: [], oursOnly: [] };
    table.set(f.rule, row);
    row.squawk++;
    if (ours.some((o) => key(o) === key(f) && mapped.includes(o.rule))) row.agree++;
    else row.squawkOnly.push(f);
  }
  for (const o of ours) {
    // A sqlwarden finding counts against each squawk rule it covers unless squawk reported one of them there.
    const squawkRules = [...coveredBy.entries()].filter(([, ids]) => ids.includes(o.rule)).map(([r]) => r);
    if (theirs.some((t) => key(t) === key(o) && squawkRules.includes(t.rule))) continue;
    for (const r of squawkRules) {
      const row = table.get(r) ?? { squawk: 0, agree: 0, squawkOnly: [], oursOnly: [] };
      table.set(r, row);
      row.oursOnly.push(o);
    }
  }
}

const rel = (f: string) => path.relative(process.cwd(), f);
console.log(`# squawk vs sqlwarden (PostgreSQL ${pgVersion}, ${fileCount} files)\n`);
console.log('| squawk rule | sqlwarden rule(s) | squawk findings | agree | squawk only | sqlwarden only |');
console.log('|---|---|---:|---:|---:|---:|');
for (const [rule, row] of [...table.entries()].sort()) {
  console.log(`| ${rule} | ${(coveredBy.get(rule) ?? []).join(', ')} | ${row.squawk} | ${row.agree} | ${row.squawkOnly.length} | ${new Set(row.oursOnly.map((o) => `${o.file}#${o.statement}`)).size} |`);
}
if (uncovered.size) {
  console.log('\nsquawk rules no sqlwarden rule claims:');
  for (const [rule, n] of [...uncovered.entries()].sort()) console.log(`- ${rule}: ${n}`);
}
for (const [rule, row] of [...table.entries()].sort()) {
  if (!row.squawkOnly.length && !row.oursOnly.length) continue;
  console.log(`\n## ${rule}`);
  for (const f of row.squawkOnly.slice(0, sampleCount)) console.log(`- squawk only: ${rel(f.file)}:${f.line} ${f.message.slice(0, 120)}`);
  for (const f of row.oursOnly.slice(0, sampleCount)) console.log(`- sqlwarden only (${f.rule}): ${rel(f.file)}:${f.line} ${f.message.slice(0, 120)}`);
}
if (failures.length) console.log(`\nsquawk failed on: ${failures.join('; ')}`);
if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ pgVersion, files: fileCount, coveredBy: Object.fromEntries(coveredBy), rows: Object.fromEntries(table), uncovered: Object.fromEntries(uncovered) }, null, 2));
