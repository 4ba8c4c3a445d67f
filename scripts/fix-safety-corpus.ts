/**
 * `--fix` against real histories: copies migration projects of the corpus to a temp directory,
 * runs the built CLI with `--fix` on the copy, then replays the original and the fixed migration
 * files in replay order on PGlite (scripts/fix-safety-replay.ts) and reports every statement whose
 * outcome the fixes changed, with the fixes applied per rule. Not part of `npm test`.
 *
 *   npm run build && node scripts/run-ts.mjs scripts/fix-safety-corpus.ts [PROJECT...]
 *
 * PROJECT: folder names under ../shared/corpus/pg-migrations (default: all of them). Rollbacks
 * (down files, goose/dbmate down sections) are not replayed; only migration files
 * (`migrations.include`) are.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isDownMigrationPath, Linter } from '@sqlwarden/core';
import { outcomeChanges, replay } from './fix-safety-replay.ts';

// Run from the repository root (run-ts.mjs bundles the script elsewhere, so import.meta.url is not here).
const repoRoot = process.cwd();
const corpus = path.resolve(repoRoot, '../shared/corpus/pg-migrations');
/** SQLWARDEN_CLI: another build to judge (e.g. one from before fix safety, for comparison). */
const cli = process.env.SQLWARDEN_CLI ? path.resolve(process.env.SQLWARDEN_CLI) : path.join(repoRoot, 'packages/cli/dist/sqlwarden.mjs');

function sqlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === '.git') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sqlFiles(full));
    else if (entry.isFile() && entry.name.endsWith('.sql')) out.push(full);
  }
  return out;
}

/** The part of a file a migration tool runs going up (goose and dbmate keep the down part in the same file). */
function upPart(text: string): string {
  const down = /^\s*--\s*(\+goose\s+down|migrate:down)\b/im.exec(text);
  return down ? text.slice(0, down.index) : text;
}

async function checkProject(name: string): Promise<void> {
  const work = mkdtempSync(path.join(tmpdir(), `sqlwarden-fix-corpus-${name}-`));
  try {
    cpSync(path.join(corpus, name), work, { recursive: true });
    const linter = new Linter({ cwd: work });
    const migrations = linter
      .replayOrder(sqlFiles(work).map((file) => ({ path: file })))
      .map((f) => f.path)
      .filter((file) => !isDownMigrationPath(file) && linter.isMigrationPath(file) && !linter.isPathIgnored(file) && statSync(file).size < 5_000_000);
    const original = migrations.map((file) => ({ name: path.relative(work, file), text: upPart(readFileSync(file, 'utf8')) }));
    const args = ['--format', 'json', ...migrations.map((file) => path.relative(work, file))];
    const cliRun = (extra: string[]) => {
      const result = spawnSync(process.execPath, [cli, ...extra, ...args], { cwd: work, encoding: 'utf8', maxBuffer: 1 << 30, timeout: 900_000 });
      if (result.status !== 0 && result.status !== 1) throw new Error(`sqlwarden ${extra.join(' ')} exited ${result.status}: ${result.stderr.slice(0, 500)}`);
      return JSON.parse(result.stdout) as Array<{ filePath: string; messages: Array<{ ruleId: string; fix?: unknown; suggestions?: Array<{ desc: string }> }> }>;
    };
    // What a lint without --fix offers as fixes (each file checked against itself only).
    const rules = new Map<string, number>();
    for (const r of cliRun([])) for (const m of r.messages) if (m.fix) rules.set(m.ruleId, (rules.get(m.ruleId) ?? 0) + 1);
    const started = Date.now();
    const report = cliRun(['--fix']);
    const withheld = report.flatMap((r) => r.messages.filter((m) => m.suggestions?.some((s) => s.desc.includes('(not auto-fixed: '))).map((m) => `${path.relative(work, r.filePath)}: ${m.suggestions![0]!.desc}`));
    const fixed = migrations.map((file) => ({ name: path.relative(work, file), text: upPart(readFileSync(file, 'utf8')) }));
    const changedFiles = fixed.filter((f, i) => f.text !== original[i]!.text);
    const fixMs = Date.now() - started;
    const a = await replay(original);
    const b = await replay(fixed);
    const changes = outcomeChanges(a, b);
    const failed = a.filter((o) => !o.ok).length;
    console.log(`\n## ${name}: ${migrations.length} migration files, ${a.length} statements (${failed} fail in the original replay), --fix changed ${changedFiles.length} files in ${fixMs} ms`);
    console.log(`fixes offered by a lint without --fix: ${[...rules].map(([rule, n]) => `${rule} ${n}`).join(', ') || 'none'}`);
    console.log(`withheld by fix safety: ${withheld.length}`);
    for (const line of withheld.slice(0, 20)) console.log(`  - ${line}`);
    console.log(`statements whose outcome changed: ${changes.length}`);
    for (const change of changes.slice(0, 30)) {
      console.log(`  - ${change.before.file}#${change.before.index}: ${change.before.ok ? 'ok' : 'failed'} -> ${change.after ? (change.after.ok ? 'ok' : `failed (${change.after.error})`) : 'missing'}: ${change.before.text.slice(0, 120)}`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  if (!existsSync(cli)) throw new Error('Build first: npm run build');
  const names = process.argv.slice(2);
  for (const name of names.length ? names : readdirSync(corpus)) await checkProject(name);
}

await main();
