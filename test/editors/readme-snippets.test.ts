// The README's editor setup snippets, run as written in the real editors: headless Neovim 0.7+
// with the `-- snippet: neovim` block as its init.lua, and batch Emacs (28 with eglot 1.9 here)
// with the `-- snippet: emacs` block as its init file. Each opens a migration with a blocking
// CREATE INDEX in a scratch project that has sqlwarden installed the way a user's project has it
// (node_modules/.bin/sqlwarden-language-server), and must get the server's diagnostic.
//
// Outside CI a missing editor skips with a printed reason; with CI=true it fails (.ci/run installs
// both). A missing server bundle always fails: run `npm run build`.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SERVER = path.join(ROOT, 'packages/language-server/dist/server.mjs');
const IN_CI = !!process.env.CI && !['0', 'false'].includes(process.env.CI.toLowerCase());
const RUN_TIMEOUT_MS = 90_000; // hang guard for one editor session, not a timing check
const MIGRATION = 'db/migrations/20240101000000_index_orders.sql';

/** The fenced block after `<!-- snippet: name -->` in README.md. */
export function readmeSnippet(name: string): string {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const match = new RegExp(`<!-- snippet: ${name} -->\\n\`\`\`\\w*\\n([\\s\\S]*?)\\n\`\`\``).exec(readme);
  if (!match) throw new Error(`README.md has no "<!-- snippet: ${name} -->" block`);
  return `${match[1]}\n`;
}

/** Why `command` cannot run here, or undefined. */
function missing(command: string, args: string[], install: string): string | undefined {
  const probe = spawnSync(command, args, { encoding: 'utf8', timeout: 30_000 });
  if (probe.error || probe.status !== 0) return `${command} is not available (${probe.error?.message ?? `exit ${probe.status}`}); install it with ${install}`;
  return undefined;
}

function skipReason(problem: string | undefined): string | undefined {
  if (!problem || IN_CI) return undefined;
  console.warn(`[readme snippets] skipped: ${problem}. With CI=true this test fails instead.`);
  return problem;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

let tmp: string;
let project: string;

/** A project with sqlwarden's language server installed as a user's project would have it. */
function makeProject(): string {
  const dir = path.join(tmp, 'project');
  mkdirSync(path.join(dir, 'db/migrations'), { recursive: true });
  mkdirSync(path.join(dir, 'node_modules/.bin'), { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), '{ "name": "app", "private": true }\n');
  writeFileSync(path.join(dir, MIGRATION), 'CREATE INDEX orders_status_idx ON orders (status);\n');
  // What npm links for the package's bin, without making the repository's build executable.
  const bin = path.join(dir, 'node_modules/.bin/sqlwarden-language-server');
  writeFileSync(bin, `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(SERVER)} "$@"\n`);
  chmodSync(bin, 0o755);
  return dir;
}

/** The environment of an editor run: the user's PATH (for node and npx), and a scratch home. */
function editorEnv(home: string): NodeJS.ProcessEnv {
  mkdirSync(home, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    PATH: `${path.dirname(process.execPath)}:${process.env.PATH ?? ''}`,
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, 'config'),
    XDG_DATA_HOME: path.join(home, 'data'),
    XDG_STATE_HOME: path.join(home, 'state'),
    XDG_CACHE_HOME: path.join(home, 'cache'),
    // npx must find the project's bin without asking the network (the snippets pass --no).
    npm_config_cache: path.join(home, 'npm-cache'),
    npm_config_update_notifier: 'false',
    LANG: 'C.UTF-8',
  };
  return env;
}

beforeAll(() => {
  if (!existsSync(SERVER)) throw new Error(`${SERVER} is missing: run npm run build first`);
  tmp = realpathSync(mkdtempSync(path.join(tmpdir(), 'sqlwarden-snippets-')));
  project = makeProject();
});
afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const nvimProblem = missing('nvim', ['--version'], 'Debian\'s neovim (apt-get install -y neovim)');

describe.skipIf(!!skipReason(nvimProblem))('README: the Neovim snippet', () => {
  it('as init.lua, gets the blocking CREATE INDEX diagnostic for a migration', async () => {
    if (nvimProblem) throw new Error(`CI=true and ${nvimProblem}`);
    const home = path.join(tmp, 'nvim-home');
    const env = editorEnv(home);
    const init = path.join(home, 'init.lua');
    writeFileSync(init, readmeSnippet('neovim'));
    // After the user's init: open the migration, wait for the server's diagnostics, print them.
    const driver = path.join(home, 'driver.lua');
    writeFileSync(
      driver,
      `vim.cmd('edit ${MIGRATION}')
local ok = vim.wait(60000, function() return #vim.diagnostic.get(0) > 0 end, 100)
local out = {}
for _, d in ipairs(vim.diagnostic.get(0)) do
  table.insert(out, { lnum = d.lnum, col = d.col, code = d.code, source = d.source, severity = d.severity })
end
io.stdout:write(vim.fn.json_encode({ ok = ok, filetype = vim.bo.filetype, diagnostics = out }) .. '\\n')
vim.cmd('qall!')
`,
    );
    const result = await run('nvim', ['--headless', '-u', init, '-i', 'NONE', '-n', '-c', `luafile ${driver}`], project, env);
    const line = result.stdout.split('\n').filter((l) => l.startsWith('{')).at(-1);
    expect(line, `nvim printed no report (exit ${result.code})\nstderr:\n${result.stderr.slice(-3000)}`).toBeDefined();
    const report = JSON.parse(line!) as { ok: boolean; filetype: string; diagnostics: Array<{ lnum: number; col: number; code: string; source: string; severity: number }> };
    expect(report.filetype).toBe('sql');
    expect(report.ok, result.stderr.slice(-3000)).toBe(true);
    expect(report.diagnostics).toContainEqual({ lnum: 0, col: 0, code: 'no-blocking-index-build', source: 'sqlwarden', severity: 1 });
  });
});

const emacsProblem = missing('emacs', ['--batch', '-Q', '--eval', '(progn (require (quote package)) (add-to-list (quote package-directory-list) "/usr/share/emacs/site-lisp/elpa") (package-initialize) (require (quote eglot)))'], 'Debian\'s emacs-nox and elpa-eglot (apt-get install -y emacs-nox elpa-eglot), or Emacs 29+');

describe.skipIf(!!skipReason(emacsProblem))('README: the Emacs (eglot) snippet', () => {
  it('as the init file, gets the blocking CREATE INDEX diagnostic for a migration through flymake', async () => {
    if (emacsProblem) throw new Error(`CI=true and ${emacsProblem}`);
    const home = path.join(tmp, 'emacs-home');
    const env = editorEnv(home);
    const init = path.join(home, 'init.el');
    writeFileSync(init, readmeSnippet('emacs'));
    // The harness: make packages installed from Debian (elpa-eglot) loadable as a user's Emacs
    // does at startup, load the user's init, open the migration, and print flymake's diagnostics.
    const driver = path.join(home, 'driver.el');
    writeFileSync(
      driver,
      `(require 'package)
(add-to-list 'package-directory-list "/usr/share/emacs/site-lisp/elpa")
(package-initialize)
(load ${JSON.stringify(init)})
(require 'eglot)
(find-file ${JSON.stringify(path.join(project, MIGRATION))})
;; eglot-ensure connects after the next command, and batch Emacs runs no command loop.
(run-hooks 'post-command-hook)
(let ((deadline (+ (float-time) 60)))
  (while (and (not (flymake-diagnostics)) (< (float-time) deadline))
    (accept-process-output nil 0.1)))
(princ (format "MODE %s\\n" major-mode))
(dolist (d (flymake-diagnostics))
  (princ (format "DIAG %d %s %s\\n" (line-number-at-pos (flymake-diagnostic-beg d)) (flymake-diagnostic-type d) (flymake-diagnostic-text d))))
(kill-emacs 0)
`,
    );
    const result = await run('emacs', ['--batch', '-Q', '-l', driver], project, env);
    const diagnostics = result.stdout.split('\n').filter((l) => l.startsWith('DIAG '));
    expect(result.stdout, result.stderr.slice(-3000)).toContain('MODE sql-mode');
    expect(diagnostics.some((l) => /^DIAG 1 eglot-error sqlwarden \[no-blocking-index-build\]/.test(l)), `${result.stdout}\n${result.stderr.slice(-3000)}`).toBe(true);
  });
});
