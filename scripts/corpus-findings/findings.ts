/**
 * The findings of the built CLI on the PostgreSQL parts of ../shared/corpus, in the compact form
 * stored in fixtures/corpus-findings/<part>.tsv: one line per finding, sorted, with hashes in place
 * of long texts. scripts/corpus-findings.ts regenerates the files; test/corpus-findings.test.ts
 * compares a fresh run with them (issue 13: engine rewrites must not change what is found).
 *
 * Each part is one CLI run from the part's directory, as a user would lint it, with flags that
 * leave nothing to a config file or the CLI's defaults.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The corpus parts the PostgreSQL engine lints. MySQL parts stay out until the CLI lints them as MySQL. */
export const PARTS = [
  { name: 'pg-migrations', dir: 'pg-migrations' },
  { name: 'pg-regress', dir: 'pg-regress' },
  { name: 'queries-pg', dir: 'queries/pg' },
] as const;

export type Part = (typeof PARTS)[number];

/** The columns of a finding's row; in the baseline file a row's file is the line above its findings. */
export const COLUMNS = ['file', 'range', 'rule', 'severity', 'text', 'fix', 'suggestions', 'occurrences'] as const;

/** The repository root: run-ts.mjs runs a bundle from node_modules/.cache, so walk up to the workspace root. */
function findRoot(): string {
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'sqlwarden-monorepo') return dir;
    if (path.dirname(dir) === dir) throw new Error('run this inside the sqlwarden repository');
  }
}

export const repoRoot = findRoot();
export const defaultCorpus = path.resolve(repoRoot, '..', 'shared', 'corpus');
export const fixturesDir = path.join(repoRoot, 'fixtures', 'corpus-findings');
const binary = path.join(repoRoot, 'packages', 'cli', 'dist', 'sqlwarden.mjs');

export function baselineFile(part: Part): string {
  return path.join(fixturesDir, `${part.name}.tsv`);
}

/** Why the corpus cannot give comparable findings, or undefined when it can. */
export function corpusProblem(corpus: string): string | undefined {
  const missing = PARTS.map((part) => path.join(corpus, part.dir)).filter((dir) => !existsSync(dir));
  if (missing.length) return `${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} absent`;
  // Above the corpus, a config file would change the rules and a package.json or repository
  // would become the project root the default migration globs are relative to.
  for (let dir = corpus; ; dir = path.dirname(dir)) {
    for (const name of ['sqlwarden.config.json', 'package.json', '.git']) {
      if (existsSync(path.join(dir, name))) return `${path.join(dir, name)} makes the corpus part of a project, so its findings would not match the baseline's`;
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

interface CliMessage {
  ruleId: string | null;
  severity: number;
  fatal?: boolean;
  message: string;
  detail?: string;
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
  fix?: unknown;
  fixDesc?: string;
  suggestions?: unknown[];
  occurrences?: unknown[];
}

interface CliFileResult {
  filePath: string;
  messages: CliMessage[];
  suppressedMessages: CliMessage[];
}

/** One finding as a baseline line, with the texts its hashes stand for (to show in a diff). */
export interface Finding {
  row: string;
  message?: string;
}

export interface PartFindings {
  /** `# key: value` lines: the command, the files linted and the exit code. */
  header: Record<string, string>;
  findings: Finding[];
}

/** Six hex digits: a change that keeps the hash has one chance in 16 million per finding. */
function shortHash(value: unknown): string {
  return createHash('sha256').update(typeof value === 'string' ? value : JSON.stringify(value)).digest('hex').slice(0, 6);
}

/** `line:column-endColumn` on one line, `line:column-endLine:endColumn` across lines, `line:column` without an end. */
function rangeOf(message: CliMessage): string {
  const start = `${message.line}:${message.column}`;
  if (message.endLine === undefined || message.endColumn === undefined) return start;
  return message.endLine === message.line ? `${start}-${message.endColumn}` : `${start}-${message.endLine}:${message.endColumn}`;
}

/** [line, column, endLine, endColumn] of a range written by `rangeOf`. */
function rangeNumbers(range: string): number[] {
  const [start = '', end] = range.split('-');
  const [line = 0, column = 0] = start.split(':').map(Number);
  if (end === undefined) return [line, column, line, column];
  const endParts = end.split(':').map(Number);
  return endParts.length === 1 ? [line, column, line, endParts[0]!] : [line, column, endParts[0]!, endParts[1]!];
}

function counted(list: unknown[] | undefined): string {
  return list?.length ? `${list.length}:${shortHash(list)}` : '-';
}

function severityOf(message: CliMessage, suppressed: boolean): string {
  const level = message.fatal ? 'fatal' : message.severity === 2 ? 'error' : message.severity === 1 ? 'warn' : String(message.severity);
  return suppressed ? `suppressed-${level}` : level;
}

function findingOf(file: string, message: CliMessage, suppressed: boolean): Finding {
  const fix = message.fix === undefined && message.fixDesc === undefined ? '-' : shortHash({ fix: message.fix, desc: message.fixDesc });
  const row = [
    file,
    rangeOf(message),
    message.ruleId ?? '-',
    severityOf(message, suppressed),
    shortHash(`${message.message}\n${message.detail ?? ''}`),
    fix,
    counted(message.suggestions),
    counted(message.occurrences),
  ].join('\t');
  return { row, message: message.message };
}

/** Baseline order: file, then position, then the rest of the line. */
export function compareRows(a: string, b: string): number {
  const x = a.split('\t');
  const y = b.split('\t');
  if (x[0] !== y[0]) return x[0]! < y[0]! ? -1 : 1;
  const p = rangeNumbers(x[1]!);
  const q = rangeNumbers(y[1]!);
  for (let i = 0; i < 4; i++) if (p[i] !== q[i]) return p[i]! - q[i]!;
  return a < b ? -1 : a > b ? 1 : 0;
}

function runNode(args: string[], cwd: string): Promise<{ status: number; stdout: string; stderr: string }> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && key !== 'DEBUG') env[key] = value;
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      args,
      // A guard that turns a hung run into a failure; a corpus part takes well under a minute of CPU.
      { cwd, env, encoding: 'utf8', maxBuffer: 1 << 29, timeout: 540_000 },
      (error, stdout, stderr) => {
        const status = typeof error?.code === 'number' ? error.code : error ? undefined : 0;
        if (status === undefined) reject(new Error(`${args.join(' ')} in ${cwd} did not finish: ${error!.message}\n${stderr}`));
        else resolve({ status, stdout, stderr });
      },
    );
  });
}

/** The CLI arguments of every run: JSON, no ignore files, a fixed PostgreSQL version, one thread, every rule on. */
export async function cliArgs(cwd: string): Promise<string[]> {
  const listed = await runNode([binary, 'rules', '--format', 'json'], cwd);
  if (listed.status !== 0) throw new Error(`sqlwarden rules --format json failed (exit ${listed.status}):\n${listed.stderr}`);
  const rules = (JSON.parse(listed.stdout) as { rules: Array<{ id: string; defaultSeverity: string }> }).rules;
  const offByDefault = rules.filter((rule) => rule.defaultSeverity === 'off').map((rule) => rule.id).sort();
  return ['--no-ignore', '-f', 'json', '--pg-version', '15', '--concurrency', 'off', ...offByDefault.flatMap((id) => ['--rule', `${id}:warn`]), '.'];
}

/** Lints one corpus part with the built CLI (build it first) and returns its findings in baseline form. */
export async function lintPart(part: Part, corpus: string): Promise<PartFindings> {
  const cwd = path.join(corpus, part.dir);
  const args = await cliArgs(cwd);
  const run = await runNode([binary, ...args], cwd);
  let results: CliFileResult[];
  try {
    results = JSON.parse(run.stdout) as CliFileResult[];
  } catch {
    throw new Error(`sqlwarden ${args.join(' ')} in ${cwd} printed no JSON report (exit ${run.status}):\n${run.stderr}`);
  }
  const files = results.map((result) => path.relative(cwd, result.filePath).split(path.sep).join('/')).sort();
  const findings = results.flatMap((result) => {
    const file = path.relative(cwd, result.filePath).split(path.sep).join('/');
    return [
      ...result.messages.map((message) => findingOf(file, message, false)),
      ...result.suppressedMessages.map((message) => findingOf(file, message, true)),
    ];
  });
  findings.sort((a, b) => compareRows(a.row, b.row));
  return {
    header: {
      command: `sqlwarden ${args.join(' ')}`,
      files: `${files.length} linted, list ${shortHash(files.join('\n'))}`,
      exit: String(run.status),
    },
    findings,
  };
}

/**
 * The baseline file: a header, then each file with findings on a line of its own followed by its
 * findings, one per line, indented by a tab (columns tab-separated). Only file lines start with a
 * letter, so the hunk headers of `git diff` name the file a changed finding belongs to.
 */
export function formatBaseline(part: Part, findings: PartFindings): string {
  const lines = [
    `# Findings of the built CLI on ../shared/corpus/${part.dir}, run from that directory. Do not edit:`,
    '# regenerate with `node scripts/run-ts.mjs scripts/corpus-findings.ts --update` (see DEVELOPERS.md).',
    '# Per file, one finding a line: line:column-[endLine:]endColumn, rule, severity, hash of message',
    '# and detail, hash of the fix, count:hash of the suggestions, count:hash of grouped occurrences.',
    ...Object.entries(findings.header).map(([key, value]) => `# ${key}: ${value}`),
  ];
  let file: string | undefined;
  for (const { row } of findings.findings) {
    const tab = row.indexOf('\t');
    if (row.slice(0, tab) !== file) lines.push((file = row.slice(0, tab)));
    lines.push(row.slice(tab));
  }
  return `${lines.join('\n')}\n`;
}

export function parseBaseline(text: string): PartFindings {
  const header: Record<string, string> = {};
  const findings: Finding[] = [];
  let file = '';
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const entry = /^# (command|files|exit): (.*)$/.exec(line);
    if (entry) header[entry[1]!] = entry[2]!;
    else if (line.startsWith('#')) continue;
    else if (line.startsWith('\t')) findings.push({ row: `${file}${line}` });
    else file = line;
  }
  return { header, findings };
}
