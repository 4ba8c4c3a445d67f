/**
 * The GitHub Action (action.yml) and the pre-commit hook (.pre-commit-hooks.yaml).
 *
 * The action's `run:` scripts are executed for real with bash, the way the runner executes a
 * composite action's steps: `${{ }}` expressions of `env:`, `if:` and `working-directory:` are
 * evaluated by a small evaluator below (it throws on any expression form it does not know, so
 * the action cannot silently use one the test does not model), GITHUB_OUTPUT is read back into
 * `steps.<id>.outputs`, and a failing step skips the rest. GITHUB_ACTION_PATH is this checkout,
 * whose CLI is already built, so the setup step finds it and installs nothing. The workspace is a
 * temporary git repository cloned shallowly from a temporary "origin", as actions/checkout does.
 * Only the upload step (github/codeql-action/upload-sarif, which needs GitHub) is not run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ensureBuilt } from './cli/helpers.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'packages/cli/bin/sqlwarden.mjs');

interface ActionInput {
  description?: string;
  required?: boolean;
  default?: string;
}
interface ActionStep {
  name?: string;
  id?: string;
  if?: string;
  shell?: string;
  run?: string;
  uses?: string;
  with?: Record<string, string>;
  env?: Record<string, string>;
  'working-directory'?: string;
}
interface Action {
  name: string;
  inputs: Record<string, ActionInput>;
  outputs?: Record<string, { value: string }>;
  runs: { using: string; steps: ActionStep[] };
}

const action = parse(readFileSync(path.join(root, 'action.yml'), 'utf8')) as Action;
const steps = action.runs.steps;

// ---------------------------------------------------------------------------------------------
// A GitHub Actions expression evaluator for the subset the action uses: string literals,
// context properties (inputs.x, github.x, steps.<id>.outputs.x, runner.x), ==, !=, !, &&, ||,
// parentheses and format(). Values are strings; '' is falsy; == compares case-insensitively,
// as GitHub does for strings.

interface Context {
  inputs: Record<string, string>;
  github: Record<string, string>;
  runner: Record<string, string>;
  steps: Record<string, Record<string, string>>;
}

function evaluate(source: string, context: Context): string {
  const tokens = source.match(/'(?:[^']|'')*'|==|!=|&&|\|\||[()!,]|[A-Za-z_][\w.-]*|\S/g) ?? [];
  let position = 0;
  const peek = () => tokens[position];
  const take = (expected?: string): string => {
    const token = tokens[position++];
    if (token === undefined || (expected !== undefined && token !== expected)) throw new Error(`expression ${JSON.stringify(source)}: expected ${expected ?? 'more'} at token ${position}`);
    return token;
  };
  const lookup = (name: string): string => {
    const parts = name.split('.');
    const [scope, ...rest] = parts;
    if (scope === 'inputs' && rest.length === 1) {
      if (!(rest[0]! in context.inputs)) throw new Error(`undeclared input ${rest[0]} in ${JSON.stringify(source)}`);
      return context.inputs[rest[0]!]!;
    }
    if ((scope === 'github' || scope === 'runner') && rest.length === 1) return context[scope][rest[0]!] ?? '';
    if (scope === 'steps' && rest.length === 3 && rest[1] === 'outputs') {
      if (!steps.some((s) => s.id === rest[0])) throw new Error(`unknown step id ${rest[0]} in ${JSON.stringify(source)}`);
      return context.steps[rest[0]!]?.[rest[2]!] ?? '';
    }
    throw new Error(`unsupported expression operand ${name} in ${JSON.stringify(source)}`);
  };
  const primary = (): string => {
    const token = take();
    if (token === '!') return primary() === '' ? 'true' : '';
    if (token === '(') {
      const value = or();
      take(')');
      return value;
    }
    if (token.startsWith("'")) return token.slice(1, -1).replaceAll("''", "'");
    if (token === 'format' && peek() === '(') {
      take('(');
      const args = [or()];
      while (peek() === ',') {
        take(',');
        args.push(or());
      }
      take(')');
      return args[0]!.replace(/\{(\d+)\}/g, (_, i: string) => args[Number(i) + 1] ?? '');
    }
    if (/^[A-Za-z_]/.test(token)) return lookup(token);
    throw new Error(`unsupported token ${token} in ${JSON.stringify(source)}`);
  };
  const comparison = (): string => {
    const left = primary();
    if (peek() === '==' || peek() === '!=') {
      const op = take();
      const equal = left.toLowerCase() === primary().toLowerCase();
      return (op === '==') === equal ? 'true' : '';
    }
    return left;
  };
  const and = (): string => {
    let value = comparison();
    while (peek() === '&&') {
      take();
      const right = comparison();
      value = value === '' ? value : right;
    }
    return value;
  };
  function or(): string {
    let value = and();
    while (peek() === '||') {
      take();
      const right = and();
      value = value !== '' ? value : right;
    }
    return value;
  }
  const value = or();
  if (position !== tokens.length) throw new Error(`expression ${JSON.stringify(source)}: unexpected ${tokens[position]}`);
  return value;
}

/** Substitutes every `${{ expr }}` of a template string. */
function interpolate(template: string, context: Context): string {
  return template.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, expr: string) => evaluate(expr.trim(), context));
}

/** Every `${{ }}` expression in a value, recursively (strings, arrays, objects). */
function expressionsIn(value: unknown): string[] {
  if (typeof value === 'string') return [...value.matchAll(/\$\{\{([\s\S]*?)\}\}/g)].map((m) => m[1]!.trim());
  if (Array.isArray(value)) return value.flatMap(expressionsIn);
  if (value && typeof value === 'object') return Object.values(value).flatMap(expressionsIn);
  return [];
}

// ---------------------------------------------------------------------------------------------
// Running the action's steps.

interface StepResult {
  step: ActionStep;
  skipped: boolean;
  status: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
}

interface RunOptions {
  inputs?: Record<string, string>;
  github?: Record<string, string>;
  workspace: string;
}

interface ActionRun {
  results: StepResult[];
  /** Combined stdout + stderr of every executed step. */
  log: string;
  /** The exit code of the first failing step (the job's view of the action), else 0. */
  status: number;
  outputs: Record<string, string>;
  step(id: string): StepResult | undefined;
}

const tempDirs: string[] = [];
function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `sqlwarden-action-${prefix}-`));
  tempDirs.push(dir);
  return dir;
}

function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const body: string[] = [];
      for (i++; i < lines.length && lines[i] !== heredoc[2]; i++) body.push(lines[i]!);
      outputs[heredoc[1]!] = body.join('\n');
    } else if (line.includes('=')) {
      outputs[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
  }
  return outputs;
}

function runAction(options: RunOptions): ActionRun {
  for (const name of Object.keys(options.inputs ?? {})) {
    if (!(name in action.inputs)) throw new Error(`test passes undeclared input ${name}`);
  }
  const runnerTemp = tempDir('runner-temp');
  const github: Record<string, string> = {
    action_path: root,
    workspace: options.workspace,
    event_name: 'push',
    base_ref: '',
    ...options.github,
  };
  const context: Context = { inputs: {}, github, runner: { temp: runnerTemp, os: 'Linux' }, steps: {} };
  for (const [name, input] of Object.entries(action.inputs)) {
    context.inputs[name] = options.inputs?.[name] ?? interpolate(String(input.default ?? ''), context);
  }
  const results: StepResult[] = [];
  let failed = 0;
  for (const [index, step] of steps.entries()) {
    const condition = step.if === undefined ? 'true' : evaluate(step.if.replace(/^\s*\$\{\{([\s\S]*)\}\}\s*$/, '$1').trim(), context);
    if (failed !== 0 || condition === '' || step.uses !== undefined) {
      results.push({ step, skipped: true, status: 0, stdout: '', stderr: '', outputs: {} });
      continue;
    }
    expect(step.shell, `step ${step.name}`).toBe('bash');
    const outputFile = path.join(runnerTemp, `output-${index}`);
    writeFileSync(outputFile, '');
    const scriptFile = path.join(runnerTemp, `step-${index}.sh`);
    writeFileSync(scriptFile, step.run!);
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? runnerTemp,
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_ACTION_PATH: root,
      GITHUB_WORKSPACE: options.workspace,
      GITHUB_EVENT_NAME: github.event_name!,
      GITHUB_BASE_REF: github.base_ref!,
      GITHUB_OUTPUT: outputFile,
      GITHUB_ENV: path.join(runnerTemp, 'env'),
      GITHUB_STEP_SUMMARY: path.join(runnerTemp, 'summary'),
      RUNNER_TEMP: runnerTemp,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
    };
    for (const [name, value] of Object.entries(step.env ?? {})) env[name] = interpolate(String(value), context);
    const cwd = path.resolve(options.workspace, interpolate(step['working-directory'] ?? '.', context));
    // `shell: bash` runs `bash --noprofile --norc -eo pipefail {0}`.
    const run = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', scriptFile], { cwd, env, encoding: 'utf8', timeout: 120_000 });
    const outputs = parseOutputFile(readFileSync(outputFile, 'utf8'));
    if (step.id) context.steps[step.id] = outputs;
    const status = run.status ?? 128;
    results.push({ step, skipped: false, status, stdout: run.stdout, stderr: run.stderr, outputs });
    if (status !== 0) failed = status;
  }
  const outputs: Record<string, string> = {};
  for (const [name, output] of Object.entries(action.outputs ?? {})) outputs[name] = interpolate(output.value, context);
  return {
    results,
    log: results.map((r) => r.stdout + r.stderr).join(''),
    status: failed,
    outputs,
    step: (id) => results.find((r) => r.step.id === id),
  };
}

// ---------------------------------------------------------------------------------------------
// Fixture repositories.

const gitEnv = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' };
function git(cwd: string, ...args: string[]): string {
  const run = spawnSync('git', args, { cwd, env: gitEnv, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${run.stderr}`);
  return run.stdout.trim();
}
function commit(repo: string, files: Record<string, string>, message: string): void {
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
    writeFileSync(path.join(repo, file), text);
  }
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', message);
}

const CREATE_USERS = 'CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text);\n';
/** require-where (error), already on main before the pull request. */
const BACKFILL = 'UPDATE users SET email = lower(email);\n';
/** no-blocking-index-build (error) and require-lock-timeout (warning): what the pull request adds. */
const INDEX = 'CREATE INDEX users_email_idx ON users (email);\n';
/** require-lock-timeout and no-char-type: warnings only. */
const CHAR_COLUMN = "SET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN code char(2);\n";

/**
 * An "origin" with main (two migrations, one with an error) and a pull request branch `feature`
 * (three commits, adding a migration with an error) branched before main moved on; and the
 * workspace: a depth-1 single-branch clone of `feature`, as actions/checkout makes.
 */
function pullRequestWorkspace(extraFeatureCommits = 0): { origin: string; workspace: string } {
  const origin = tempDir('origin');
  git(origin, 'init', '-q', '-b', 'main');
  commit(origin, { 'db/migrations/001_create_users.sql': CREATE_USERS }, 'create users');
  commit(origin, { 'db/migrations/002_backfill.sql': BACKFILL }, 'backfill');
  git(origin, 'checkout', '-q', '-b', 'feature');
  commit(origin, { 'README.md': 'feature\n' }, 'feature 1');
  commit(origin, { 'db/migrations/003_index.sql': INDEX }, 'feature 2: index');
  commit(origin, { 'README.md': 'feature, more\n' }, 'feature 3');
  for (let i = 0; i < extraFeatureCommits; i++) commit(origin, { 'README.md': `feature ${4 + i}\n` }, `feature ${4 + i}`);
  git(origin, 'checkout', '-q', '--orphan', 'unrelated');
  git(origin, 'rm', '-q', '-r', '-f', '.');
  commit(origin, { 'other.txt': 'no common history\n' }, 'unrelated root');
  git(origin, 'checkout', '-q', 'main');
  commit(origin, { 'docs.txt': 'main moved on\n' }, 'main moves on');
  const workspace = path.join(tempDir('workspace'), 'repo');
  git(path.dirname(workspace), 'clone', '-q', '--depth', '1', '--branch', 'feature', `file://${origin}`, workspace);
  return { origin, workspace };
}

function plainWorkspace(files: Record<string, string>): string {
  const workspace = tempDir('plain');
  git(workspace, 'init', '-q', '-b', 'main');
  commit(workspace, files, 'migrations');
  return workspace;
}

const annotations = (log: string, level: 'error' | 'warning') =>
  log.split('\n').filter((line) => line.startsWith(`::${level} `) && /[ ,]file=/.test(line));
const annotatedFiles = (log: string, level: 'error' | 'warning') =>
  [...new Set(annotations(log, level).map((line) => /file=([^,:]*)/.exec(line)?.[1] ?? '?').map((f) => path.basename(f)))].sort();

// ---------------------------------------------------------------------------------------------

beforeAll(() => {
  ensureBuilt();
  // The setup step must find this checkout built; it would otherwise run `npm ci` here.
  if (!existsSync(path.join(root, 'packages/cli/dist/sqlwarden.mjs')) || !existsSync(path.join(root, 'node_modules'))) {
    throw new Error('the CLI must be built in this checkout before the action test runs');
  }
}, 180_000);
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

describe('action.yml: structure', () => {
  it('is a composite action whose run steps all use bash', () => {
    expect(action.runs.using).toBe('composite');
    for (const step of steps) {
      if (step.run !== undefined) expect(step.shell, step.name).toBe('bash');
      else expect(step.uses, step.name).toBeDefined();
    }
  });

  it('declares every input the steps and outputs use, and uses every input it declares', () => {
    const used = new Set<string>();
    // `if:` is an expression with or without `${{ }}`.
    const expressions = [...expressionsIn({ steps, outputs: action.outputs }), ...steps.flatMap((s) => (s.if === undefined ? [] : [s.if]))];
    for (const expr of expressions) {
      for (const match of expr.matchAll(/\binputs\.([\w-]+)/g)) used.add(match[1]!);
    }
    const declared = Object.keys(action.inputs);
    expect([...used].filter((name) => !declared.includes(name)), 'used but not declared').toEqual([]);
    expect(declared.filter((name) => !used.has(name)), 'declared but never used').toEqual([]);
  });

  it('has the inputs the docs describe, with their defaults', () => {
    const defaults = Object.fromEntries(Object.entries(action.inputs).map(([name, input]) => [name, input.default ?? '']));
    expect(defaults).toMatchObject({ paths: '.', config: '', format: 'github', 'fail-level': 'error', 'max-warnings': '', 'upload-sarif': 'false', version: '', 'working-directory': '.' });
    expect(defaults['sarif-file']).toMatch(/\.sarif$/);
    const changedSince = (github: Record<string, string>) =>
      evaluate(action.inputs['changed-since']!.default!.replace(/^\$\{\{([\s\S]*)\}\}$/, '$1').trim(), { inputs: {}, github, runner: {}, steps: {} });
    // GitHub sets github.base_ref only on pull_request and pull_request_target events.
    expect(changedSince({ event_name: 'pull_request', base_ref: 'main' })).toBe('origin/main');
    expect(changedSince({ event_name: 'pull_request_target', base_ref: 'release/2.x' })).toBe('origin/release/2.x');
    expect(changedSince({ event_name: 'push', base_ref: '' })).toBe('');
  });

  it('passes nothing into run scripts by expression (script injection): only through env', () => {
    for (const step of steps) {
      if (step.run === undefined) continue;
      expect(step.run, step.name).not.toContain('${{ inputs.');
      // Stricter: no expression at all is expanded into a script.
      expect(step.run, step.name).not.toMatch(/\$\{\{/);
    }
  });

  it('only references step outputs of earlier steps', () => {
    for (const [index, step] of steps.entries()) {
      for (const expr of expressionsIn(step)) {
        for (const match of expr.matchAll(/\bsteps\.([\w-]+)\.outputs/g)) {
          const producer = steps.findIndex((s) => s.id === match[1]);
          expect(producer, `${step.name} uses steps.${match[1]}`).toBeGreaterThanOrEqual(0);
          expect(producer, `${step.name} uses steps.${match[1]}`).toBeLessThan(index);
        }
      }
    }
  });

  it('uploads SARIF with github/codeql-action/upload-sarif@v3 only when upload-sarif is true', () => {
    const uses = steps.filter((s) => s.uses !== undefined);
    expect(uses.map((s) => s.uses)).toEqual(['github/codeql-action/upload-sarif@v3']);
    const upload = uses[0]!;
    expect(upload.with?.sarif_file).toBe('${{ steps.sarif.outputs.file }}');
    // SARIF paths are relative to the repository root, where sqlwarden runs.
    expect(upload.with?.checkout_path).toBe('${{ steps.prepare.outputs.root }}');
    expect(steps.find((s) => s.id === 'sarif')!['working-directory']).toBe('${{ steps.prepare.outputs.root }}');
    const context = (value: string): Context => ({ inputs: { 'upload-sarif': value }, github: {}, runner: {}, steps: {} });
    expect(evaluate(upload.if!, context('false'))).toBe('');
    expect(evaluate(upload.if!, context(''))).toBe('');
    expect(evaluate(upload.if!, context('true'))).toBe('true');
    const sarif = steps.find((s) => s.id === 'sarif')!;
    expect(sarif.if).toBe(upload.if);
  });

  /** Flags in `args+=(...)` lines of the run scripts, and literal `-f` values. */
  function flagsPassed(): { flags: string[]; formats: string[] } {
    const flags = new Set<string>();
    const formats = new Set<string>([action.inputs.format!.default!]);
    for (const step of steps) {
      for (const match of (step.run ?? '').matchAll(/args\+=\(([^)]*)\)/g)) {
        const words = match[1]!.trim().split(/\s+/);
        words.forEach((word, i) => {
          if (/^-{1,2}[a-z]/.test(word)) flags.add(word);
          if (word === '-f' && /^[a-z]/.test(words[i + 1] ?? '')) formats.add(words[i + 1]!);
        });
      }
    }
    return { flags: [...flags].sort(), formats: [...formats].sort() };
  }

  it('runs the CLI only with flags that `sqlwarden --help` lists', () => {
    // Every flag goes through `args+=(...)`: the CLI invocations themselves add none.
    const invocations = steps.flatMap((s) => (s.run ?? '').split('\n').filter((line) => line.includes('$SQLWARDEN_CLI')));
    expect(invocations.map((line) => line.trim())).toEqual(Array(2).fill('node "$SQLWARDEN_CLI" "${args[@]}" -- "${paths[@]}" || status=$?'));
    const { flags } = flagsPassed();
    expect(flags).toEqual(['--baseline', '--changed-lines', '--changed-since', '--max-warnings', '-c', '-f', '-o']);
    const help = spawnSync(process.execPath, [cli, '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    const listed = new Set<string>();
    for (const match of help.stdout.matchAll(/^ {2}(-\w)?(?:, )?(--[\w-]+)?/gm)) {
      if (match[1]) listed.add(match[1]);
      if (match[2]) listed.add(match[2]);
    }
    expect(flags.filter((flag) => !listed.has(flag)), 'flags the action passes that --help does not list').toEqual([]);
  });

  it('uses formats the CLI accepts', () => {
    const { formats } = flagsPassed();
    expect(formats).toEqual(['github', 'sarif']);
    const dir = tempDir('formats');
    writeFileSync(path.join(dir, 'a.sql'), 'SELECT 1;\n');
    const rejected = formats.filter((format) => {
      const run = spawnSync(process.execPath, [cli, '-f', format, 'a.sql'], { cwd: dir, encoding: 'utf8' });
      return run.status !== 0;
    });
    expect(rejected, 'formats the CLI rejects').toEqual([]);
  });
});

describe('action.yml: running the steps', { timeout: 300_000 }, () => {
  it('on a pull request: fetches the base into a depth-1 clone, deepens to the merge base, annotates only the changed migration, fails', () => {
    const { workspace } = pullRequestWorkspace();
    expect(git(workspace, 'rev-parse', '--is-shallow-repository')).toBe('true');
    const run = runAction({
      workspace,
      github: { event_name: 'pull_request', base_ref: 'main' },
      // One commit per round: the merge base is 3 commits below HEAD, so this takes several rounds.
      inputs: { 'fetch-depth': '1' },
    });
    const base = run.step('prepare')!;
    expect(base.status, base.stdout + base.stderr).toBe(0);
    expect(base.outputs['changed-since']).toBe('origin/main');
    expect(git(workspace, 'merge-base', 'origin/main', 'HEAD')).toBe(git(workspace, 'rev-parse', 'HEAD~3'));
    expect(base.stdout).toContain('Deepening the clone by 1 commits');

    const lint = run.step('lint')!;
    expect(lint.skipped).toBe(false);
    expect(run.status, run.log).toBe(1);
    expect(run.outputs['exit-code']).toBe('1');
    expect(annotatedFiles(lint.stdout, 'error')).toEqual(['003_index.sql']);
    expect(annotations(lint.stdout, 'error').join('\n')).toMatch(/no-blocking-index-build/);
    expect(annotations(lint.stdout, 'warning').join('\n')).toMatch(/require-lock-timeout/);
  });

  it('finds the base without fetching when the clone has full history (fetch-depth: 0)', () => {
    const { origin } = pullRequestWorkspace();
    const workspace = path.join(tempDir('full'), 'repo');
    git(path.dirname(workspace), 'clone', '-q', '--branch', 'feature', `file://${origin}`, workspace);
    const run = runAction({ workspace, github: { event_name: 'pull_request', base_ref: 'main' } });
    const base = run.step('prepare')!;
    expect(base.status, base.stdout + base.stderr).toBe(0);
    expect(base.stdout).not.toContain('Fetching');
    expect(base.stdout).not.toContain('Deepening');
    expect(base.outputs['changed-since']).toBe('origin/main');
  });

  it('gives up with a clear error when the merge base is beyond 4 rounds of fetch-depth, or does not exist', () => {
    // The merge base is 9 commits below HEAD: 4 rounds of 1 commit do not reach it.
    const far = pullRequestWorkspace(6).workspace;
    const run = runAction({ workspace: far, github: { event_name: 'pull_request', base_ref: 'main' }, inputs: { 'fetch-depth': '1' } });
    const base = run.step('prepare')!;
    expect(base.status).toBe(2);
    expect(base.stdout).toMatch(/^::error title=sqlwarden::no common ancestor of origin\/main and HEAD within 4 more commits .*'fetch-depth: 0'/m);
    expect(run.step('lint')!.skipped).toBe(true);
    expect(run.status).toBe(2);

    const { workspace } = pullRequestWorkspace();
    const unrelated = runAction({ workspace, inputs: { 'changed-since': 'origin/unrelated', 'fetch-depth': '10' } });
    expect(unrelated.step('prepare')!.stdout).toContain('::error title=sqlwarden::origin/unrelated and HEAD have no common ancestor');
    expect(unrelated.status).toBe(2);

    const missing = runAction({ workspace, inputs: { 'changed-since': 'origin/no-such-branch' } });
    expect(missing.step('prepare')!.stdout).toContain("::error title=sqlwarden::could not fetch changed-since ref 'origin/no-such-branch'");
    expect(missing.status).toBe(2);
  });

  it('on a push: lints every file', () => {
    const { workspace } = pullRequestWorkspace();
    const run = runAction({ workspace, github: { event_name: 'push', base_ref: '' } });
    expect(run.step('prepare')!.outputs['changed-since']).toBe('');
    expect(run.status, run.log).toBe(1);
    expect(annotatedFiles(run.step('lint')!.stdout, 'error')).toEqual(['002_backfill.sql', '003_index.sql']);
  });

  it('passes on warnings by default, fails on them with fail-level warning or max-warnings 0, never fails on findings with fail-level none', () => {
    const warnOnly = plainWorkspace({ 'db/migrations/001_create_users.sql': CREATE_USERS, 'db/migrations/002_code.sql': CHAR_COLUMN });
    const byDefault = runAction({ workspace: warnOnly });
    expect(byDefault.status, byDefault.log).toBe(0);
    expect(annotatedFiles(byDefault.step('lint')!.stdout, 'warning')).toEqual(['002_code.sql']);
    expect(annotations(byDefault.step('lint')!.stdout, 'error')).toEqual([]);

    expect(runAction({ workspace: warnOnly, inputs: { 'fail-level': 'warning' } }).status).toBe(1);
    expect(runAction({ workspace: warnOnly, inputs: { 'max-warnings': '0' } }).status).toBe(1);
    expect(runAction({ workspace: warnOnly, inputs: { 'max-warnings': '5' } }).status).toBe(0);

    const withError = plainWorkspace({ 'db/migrations/001_create_users.sql': CREATE_USERS, 'db/migrations/002_backfill.sql': BACKFILL });
    const none = runAction({ workspace: withError, inputs: { 'fail-level': 'none' } });
    expect(none.status, none.log).toBe(0);
    expect(none.outputs['exit-code']).toBe('1');
    expect(annotatedFiles(none.step('lint')!.stdout, 'error')).toEqual(['002_backfill.sql']);
  });

  it('honours paths, config and working-directory, and annotates with repository-relative paths', () => {
    const workspace = plainWorkspace({
      'backend/db/migrations/001_create_users.sql': CREATE_USERS,
      'backend/db/migrations/002_backfill.sql': BACKFILL,
      'backend/db/seeds/seed.sql': BACKFILL,
      'backend/db/other/ignored.sql': BACKFILL,
      'backend/lint/sqlwarden.json': JSON.stringify({ rules: { 'require-where': 'off' } }),
    });
    const all = runAction({ workspace, inputs: { 'working-directory': 'backend', paths: 'db/migrations\n db/seeds/*.sql ' } });
    expect(all.step('prepare')!.outputs).toMatchObject({ root: workspace, paths: 'backend/db/migrations\nbackend/db/seeds/*.sql' });
    expect(all.status, all.log).toBe(1);
    const files = annotations(all.step('lint')!.stdout, 'error').map((line) => /file=([^,]*)/.exec(line)![1]);
    expect([...new Set(files)].sort()).toEqual(['backend/db/migrations/002_backfill.sql', 'backend/db/seeds/seed.sql']);
    const configured = runAction({ workspace, inputs: { 'working-directory': 'backend', paths: 'db', config: 'lint/sqlwarden.json' } });
    expect(configured.step('prepare')!.outputs.config).toBe(path.join(workspace, 'backend/lint/sqlwarden.json'));
    expect(configured.status, configured.log).toBe(0);
  });

  it('writes the SARIF report for the upload step when upload-sarif is true', () => {
    const { workspace } = pullRequestWorkspace();
    const run = runAction({ workspace, github: { event_name: 'pull_request', base_ref: 'main' }, inputs: { 'upload-sarif': 'true', 'sarif-file': 'reports/sqlwarden.sarif' } });
    const sarif = run.step('sarif')!;
    expect(sarif.skipped).toBe(false);
    expect(sarif.status, sarif.stdout + sarif.stderr).toBe(0);
    const file = path.join(workspace, 'reports/sqlwarden.sarif');
    expect(sarif.outputs.file).toBe(file);
    expect(run.outputs['sarif-file']).toBe(file);
    type Result = { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] };
    const report = JSON.parse(readFileSync(file, 'utf8')) as { version: string; runs: { results: Result[] }[] };
    expect(report.version).toBe('2.1.0');
    // Paths relative to the repository root, as code scanning needs them.
    const uris = new Set(report.runs.flatMap((r) => r.results.map((result) => result.locations[0]!.physicalLocation.artifactLocation.uri)));
    expect([...uris].sort()).toEqual(['db/migrations/002_backfill.sql', 'db/migrations/003_index.sql']);
    // Every file, not only the changed one.
    const rules = report.runs.flatMap((r) => r.results.map((result) => result.ruleId));
    expect(rules).toEqual(expect.arrayContaining(['require-where', 'no-blocking-index-build']));
    expect(run.results.find((r) => r.step.uses !== undefined)!.skipped).toBe(true);
    expect(run.status).toBe(1);
  });

  it('does not run shell syntax found in inputs, nor let them start workflow commands', () => {
    const workspace = plainWorkspace({ 'db/migrations/001_create_users.sql': CREATE_USERS });
    // Relative: every step runs in the workspace (or the repository root, the same here).
    const marker = 'PWNED';
    const injected = '\n::notice::INJECTED';
    const hostile: [string, string][] = [
      ['paths', `db $(touch ${marker}) \`touch ${marker}\``],
      ['config', `x.json; touch ${marker}`],
      ['changed-since', `HEAD; touch ${marker}`],
      ['format', `github"; touch ${marker}; "`],
      ['fail-level', `error; touch ${marker}`],
      ['max-warnings', `0; touch ${marker}`],
      ['baseline', `$(touch ${marker})`],
      ['sarif-file', `$(touch ${marker}).sarif`],
      ['version', `$(touch ${marker})`],
      ...(['paths', 'config', 'changed-since', 'format', 'fail-level', 'max-warnings', 'baseline', 'sarif-file', 'version', 'fetch-depth'].map((name) => [name, `x${injected}`]) as [string, string][]),
    ];
    for (const [name, value] of hostile) {
      const inputs: Record<string, string> = { [name]: value };
      if (name === 'sarif-file') inputs['upload-sarif'] = 'true';
      const run = runAction({ workspace, inputs });
      expect(existsSync(path.join(workspace, marker)), name).toBe(false);
      expect(run.log.split('\n').filter((line) => line.startsWith('::notice::')), `${name}: ${run.log}`).toEqual([]);
      if (name === 'sarif-file' && !value.includes('\n')) {
        // A strange but harmless file name: the report is written under exactly that name.
        expect(run.status, run.log).toBe(0);
        expect(existsSync(path.join(workspace, value))).toBe(true);
      } else {
        expect(run.status, `${name}: ${run.log}`).not.toBe(0);
      }
    }
  });

  it('refuses a version other than the checkout\'s, and explains why', () => {
    const workspace = plainWorkspace({ 'db/migrations/001_create_users.sql': CREATE_USERS });
    const version = JSON.parse(readFileSync(path.join(root, 'packages/cli/package.json'), 'utf8')).version as string;
    const wrong = runAction({ workspace, inputs: { version: '99.0.0' } });
    expect(wrong.step('setup')!.status).toBe(2);
    expect(wrong.step('setup')!.stdout).toContain(`this action's checkout contains sqlwarden ${version}`);
    const right = runAction({ workspace, inputs: { version: `v${version}`, format: 'json' } });
    expect(right.step('setup')!.status).toBe(0);
    expect(right.step('setup')!.stdout).toContain('already built');
    expect(right.step('setup')!.outputs.cli).toBe(cli);
  });
});

describe('.pre-commit-hooks.yaml', { timeout: 120_000 }, () => {
  interface Hook {
    id: string;
    name: string;
    entry: string;
    language: string;
    files: string;
    pass_filenames?: boolean;
    require_serial?: boolean;
  }
  const hooks = parse(readFileSync(path.join(root, '.pre-commit-hooks.yaml'), 'utf8')) as Hook[];
  const hook = (id: string) => hooks.find((h) => h.id === id)!;

  /** What pre-commit runs: `entry` split on spaces, then the file names unless pass_filenames is false. */
  function runHook(h: Hook, cwd: string, files: string[]) {
    const [command, ...args] = h.entry.split(' ');
    return spawnSync(command!, [...args, ...(h.pass_filenames === false ? [] : files)], { cwd, encoding: 'utf8', env: { ...process.env, ...gitEnv, PRE_COMMIT: '1' } });
  }

  it('declares the sqlwarden hooks for .sql files, run in one process', () => {
    expect(hooks.map((h) => h.id)).toEqual(['sqlwarden', 'sqlwarden-changed']);
    for (const h of hooks) {
      expect(['node', 'system']).toContain(h.language);
      expect(h.files).toBe('\\.sql$');
      const files = new RegExp(h.files);
      expect(['db/migrations/001_x.sql', 'a.sql'].every((f) => files.test(f))).toBe(true);
      expect(['a.sqlx', 'sql.md', 'a.sql.conf'].some((f) => files.test(f))).toBe(false);
      expect(h.require_serial).toBe(true);
    }
  });

  it('sqlwarden: runs the project\'s sqlwarden on the files pre-commit passes', () => {
    // pre-commit runs the entry from the repository root; this checkout has the bin linked.
    const dir = tempDir('pre-commit');
    writeFileSync(path.join(dir, 'bad.sql'), BACKFILL);
    writeFileSync(path.join(dir, 'good.sql'), 'SELECT 1;\n');
    const bad = runHook(hook('sqlwarden'), root, [path.join(dir, 'good.sql'), path.join(dir, 'bad.sql')]);
    expect(bad.status, bad.stderr).toBe(1);
    expect(bad.stdout).toContain('require-where');
    const good = runHook(hook('sqlwarden'), root, [path.join(dir, 'good.sql')]);
    expect(good.status, good.stderr).toBe(0);
  });

  it('sqlwarden-changed: lints the whole project and reports only what the commit adds', () => {
    // A project with sqlwarden installed (node_modules/.bin) and a committed migration with an error.
    const project = plainWorkspace({ '.gitignore': 'node_modules/\n', 'db/migrations/001_create_users.sql': CREATE_USERS, 'db/migrations/002_backfill.sql': BACKFILL });
    mkdirSync(path.join(project, 'node_modules/.bin'), { recursive: true });
    symlinkSync(cli, path.join(project, 'node_modules/.bin/sqlwarden'));
    const clean = runHook(hook('sqlwarden-changed'), project, []);
    expect(clean.status, clean.stdout + clean.stderr).toBe(0);
    writeFileSync(path.join(project, 'db/migrations/003_index.sql'), INDEX);
    git(project, 'add', 'db/migrations/003_index.sql');
    const staged = runHook(hook('sqlwarden-changed'), project, ['db/migrations/003_index.sql']);
    expect(staged.status, staged.stderr).toBe(1);
    expect(staged.stdout).toContain('003_index.sql');
    expect(staged.stdout).toContain('no-blocking-index-build');
    expect(staged.stdout).not.toContain('002_backfill.sql');
  });
});
