/**
 * Lints every SQL file of ../shared/corpus (or the directories given) with all built-in rules and
 * prints a summary: files, statements, syntax errors, internal errors, findings per rule.
 * Each corpus project is one run, in path order, so migrations see the tables earlier ones made.
 *   node scripts/run-ts.mjs scripts/corpus.ts [--json out.json] [--syntax-errors] [dirs...]
 */
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Linter, readSourceFile } from '@sqlwarden/core';
import { builtinRules } from '@sqlwarden/rules';

const args = process.argv.slice(2);
const jsonOut = args.includes('--json') ? args[args.indexOf('--json') + 1] : undefined;
const showSyntax = args.includes('--syntax-errors');
const dirs = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--json');
const corpus = path.resolve('../shared/corpus');
const roots = dirs.length ? dirs.map((d) => path.resolve(d)) : ['pg-migrations', 'pg-regress', 'queries/pg'].flatMap((d) => projects(path.join(corpus, d)));

function projects(dir: string): string[] {
  const entries = readdirSync(dir, { withFileTypes: true });
  // A folder whose children are all folders named owner__repo is a collection of projects.
  if (entries.length && entries.every((e) => e.isDirectory() && e.name.includes('__'))) return entries.map((e) => path.join(dir, e.name));
  return [dir];
}

function sqlFiles(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) sqlFiles(p, out);
    else if (e.isFile() && e.name.endsWith('.sql')) out.push(p);
  }
  return out;
}

const totals = { projects: 0, files: 0, unreadable: 0, statements: 0, syntaxErrors: 0, internalErrors: 0, byRule: {} as Record<string, number> };
const syntaxSamples: Array<{ file: string; line: number; message: string }> = [];
const started = Date.now();
for (const root of roots) {
  if (!statSync(root, { throwIfNoEntry: false })?.isDirectory()) continue;
  totals.projects++;
  const linter = new Linter({ cwd: root, rules: builtinRules });
  const files = sqlFiles(root).sort().flatMap((p) => {
    const read = readSourceFile(p);
    if (!read.ok) {
      totals.unreadable++;
      console.error(`${path.relative(corpus, p)}: ${read.message}`);
      return [];
    }
    return [{ path: p, text: read.text }];
  });
  const results = await linter.lintFiles(files);
  for (const r of results) {
    totals.files++;
    totals.statements += r.stats?.statements ?? 0;
    for (const m of r.messages) {
      totals.byRule[m.ruleId] = (totals.byRule[m.ruleId] ?? 0) + 1;
      if (m.ruleId === 'syntax-error') {
        totals.syntaxErrors++;
        syntaxSamples.push({ file: path.relative(corpus, r.filePath), line: m.line, message: m.message });
      }
      if (m.ruleId === 'internal-error') {
        totals.internalErrors++;
        console.error(`INTERNAL ${path.relative(corpus, r.filePath)}:${m.line}: ${m.message}`);
      }
    }
  }
}
const summary = { ...totals, seconds: (Date.now() - started) / 1000 };
console.log(JSON.stringify(summary, null, 2));
if (showSyntax) for (const s of syntaxSamples) console.log(`${s.file}:${s.line}: ${s.message}`);
if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ summary, syntaxErrors: syntaxSamples }, null, 2));
