// Neovim 0.7 (Debian bookworm's `neovim`) as a real LSP client of the built language server.
// The Lua driver (test/editors/neovim/driver.lua) runs one scripted session in headless Neovim and
// prints one JSON report; this file asserts on it. What is covered, all through Neovim's own
// client code: pushed diagnostics (0.7 cannot pull), code actions chosen with vim.lsp.buf.code_action
// and applied by Neovim, re-published diagnostics after each edit, and hover.
//
// Needs `nvim` 0.7 to 0.9 (run with Debian's 0.7.2; from 0.10 Neovim advertises pull diagnostics
// and the server stops pushing) and `npm run build`. Outside CI a missing or unsuitable nvim skips
// with a printed reason; with CI=true it fails. A missing server bundle always fails.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Linter } from '@sqlwarden/core';
import { builtinRules } from '@sqlwarden/rules';
import { fixTitle } from '../../packages/language-server/src/actions.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SERVER = path.join(ROOT, 'packages/language-server/dist/server.mjs');
const DRIVER = path.join(ROOT, 'test/editors/neovim/driver.lua');
const FIXTURE = path.join(ROOT, 'fixtures/neovim');
const FILE = 'migrations/0001_add_index.sql';
const RUN_TIMEOUT_MS = 150_000; // hang guard for the whole nvim session, not a timing check

const IN_CI = !!process.env.CI && !['0', 'false'].includes(process.env.CI.toLowerCase());

/** Which nvim is on PATH, or why it cannot run this test. */
function probeNvim(): { version: string; problem?: string } | { version?: undefined; problem: string } {
  const probe = spawnSync('nvim', ['--version'], { encoding: 'utf8', timeout: 30_000 });
  if (probe.error) return { problem: `nvim is not available (${(probe.error as NodeJS.ErrnoException).code ?? probe.error.message}); install Debian's neovim (apt-get install -y neovim)` };
  const match = /NVIM v(\d+)\.(\d+)\.(\d+)/.exec(probe.stdout ?? '');
  if (!match) return { problem: `cannot read the version from nvim --version: ${JSON.stringify((probe.stdout ?? '').slice(0, 200))}` };
  const [major, minor] = [Number(match[1]), Number(match[2])];
  const version = `${match[1]}.${match[2]}.${match[3]}`;
  if (major !== 0 || minor < 7 || minor >= 10) {
    return { version, problem: `nvim ${version} is not 0.7-0.9: the driver targets Neovim 0.7's API, and from 0.10 Neovim advertises pull diagnostics, so the push path is not what it exercises` };
  }
  return { version };
}

const nvim = probeNvim();
const skipReason = !IN_CI && nvim.problem ? nvim.problem : undefined;
if (skipReason) console.warn(`[neovim e2e] skipped: ${skipReason}. With CI=true this test fails instead.`);

// --- the driver's report (test/editors/neovim/driver.lua) ---
interface Position {
  line: number;
  character: number;
}
interface LspDiagnostic {
  range: { start: Position; end: Position };
  severity?: number;
  code?: string;
  source?: string;
  message: string;
  codeDescription?: { href: string };
  data?: { ruleId?: string; fix?: unknown };
}
interface BufferDiagnostic {
  lnum: number;
  col: number;
  end_lnum: number;
  end_col: number;
  severity: number;
  source: string;
  code: string;
  message: string;
  href: string | null;
  has_data: boolean;
}
interface Hover {
  position: Position;
  result: { contents: { kind: string; value: string } } | null;
  rendered: string[];
}
interface Step {
  code: string;
  title: string;
  applied: boolean;
  cursor: [number, number];
  offered: { title: string; kind: string | null; isPreferred: boolean }[];
  action?: { title: string; kind: string; isPreferred?: boolean; edit?: unknown };
  request?: { range: { start: Position; end: Position }; context: { diagnostics: LspDiagnostic[] } };
  lines: string[];
  version: number | null;
  published: LspDiagnostic[];
  buffer: BufferDiagnostic[];
  hover: Hover | null;
}
interface Report {
  nvim: string;
  uri: string;
  errors: string[];
  client_advertises_pull_diagnostics: boolean;
  server_capabilities: Record<string, unknown>;
  offset_encoding: string;
  sent: { seq: number; kind: 'request' | 'notification'; method: string; uri?: string; version?: number; incremental?: boolean }[];
  publishes: { seq: number; uri: string; version?: number; diagnostics: LspDiagnostic[] }[];
  server_messages: { kind: string; type: number; message: string }[];
  notifications: { message: string; level?: number }[];
  initial: { version: number | null; published: LspDiagnostic[]; buffer: BufferDiagnostic[] };
  hover: Hover | null;
  steps: Step[];
  server_exit: { code: number; signal: number } | null;
}

const DISABLE_LINE = 'Disable require-lock-timeout for this line';
/**
 * The title the server gives the CONCURRENTLY quick fix: the rule's fix title, or "Fix: <headline>"
 * while the rule gives none (actions.ts's fixTitle on the finding the engine reports for the file).
 */
const FIX = await (async () => {
  const file = path.join(FIXTURE, FILE);
  const { messages } = await new Linter({ cwd: FIXTURE, rules: builtinRules }).lintText(readFileSync(file, 'utf8'), { filePath: file });
  const finding = messages.find((m) => m.ruleId === 'no-blocking-index-build');
  if (!finding?.fix) throw new Error(`${FILE} has no fixable no-blocking-index-build finding`);
  return fixTitle(finding.fix, finding.message);
})();
// Disable first, then fix: the fix then has to find its diagnostic (and its fix offsets) on the
// line the comment pushed down, which only works if Neovim kept the re-published data.
const STEPS = [
  { code: 'require-lock-timeout', title: DISABLE_LINE },
  { code: 'no-blocking-index-build', title: FIX, hover: '1:30' },
];

const range = (l1: number, c1: number, l2: number, c2: number) => ({ start: { line: l1, character: c1 }, end: { line: l2, character: c2 } });
/** The fields asserted exactly, in a stable order. */
const shape = (ds: LspDiagnostic[]) =>
  ds.map((d) => ({ code: d.code, source: d.source, severity: d.severity, range: d.range })).sort((a, b) => String(a.code).localeCompare(String(b.code)));
const bufferShape = (ds: BufferDiagnostic[]) =>
  ds.map(({ lnum, col, end_lnum, end_col, severity, source, code }) => ({ lnum, col, end_lnum, end_col, severity, source, code }));

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

function runNvim(workspace: string, home: string): Promise<Run> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    SQLWARDEN_NVIM_SERVER: JSON.stringify([process.execPath, SERVER, '--stdio']),
    SQLWARDEN_NVIM_FILE: path.join(workspace, FILE),
    SQLWARDEN_NVIM_ROOT: workspace,
    SQLWARDEN_NVIM_HOVER: '0:20',
    SQLWARDEN_NVIM_STEPS: JSON.stringify(STEPS),
    // Keep Neovim away from the user's config, data and logs; lsp.log lands in XDG_CACHE_HOME.
    XDG_CONFIG_HOME: path.join(home, 'config'),
    XDG_DATA_HOME: path.join(home, 'data'),
    XDG_STATE_HOME: path.join(home, 'state'),
    XDG_CACHE_HOME: path.join(home, 'cache'),
    NVIM_LOG_FILE: path.join(home, 'nvim.log'),
  };
  delete env.NVIM;
  delete env.NVIM_LISTEN_ADDRESS;
  delete env.VIMINIT;
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn('nvim', ['--headless', '-u', 'NONE', '-i', 'NONE', '-n', '-c', `luafile ${DRIVER}`], {
      cwd: workspace,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, RUN_TIMEOUT_MS);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
  });
}

function lspLogTail(home: string): string {
  const log = path.join(home, 'cache', 'nvim', 'lsp.log');
  return existsSync(log) ? readFileSync(log, 'utf8').split('\n').slice(-40).join('\n') : '(no lsp.log)';
}

describe.skipIf(!!skipReason)('Neovim 0.7 as an LSP client of the language server (headless nvim)', () => {
  let tmp: string;
  let report: Report;
  let exitCode: number | null;
  let context: string; // printed with failed assertions

  beforeAll(async () => {
    if (nvim.problem) throw new Error(`CI=true and ${nvim.problem}`);
    if (!existsSync(SERVER)) throw new Error(`${SERVER} is missing: run npm run build first`);
    tmp = realpathSync(mkdtempSync(path.join(tmpdir(), 'sqlwarden-nvim-')));
    const workspace = path.join(tmp, 'workspace');
    const home = path.join(tmp, 'home');
    cpSync(FIXTURE, workspace, { recursive: true });
    mkdirSync(home);
    const run = await runNvim(workspace, home);
    const line = run.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .at(-1);
    const where = `nvim exit ${run.code}${run.signal ? ` (${run.signal})` : ''}${run.timedOut ? `, killed after ${RUN_TIMEOUT_MS} ms` : ''}\nstderr:\n${run.stderr.slice(-4000)}\nlsp.log:\n${lspLogTail(home)}`;
    if (!line) throw new Error(`the driver printed no JSON report; ${where}\nstdout:\n${run.stdout.slice(-4000)}`);
    report = JSON.parse(line) as Report;
    exitCode = run.code;
    context = `driver errors: ${JSON.stringify(report.errors)}; ${where}`;
  }, RUN_TIMEOUT_MS + 30_000);

  afterAll(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('runs the whole session: the driver reports no errors and exits 0', () => {
    expect(report.errors, context).toEqual([]);
    expect(exitCode, context).toBe(0);
    expect(report.steps.map((s) => s.applied)).toEqual(STEPS.map(() => true));
  });

  it('runs Neovim 0.7 to 0.9, whose client does not advertise pull diagnostics', () => {
    expect(report.nvim).toBe(nvim.version);
    expect(report.client_advertises_pull_diagnostics).toBe(false);
    // ... so the server offers no pull and the driver never sends textDocument/diagnostic.
    expect(report.server_capabilities).not.toHaveProperty('diagnosticProvider');
    expect(report.server_capabilities).toMatchObject({ hoverProvider: true, codeActionProvider: { codeActionKinds: expect.arrayContaining(['quickfix']) } });
    expect(report.sent.map((s) => s.method)).not.toContain('textDocument/diagnostic');
    expect(report.offset_encoding).toBe('utf-16');
  });

  it('receives the diagnostics by textDocument/publishDiagnostics and shows them in vim.diagnostic', () => {
    const open = report.sent.find((s) => s.method === 'textDocument/didOpen')!;
    expect(open.uri).toBe(report.uri);
    // The report's publishes are the publishDiagnostics notifications Neovim's handler received.
    expect(report.initial.version, context).toBe(open.version);
    expect(report.publishes.length).toBeGreaterThan(0);
    expect(shape(report.initial.published)).toEqual([
      { code: 'no-blocking-index-build', source: 'sqlwarden', severity: 1, range: range(0, 0, 0, 12) },
      { code: 'require-lock-timeout', source: 'sqlwarden', severity: 2, range: range(0, 0, 0, 45) },
    ]);
    // What the user sees: vim.diagnostic (severity 1 = ERROR, 2 = WARN), same ranges in bytes.
    expect(bufferShape(report.initial.buffer)).toEqual([
      { lnum: 0, col: 0, end_lnum: 0, end_col: 12, severity: 1, source: 'sqlwarden', code: 'no-blocking-index-build' },
      { lnum: 0, col: 0, end_lnum: 0, end_col: 45, severity: 2, source: 'sqlwarden', code: 'require-lock-timeout' },
    ]);
    const [index, timeout] = report.initial.buffer;
    expect(index!.message).toContain('CREATE INDEX CONCURRENTLY');
    expect(index!.href).toMatch(/rules\/no-blocking-index-build\/README\.md$/);
    expect(timeout!.message).toContain('lock_timeout');
    expect(report.initial.buffer.every((d) => d.has_data)).toBe(true);
  });

  it('hovers the statement with its lock summary', () => {
    const text = report.hover?.result?.contents.value ?? '';
    expect(report.hover?.result?.contents.kind).toBe('markdown');
    expect(text).toContain('**Locks:** takes SHARE on users (blocks writes)');
    // 0:20 is also inside the require-lock-timeout finding, so its explanation comes first.
    expect(text).toContain('**sqlwarden require-lock-timeout**');
    expect(report.hover!.rendered.join('\n')).toContain('**Locks:**');
  });

  it('applies "Disable require-lock-timeout for this line" through vim.lsp.buf.code_action', () => {
    const step = report.steps[0]!;
    expect(step?.applied, context).toBe(true);
    expect(step.cursor).toEqual([0, 0]);
    // Neovim built the context from the line's vim.diagnostics: with ranges (0.7 rebuilds them) and the server's data.
    expect(shape(step.request!.context.diagnostics)).toEqual(shape(report.initial.published));
    expect(step.request!.context.diagnostics.map((d) => d.data?.ruleId).sort()).toEqual(['no-blocking-index-build', 'require-lock-timeout']);
    expect(step.offered.map((a) => a.title)).toEqual(
      expect.arrayContaining([FIX, 'Disable no-blocking-index-build for this line', DISABLE_LINE, 'Disable require-lock-timeout for this file']),
    );
    expect(step.lines).toEqual(['-- sqlwarden-ignore-next-line require-lock-timeout', 'CREATE INDEX idx_users_email ON users (email);']);
    // Re-published for the edited version: the suppressed finding is gone, the other moved down a line.
    expect(shape(step.published)).toEqual([{ code: 'no-blocking-index-build', source: 'sqlwarden', severity: 1, range: range(1, 0, 1, 12) }]);
    expect(bufferShape(step.buffer)).toEqual([
      { lnum: 1, col: 0, end_lnum: 1, end_col: 12, severity: 1, source: 'sqlwarden', code: 'no-blocking-index-build' },
    ]);
  });

  it('applies the no-blocking-index-build quick fix (CONCURRENTLY), and the server re-publishes without it', () => {
    const step = report.steps[1]!;
    expect(step?.applied, context).toBe(true);
    expect(step.cursor).toEqual([1, 0]);
    expect(step.action).toMatchObject({ title: FIX, kind: 'quickfix', isPreferred: true });
    expect(step.offered.filter((a) => a.isPreferred).map((a) => a.title)).toEqual([FIX]);
    expect(step.request!.context.diagnostics.map((d) => d.code)).toEqual(['no-blocking-index-build']);
    expect(step.lines).toEqual(['-- sqlwarden-ignore-next-line require-lock-timeout', 'CREATE INDEX CONCURRENTLY idx_users_email ON users (email);']);
    expect(step.published.map((d) => d.code)).not.toContain('no-blocking-index-build');
    // With CONCURRENTLY no lock_timeout finding remains, so the comment from the first step is now unused.
    expect(shape(step.published)).toEqual([{ code: 'unused-suppression', source: 'sqlwarden', severity: 2, range: range(0, 30, 0, 50) }]);
    expect(bufferShape(step.buffer)).toEqual([
      { lnum: 0, col: 30, end_lnum: 0, end_col: 50, severity: 2, source: 'sqlwarden', code: 'unused-suppression' },
    ]);
    // Hover on the fixed statement: only the lock summary, now the non-blocking lock.
    const text = step.hover?.result?.contents.value ?? '';
    expect(text).toContain('**Locks:** takes SHARE UPDATE EXCLUSIVE on users');
    expect(text).not.toContain('**sqlwarden ');
  });

  it('syncs edits incrementally, versions every publish, logs no server errors and shuts down cleanly', () => {
    const changes = report.sent.filter((s) => s.method === 'textDocument/didChange');
    expect(changes.length).toBeGreaterThanOrEqual(STEPS.length);
    expect(changes.every((c) => c.incremental === true)).toBe(true);
    for (const step of report.steps) expect(changes.map((c) => c.version)).toContain(step.version);
    expect(report.publishes.every((p) => p.uri === report.uri && typeof p.version === 'number')).toBe(true);
    expect(report.server_messages.filter((m) => m.type === 1)).toEqual([]);
    expect(report.notifications).toEqual([]);
    expect(report.server_exit).toEqual({ code: 0, signal: 0 });
  });
});
