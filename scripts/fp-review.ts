/**
 * False-positive review: lints real projects with the built CLI, exactly as a user runs it (from
 * the project's folder, every rule at its default), samples findings per rule into a table a
 * person can judge, and totals the judgements.
 *
 *   node scripts/run-ts.mjs scripts/fp-review.ts [--per-rule 8] [--seed 1] [--out DIR]
 *        [--verdicts FILE.tsv] [--summary] [project dirs...]
 *
 * Default projects: every project in ../shared/corpus/pg-migrations and ../shared/corpus/queries/pg.
 * Writes DIR/review.md (each sampled finding with its statement) and DIR/review.tsv (one row per
 * sampled finding; fill the `verdict` column with true, false or noise and `reason` with why).
 * With --verdicts, judgements already made in that file are carried over to findings with the
 * same id (project, file, rule, statement text), and findings judged before but no longer
 * reported are listed as gone. --summary prints only the totals of the verdicts file.
 *
 * Verdicts: `true` is a finding a developer should act on; `false` claims something wrong about
 * this SQL in its context (schema, transaction, what the file is for), checked on PostgreSQL when
 * disputed; `noise` is true but not worth a developer's time (the same cause already reported,
 * or harmless in the situation shown).
 */
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const args = process.argv.slice(2);
const valued = ['--per-rule', '--seed', '--out', '--verdicts'];
const option = (name: string): string | undefined => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const perRule = Number(option('--per-rule') ?? 8);
const seed = Number(option('--seed') ?? 1);
const outDir = path.resolve(option('--out') ?? 'fp-review');
const verdictsFile = option('--verdicts');
const summaryOnly = args.includes('--summary');
const dirs = args.filter((a, i) => !a.startsWith('--') && !valued.includes(args[i - 1] ?? ''));

// Run from the repository root, like the other scripts (run-ts bundles them into a cache folder).
const repoRoot = process.cwd();
const corpus = path.resolve(repoRoot, '../shared/corpus');
const cli = path.join(repoRoot, 'packages/cli/dist/sqlwarden.mjs');

interface Finding {
  id: string;
  rule: string;
  project: string;
  kind: 'migrations' | 'queries' | 'other';
  file: string;
  line: number;
  severity: 'error' | 'warning';
  message: string;
  excerpt: string;
}

interface Verdict {
  verdict: string;
  reason: string;
  row: string[];
}

const VERDICTS = ['true', 'false', 'noise'];
const TSV_HEADER = ['id', 'rule', 'kind', 'project', 'location', 'verdict', 'reason', 'message'];

function projects(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const entries = readdirSync(dir, { withFileTypes: true });
  if (entries.length && entries.every((e) => e.isDirectory() && e.name.includes('__'))) return entries.map((e) => path.join(dir, e.name));
  return [dir];
}

function kindOf(project: string): Finding['kind'] {
  const relative = path.relative(corpus, project).split(path.sep);
  if (relative[0] === 'pg-migrations' || relative[0] === 'mysql-migrations') return 'migrations';
  if (relative[0] === 'queries' || relative[0] === 'pg-regress') return 'queries';
  return 'other';
}

/** The statement's lines (at most 8, each cut at 160 characters), for judging without opening the file. */
function excerptOf(lines: string[], line: number, endLine: number): string {
  const last = Math.min(endLine, line + 7);
  const shown = lines.slice(line - 1, last).map((l) => (l.length > 160 ? `${l.slice(0, 157)}...` : l));
  if (endLine > last) shown.push(`... (${endLine - last} more lines)`);
  return shown.join('\n');
}

function lintProject(project: string): Finding[] {
  const run = spawnSync(process.execPath, [cli, '--format', 'json', '.'], { cwd: project, encoding: 'utf8', maxBuffer: 1 << 30 });
  if (run.status !== 0 && run.status !== 1) throw new Error(`sqlwarden failed in ${project} (exit ${run.status}): ${run.stderr.slice(0, 2000)}`);
  const results = JSON.parse(run.stdout) as Array<{ filePath: string; messages: Array<{ ruleId: string | null; severity: number; message: string; line: number; endLine?: number }> }>;
  const name = path.basename(project);
  const findings: Finding[] = [];
  const seen = new Map<string, number>();
  for (const result of results) {
    if (!result.messages.length) continue;
    const file = path.relative(project, result.filePath);
    const lines = readFileSync(result.filePath, 'utf8').split(/\r?\n/);
    for (const m of result.messages) {
      const rule = m.ruleId ?? 'fatal';
      const excerpt = excerptOf(lines, m.line, m.endLine ?? m.line);
      // The statement text, not the line, identifies a finding (verdicts survive edits above it);
      // the same text repeated in a file is told apart by its order.
      const key = [name, file, rule, excerpt].join('\0');
      const nth = (seen.get(key) ?? 0) + 1;
      seen.set(key, nth);
      const id = createHash('sha1').update(nth > 1 ? `${key}\0${nth}` : key).digest('hex').slice(0, 10);
      findings.push({ id, rule, project: name, kind: kindOf(project), file, line: m.line, severity: m.severity === 2 ? 'error' : 'warning', message: m.message, excerpt });
    }
  }
  return findings;
}

/** A small seeded PRNG (mulberry32), so the same seed samples the same findings. */
function random(seedValue: number): () => number {
  let a = seedValue >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffled<T>(items: T[], next: () => number): T[] {
  const copy = items.slice();
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

/**
 * Up to `count` findings of one rule, spread over projects (round robin in shuffled order) so one
 * project's repeated pattern cannot fill the sample; one finding per file before a second.
 */
function sample(findings: Finding[], count: number, next: () => number): Finding[] {
  const byProject = new Map<string, Finding[]>();
  for (const f of findings) byProject.set(f.project, [...(byProject.get(f.project) ?? []), f]);
  const queues = shuffled([...byProject.values()], next).map((list) => {
    const byFile = new Map<string, Finding[]>();
    for (const f of shuffled(list, next)) byFile.set(f.file, [...(byFile.get(f.file) ?? []), f]);
    const rounds: Finding[] = [];
    for (let round = 0; rounds.length < list.length; round++) for (const l of byFile.values()) if (l[round]) rounds.push(l[round]!);
    return rounds;
  });
  const picked: Finding[] = [];
  for (let round = 0; picked.length < count && queues.some((q) => q.length > round); round++) {
    for (const q of queues) if (q[round] && picked.length < count) picked.push(q[round]!);
  }
  return picked;
}

const tsvCell = (value: string): string => value.replace(/[\t\r\n]+/g, ' ');

function readVerdicts(file: string): Map<string, Verdict> {
  const verdicts = new Map<string, Verdict>();
  if (!file || !existsSync(file)) return verdicts;
  const [header, ...rows] = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim());
  const columns = header!.split('\t');
  const at = (name: string): number => columns.indexOf(name);
  for (const line of rows) {
    const row = line.split('\t');
    const verdict = (row[at('verdict')] ?? '').trim().toLowerCase();
    if (verdict && !VERDICTS.includes(verdict)) throw new Error(`${file}: verdict "${verdict}" for ${row[0]} is not one of ${VERDICTS.join(', ')}`);
    verdicts.set(row[at('id')]!, { verdict, reason: row[at('reason')] ?? '', row });
  }
  return verdicts;
}

function summarize(rows: Array<{ rule: string; kind: string; verdict: string }>): string {
  const perRuleTotals = new Map<string, Record<string, number>>();
  const add = (key: string, verdict: string): void => {
    const t = perRuleTotals.get(key) ?? { sampled: 0, true: 0, false: 0, noise: 0, unjudged: 0 };
    t.sampled!++;
    t[verdict || 'unjudged']!++;
    perRuleTotals.set(key, t);
  };
  for (const r of rows) {
    add(r.rule, r.verdict);
    add(`(all ${r.kind})`, r.verdict);
    add('(all)', r.verdict);
  }
  const pct = (part: number, whole: number): string => (whole ? `${((100 * part) / whole).toFixed(1)}%` : '-');
  const lines = ['| rule | sampled | true | false | noise | unjudged | false % | noise % |', '|---|---|---|---|---|---|---|---|'];
  const keys = [...perRuleTotals.keys()].sort((a, b) => Number(a.startsWith('(')) - Number(b.startsWith('(')) || a.localeCompare(b));
  for (const key of keys) {
    const t = perRuleTotals.get(key)!;
    const judged = t.sampled! - t.unjudged!;
    lines.push(`| ${key} | ${t.sampled} | ${t.true} | ${t.false} | ${t.noise} | ${t.unjudged} | ${pct(t.false!, judged)} | ${pct(t.noise!, judged)} |`);
  }
  return lines.join('\n');
}

if (summaryOnly) {
  if (!verdictsFile) throw new Error('--summary needs --verdicts FILE.tsv');
  const verdicts = readVerdicts(verdictsFile);
  console.log(summarize([...verdicts.values()].map((v) => ({ rule: v.row[1]!, kind: v.row[2]!, verdict: v.verdict }))));
  process.exit(0);
}

if (!statSync(cli, { throwIfNoEntry: false })) throw new Error(`${cli} is missing: run \`npm run build\` first`);
const roots = dirs.length ? dirs.map((d) => path.resolve(d)) : ['pg-migrations', 'queries/pg'].flatMap((d) => projects(path.join(corpus, d)));
const all: Finding[] = [];
for (const root of roots) {
  const found = lintProject(root);
  console.error(`${path.basename(root)}: ${found.length} findings`);
  all.push(...found);
}

const byRule = new Map<string, Finding[]>();
for (const f of all) byRule.set(f.rule, [...(byRule.get(f.rule) ?? []), f]);
const previous = verdictsFile ? readVerdicts(verdictsFile) : new Map<string, Verdict>();
const next = random(seed);
const sampled: Finding[] = [];
for (const rule of [...byRule.keys()].sort()) {
  const findings = byRule.get(rule)!;
  // Findings judged before stay in the sample, so a re-run after a fix shows what changed.
  const kept = findings.filter((f) => previous.has(f.id));
  const fresh = sample(findings.filter((f) => !previous.has(f.id)), Math.max(0, perRule - kept.length), next);
  sampled.push(...kept, ...fresh);
}
const ids = new Set(all.map((f) => f.id));
const gone = [...previous.entries()].filter(([id]) => !ids.has(id));

mkdirSync(outDir, { recursive: true });
const tsv = [TSV_HEADER.join('\t')];
const md = [
  '# False-positive review',
  '',
  `${all.length} findings in ${roots.length} projects; up to ${perRule} sampled per rule (seed ${seed}).`,
  'Judge each: `true` (act on it), `false` (wrong in this context), `noise` (true but not worth the time). Record it in review.tsv.',
  '',
];
for (const rule of [...byRule.keys()].sort()) {
  const findings = byRule.get(rule)!;
  const perProject = new Map<string, number>();
  for (const f of findings) perProject.set(f.project, (perProject.get(f.project) ?? 0) + 1);
  const chosen = sampled.filter((f) => f.rule === rule);
  md.push(`## ${rule}`, '', `${findings.length} findings (${[...perProject].map(([p, n]) => `${p} ${n}`).join(', ')}); ${chosen.length} sampled.`, '');
  for (const f of chosen) {
    const judged = previous.get(f.id);
    md.push(`### ${f.id} · ${f.project} ${f.file}:${f.line} · ${f.severity}${judged?.verdict ? ` · judged ${judged.verdict}` : ''}`, '', f.message, '', '```sql', f.excerpt, '```', '');
    tsv.push([f.id, f.rule, f.kind, f.project, `${f.file}:${f.line}`, judged?.verdict ?? '', judged?.reason ?? '', f.message].map(tsvCell).join('\t'));
  }
}
if (gone.length) {
  md.push('## Judged before, no longer reported', '');
  for (const [id, v] of gone) md.push(`- ${id} ${v.row[1]} ${v.row[3]} ${v.row[4]}: was ${v.verdict || 'unjudged'}${v.reason ? ` (${v.reason})` : ''}`);
}
writeFileSync(path.join(outDir, 'review.md'), `${md.join('\n')}\n`);
writeFileSync(path.join(outDir, 'review.tsv'), `${tsv.join('\n')}\n`);
console.log(`${sampled.length} findings sampled from ${all.length} into ${path.join(outDir, 'review.md')} and review.tsv${gone.length ? `; ${gone.length} judged findings are gone` : ''}`);
console.log(summarize(sampled.map((f) => ({ rule: f.rule, kind: f.kind, verdict: previous.get(f.id)?.verdict ?? '' }))));
