// One end-to-end session in real VS Code: code-server (VS Code 1.139 in the browser) with the
// packaged sqlwarden .vsix installed, a copy of fixtures/vscode as the workspace, and headless
// Chromium driven by playwright-core. The steps are what a user does: open the migration, open the
// Problems panel, press Ctrl+. on the finding, pick the CONCURRENTLY fix, save.
//
// Failures before the workbench is up (code-server not answering, the browser or page dying while
// it loads) throw StartupError, which the test retries once; any later failure is a real one.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { closeSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Browser, type Page, chromium } from 'playwright-core';
import { CHROMIUM, CODE_SERVER, FIXTURE, NODE24_DIR, vsixPath } from './prereqs.ts';

export const MIGRATION = 'migrations/20240101000000_index_t.sql';
export const RULE = 'no-blocking-index-build';
export const FIXED_STATEMENT = 'CREATE INDEX CONCURRENTLY idx ON t (a);';
/**
 * The quick fix to choose: the rule's fix, titled by what it does ("Use CREATE INDEX CONCURRENTLY"),
 * or "Fix: <headline>" while the rule gives no title; both name CONCURRENTLY.
 */
const FIX_TITLE = /CONCURRENTLY/i;

/** Generous bounds for each wait; they only stop a hung run, nothing is timed. */
const STARTUP_MS = 120_000;
const STEP_MS = 90_000;

export class StartupError extends Error {
  override name = 'StartupError';
}

export interface SessionResult {
  attempt: number;
  serverStatus: string | null;
  problemsBefore: string[];
  problemsStatusBefore: string | null;
  quickFixes: string[];
  chosenFix: string;
  fileBefore: string;
  fileAfter: string;
  problemsAfter: string[];
  problemsStatusAfter: string | null;
  problemsAfterUndo: string[];
  restart: { startsBefore: number; startsAfter: number; problemsAfterRestart: string[] };
  fixAll: { fileAfter: string; problemsAfter: string[] };
  blockedRequests: string[];
  phases: { phase: string; seconds: number }[];
}

export interface SessionOptions {
  attempt: number;
  artifacts: string;
  log: (message: string) => void;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function tail(file: string, lines = 40): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** The environment code-server runs in: node 24 first on PATH, no extension gallery at all. */
function codeServerEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${path.join(NODE24_DIR, 'bin')}${path.delimiter}${process.env.PATH ?? ''}`, EXTENSIONS_GALLERY: '{}' };
  // vitest's own settings must not leak into the editor's Node processes.
  for (const key of Object.keys(env)) if (key.startsWith('VITEST') || key === 'NODE_OPTIONS' || key === 'NODE_ENV' || key.startsWith('VSCODE_')) delete env[key];
  return env;
}

const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
  'chat.disableAIFeatures': true,
  'files.autoSave': 'off',
  'editor.lightbulb.enabled': 'off',
  'security.workspace.trust.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

/** Copies the files under `dir` whose path matches `test` to `to`, flattened. */
function collectLogs(dir: string, to: string, test: (file: string) => boolean, prefix: string): string[] {
  const copied: string[] = [];
  const walk = (d: string) => {
    for (const name of existsSync(d) ? readdirSync(d) : []) {
      const full = path.join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (test(full)) {
        const target = path.join(to, `${prefix}${path.basename(full)}`);
        cpSync(full, target);
        copied.push(target);
      }
    }
  };
  walk(dir);
  return copied;
}

async function killGroup(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, sig); // the group: code-server, its extension host and the language server
    } catch {
      /* already gone */
    }
  };
  signal('SIGTERM');
  if (await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)])) return;
  signal('SIGKILL');
  await Promise.race([exited, sleep(5_000)]);
}

/** The visible text of each element matching `selector` (or its aria-label, with `aria`). */
async function rowsOf(page: Page, selector: string, aria = false): Promise<string[]> {
  const texts = await page.$$eval(selector, (rows, useAria) => rows.map((r) => (useAria ? r.getAttribute('aria-label') : r.textContent) ?? ''), aria);
  return texts.map((text) => text.replace(/\s+/g, ' ').trim());
}

const PROBLEM_ROWS = '.markers-panel .monaco-list-row';

/** Polls the rows matching `selector` until `done` holds or STEP_MS passes; returns the last rows. */
async function waitForRows(page: Page, selector: string, done: (rows: string[]) => boolean): Promise<string[]> {
  const deadline = Date.now() + STEP_MS;
  let rows = await rowsOf(page, selector);
  while (!done(rows) && Date.now() < deadline) {
    await sleep(250);
    rows = await rowsOf(page, selector);
  }
  return rows;
}

/** Polls a file on disk until `done` holds for its text or STEP_MS passes. */
async function waitForFile(file: string, done: (text: string) => boolean): Promise<boolean> {
  for (const deadline = Date.now() + STEP_MS; Date.now() < deadline; await sleep(250)) if (done(readFileSync(file, 'utf8'))) return true;
  return done(readFileSync(file, 'utf8'));
}

/** Runs a command from the Command Palette by its title, as a user would. */
async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('Control+Shift+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: STEP_MS });
  await input.fill(`>${title}`);
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  await row.waitFor({ timeout: STEP_MS });
  await row.click();
  await input.waitFor({ state: 'hidden', timeout: STEP_MS });
}

/** The extension's output channel (a log channel, so VS Code writes it to a file under the user data logs). */
function extensionLog(userData: string): string {
  const found: string[] = [];
  const walk = (d: string) => {
    for (const name of existsSync(d) ? readdirSync(d) : []) {
      const full = path.join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name === 'sqlwarden.log') found.push(full);
    }
  };
  walk(path.join(userData, 'logs'));
  return found.map((f) => readFileSync(f, 'utf8')).join('\n');
}

/** How many times the extension started a server, from its log. */
function countStarts(userData: string): number {
  return extensionLog(userData).split('\n').filter((line) => / starting \S+server\.mjs/.test(line)).length;
}

async function problemsStatus(page: Page): Promise<string | null> {
  return page
    .locator('[id="status.problems"]')
    .first()
    .evaluate((e) => e.getAttribute('aria-label') || e.textContent, undefined, { timeout: 5_000 })
    .catch(() => null);
}

export async function runSession({ attempt, artifacts, log }: SessionOptions): Promise<SessionResult> {
  const started = Date.now();
  const phases: SessionResult['phases'] = [];
  let last = started;
  const phase = (name: string) => {
    const now = Date.now();
    phases.push({ phase: name, seconds: Math.round((now - last) / 100) / 10 });
    last = now;
    log(`attempt ${attempt}: ${name} (+${((now - started) / 1000).toFixed(1)}s)`);
  };
  const shot = (name: string) => path.join(artifacts, attempt === 1 ? `${name}.png` : `${name}-attempt${attempt}.png`);

  const work = mkdtempSync(path.join(tmpdir(), 'sqlwarden-code-server-'));
  const workspace = path.join(work, 'ws');
  const userData = path.join(work, 'user-data');
  const extensions = path.join(work, 'extensions');
  cpSync(FIXTURE, workspace, { recursive: true });
  mkdirSync(path.join(userData, 'User'), { recursive: true });
  writeFileSync(path.join(userData, 'User/settings.json'), JSON.stringify(USER_SETTINGS, null, 2));
  const env = codeServerEnv();
  const csLog = path.join(artifacts, attempt === 1 ? 'code-server.log' : `code-server-attempt${attempt}.log`);
  const migration = path.join(workspace, MIGRATION);
  const fileBefore = readFileSync(migration, 'utf8');

  let server: ChildProcess | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  const blockedRequests: string[] = [];
  let closing = false;
  try {
    // 1. Install the .vsix the build produced, the way a user installs a downloaded package.
    const config = path.join(work, 'config.yaml'); // else code-server writes ~/.config/code-server/config.yaml
    const install = spawnSync(CODE_SERVER, ['--config', config, '--user-data-dir', userData, '--extensions-dir', extensions, '--install-extension', vsixPath()], {
      env,
      encoding: 'utf8',
      timeout: STARTUP_MS,
    });
    const installOutput = `${install.stdout ?? ''}${install.stderr ?? ''}`;
    writeFileSync(path.join(artifacts, attempt === 1 ? 'install-extension.log' : `install-extension-attempt${attempt}.log`), installOutput);
    if (install.status !== 0 || !/successfully installed/i.test(installOutput)) {
      throw new Error(`code-server --install-extension failed (status ${install.status}, ${install.error?.message ?? 'no spawn error'}):\n${installOutput}`);
    }
    phase('extension installed');

    // 2. code-server on a loopback port, with a config file of its own (not ~/.config).
    const port = await freePort();
    const logFd = openSync(csLog, 'w');
    server = spawn(
      CODE_SERVER,
      [
        '--auth', 'none',
        '--bind-addr', `127.0.0.1:${port}`,
        '--config', config,
        '--disable-telemetry',
        '--disable-update-check',
        '--disable-workspace-trust',
        '--disable-getting-started-override',
        '--user-data-dir', userData,
        '--extensions-dir', extensions,
        workspace,
      ],
      { env, detached: true, stdio: ['ignore', logFd, logFd] },
    );
    closeSync(logFd);
    const exited = new Promise<string>((resolve) => server!.once('exit', (code, signal) => resolve(`code-server exited (code ${code}, signal ${signal})`)));
    const base = `http://127.0.0.1:${port}`;
    const healthy = (async () => {
      const deadline = Date.now() + STARTUP_MS;
      while (Date.now() < deadline) {
        if (await fetch(`${base}/healthz`).then((r) => r.ok, () => false)) return true;
        await sleep(500);
      }
      return false;
    })();
    const outcome = await Promise.race([healthy, exited]);
    if (outcome !== true) throw new StartupError(`code-server did not answer on ${base}: ${outcome === false ? 'timed out' : outcome}\n${tail(csLog)}`);
    phase('code-server up');

    // 3. The workbench in headless Chromium. Only loopback traffic is allowed.
    try {
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        // Chromium keeps a crash-report database under $XDG_CONFIG_HOME: keep it in the temp dir.
        env: { ...process.env, XDG_CONFIG_HOME: path.join(work, 'xdg-config'), XDG_CACHE_HOME: path.join(work, 'xdg-cache') },
        args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      });
      page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      page.on('crash', () => log(`attempt ${attempt}: page crashed`));
      browser.on('disconnected', () => closing || log(`attempt ${attempt}: the browser disconnected`));
      await page.route('**/*', (route) => {
        const url = new URL(route.request().url());
        if (['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname) || url.protocol === 'data:' || url.protocol === 'blob:') return route.continue();
        blockedRequests.push(url.origin);
        return route.abort();
      });
      await page.goto(`${base}/?folder=${encodeURIComponent(workspace)}`, { waitUntil: 'domcontentloaded', timeout: STARTUP_MS });
      await page.waitForSelector('.monaco-workbench .part.statusbar', { timeout: STARTUP_MS });
      await page.waitForSelector('.monaco-workbench .part.editor', { timeout: STARTUP_MS });
    } catch (error) {
      throw new StartupError(`the workbench did not load: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}\n${tail(csLog)}`);
    }
    phase('workbench loaded');
    const p = page;

    // 4. Open the migration with Quick Open, as a user would.
    await p.locator('.monaco-workbench .part.editor').click({ position: { x: 300, y: 300 } }).catch(() => undefined);
    let opened = false;
    for (let tries = 1; tries <= 3 && !opened; tries++) {
      await p.keyboard.press('Control+P');
      const input = p.locator('.quick-input-widget input');
      if (!(await input.waitFor({ state: 'visible', timeout: 10_000 }).then(() => true, () => false))) {
        log(`attempt ${attempt}: Quick Open did not open (try ${tries} of 3)`);
        continue;
      }
      await input.fill(path.basename(MIGRATION));
      await p.locator('.quick-input-list .monaco-list-row').first().waitFor({ timeout: STEP_MS });
      await p.keyboard.press('Enter');
      opened = await p
        .locator(`.tabs-container .tab[aria-label*="${path.basename(MIGRATION)}"]`)
        .first()
        .waitFor({ timeout: 15_000 })
        .then(() => true, () => false);
    }
    if (!opened) throw new Error(`could not open ${MIGRATION} with Quick Open`);
    await p.locator('.monaco-editor .view-lines').first().waitFor({ timeout: STEP_MS });
    phase('migration opened');

    // 5. The extension activated on the sql language and its server is running (status bar item).
    const running = p.locator('.part.statusbar [aria-label^="sqlwarden language server: running"]').first();
    await running.waitFor({ state: 'attached', timeout: STEP_MS }).catch(async () => {
      const labels = await rowsOf(p, '.part.statusbar .statusbar-item [aria-label]', true);
      throw new Error(`no "sqlwarden language server: running" status bar item; the status bar shows: ${JSON.stringify(labels)}`);
    });
    const serverStatus = await running.getAttribute('aria-label');
    phase('server running');

    // 6. The Problems panel lists the finding.
    await p.locator('.monaco-editor .view-lines').first().click();
    await p.keyboard.press('Control+Shift+M');
    await p.locator('.markers-panel').first().waitFor({ state: 'visible', timeout: STEP_MS });
    const problemsBefore = await waitForRows(p, PROBLEM_ROWS, (rows) => rows.some((row) => row.includes(RULE)));
    if (!problemsBefore.some((row) => row.includes(RULE))) throw new Error(`the Problems panel never listed ${RULE}; it shows ${JSON.stringify(problemsBefore)}`);
    const problemsStatusBefore = await problemsStatus(p);
    await p.screenshot({ path: shot('problems') });
    phase('problem listed');

    // 7. Ctrl+. on the statement, then choose the CONCURRENTLY fix. Go to Line puts the cursor
    //    on the finding; the menu is retried because the first Ctrl+. can race the editor focus.
    const statementLine = fileBefore.split('\n').findIndex((line) => line.startsWith('CREATE INDEX')) + 1;
    let quickFixes: string[] = [];
    for (let tries = 1; tries <= 4 && !quickFixes.length; tries++) {
      await p.locator('.monaco-editor .view-lines').first().click();
      await p.keyboard.press('Control+G');
      await p.locator('.quick-input-widget input').waitFor({ state: 'visible', timeout: 10_000 });
      await p.keyboard.type(`${statementLine}:1`);
      await p.keyboard.press('Enter');
      await p.locator('.quick-input-widget input').waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => undefined);
      await p.keyboard.press('Control+.');
      const shown = await p.locator('.action-widget .monaco-list-row.action').first().waitFor({ timeout: 10_000 * tries }).then(() => true, () => false);
      if (shown) quickFixes = await rowsOf(p, '.action-widget .monaco-list-row.action');
      else {
        log(`attempt ${attempt}: the Quick Fix menu did not open (try ${tries} of 4)`);
        await p.keyboard.press('Escape');
      }
    }
    if (!quickFixes.length) throw new Error('the Quick Fix menu (Ctrl+.) did not open on the finding');
    await p.screenshot({ path: shot('quickfix') });
    const chosen = quickFixes.findIndex((title) => FIX_TITLE.test(title));
    if (chosen < 0) throw new Error(`no CONCURRENTLY fix among the quick fixes ${JSON.stringify(quickFixes)}`);
    const chosenFix = quickFixes[chosen]!;
    await p.locator('.action-widget .monaco-list-row.action').nth(chosen).click();
    await p.locator('.action-widget').first().waitFor({ state: 'hidden', timeout: STEP_MS }).catch(() => undefined);
    phase('quick fix applied');

    // 8. Save, and read the file from disk.
    await p
      .locator('.monaco-editor .view-lines', { hasText: 'CONCURRENTLY' })
      .first()
      .waitFor({ timeout: STEP_MS })
      .catch(() => log(`attempt ${attempt}: the editor never showed the fixed statement after the quick fix`));
    await p.locator('.monaco-editor .view-lines').first().click();
    await p.keyboard.press('Control+S');
    await waitForFile(migration, (text) => text.includes(FIXED_STATEMENT));
    const fileAfter = readFileSync(migration, 'utf8');
    phase('file saved');

    // 9. The finding leaves the Problems panel (the panel is still open and showing).
    await p.locator('.markers-panel').first().waitFor({ state: 'visible', timeout: STEP_MS });
    // Asserted by the test on problemsAfter, with what the panel shows.
    const problemsAfter = await waitForRows(p, PROBLEM_ROWS, (rows) => !rows.some((row) => row.includes(RULE)));
    const problemsStatusAfter = await problemsStatus(p);
    await p.screenshot({ path: shot('fixed') });
    phase('problem gone');

    // 10. Undo the fix and save: the file is as before and the finding comes back.
    await p.locator('.monaco-editor .view-lines').first().click();
    await p.keyboard.press('Control+Z');
    await p
      .locator('.monaco-editor .view-lines', { hasNotText: 'CONCURRENTLY' })
      .first()
      .waitFor({ timeout: STEP_MS })
      .catch(() => log(`attempt ${attempt}: the editor still shows the fixed statement after undo`));
    await p.keyboard.press('Control+S');
    if (!(await waitForFile(migration, (text) => text === fileBefore))) throw new Error(`after undo and save the file reads ${JSON.stringify(readFileSync(migration, 'utf8'))}`);
    const problemsAfterUndo = await waitForRows(p, PROBLEM_ROWS, (rows) => rows.some((row) => row.includes(RULE)));
    if (!problemsAfterUndo.some((row) => row.includes(RULE))) throw new Error(`after undoing the fix the Problems panel shows ${JSON.stringify(problemsAfterUndo)}`);
    phase('fix undone');

    // 11. The extension's "Restart Server" command: a new server starts (its log says so), the
    //     status bar reads running again and the unsaved document is linted by the new server.
    const startsBefore = countStarts(userData);
    await runCommand(p, 'sqlwarden: Restart Server');
    let startsAfter = countStarts(userData);
    for (const deadline = Date.now() + STEP_MS; startsAfter <= startsBefore && Date.now() < deadline; ) {
      await sleep(250);
      startsAfter = countStarts(userData);
    }
    if (startsAfter <= startsBefore) throw new Error(`"sqlwarden: Restart Server" did not start a new server (log: ${startsBefore} starts before, ${startsAfter} after)`);
    await running.waitFor({ state: 'attached', timeout: STEP_MS });
    const problemsAfterRestart = await waitForRows(p, PROBLEM_ROWS, (rows) => rows.some((row) => row.includes(RULE)));
    phase('server restarted');

    // 12. The extension's "Fix All Problems in File" command (source.fixAll.sqlwarden), then save.
    await p.locator('.monaco-editor .view-lines').first().click();
    await runCommand(p, 'sqlwarden: Fix All Problems in File');
    // The command applies the server's edit after the palette closes: save once the editor shows it.
    await p
      .locator('.monaco-editor .view-lines', { hasText: 'CONCURRENTLY' })
      .first()
      .waitFor({ timeout: STEP_MS })
      .catch(() => log(`attempt ${attempt}: the editor never showed the fixed statement after Fix All`));
    await p.locator('.monaco-editor .view-lines').first().click();
    await p.keyboard.press('Control+S');
    await waitForFile(migration, (text) => text.includes(FIXED_STATEMENT));
    const fileAfterFixAll = readFileSync(migration, 'utf8');
    const problemsAfterFixAll = await waitForRows(p, PROBLEM_ROWS, (rows) => !rows.some((row) => row.includes(RULE)));
    await p.screenshot({ path: shot('fix-all') });
    phase('fix all applied');

    return {
      attempt,
      serverStatus,
      problemsBefore,
      problemsStatusBefore,
      quickFixes,
      chosenFix,
      fileBefore,
      fileAfter,
      problemsAfter,
      problemsStatusAfter,
      problemsAfterUndo,
      restart: { startsBefore, startsAfter, problemsAfterRestart },
      fixAll: { fileAfter: fileAfterFixAll, problemsAfter: problemsAfterFixAll },
      blockedRequests,
      phases,
    };
  } catch (error) {
    if (page && !page.isClosed()) await page.screenshot({ path: shot('failure') }).catch(() => undefined);
    if (error instanceof Error && !(error instanceof StartupError)) error.message += `\n--- code-server log (tail) ---\n${tail(csLog)}`;
    throw error;
  } finally {
    closing = true;
    await browser?.close().catch(() => undefined);
    if (server) await killGroup(server);
    // The extension's output channel (the language client and server log) and the extension host log.
    const suffix = attempt === 1 ? '' : `attempt${attempt}-`;
    collectLogs(path.join(userData, 'logs'), artifacts, (f) => /sqlwarden/i.test(path.basename(f)) || /exthost\.log$/.test(f), suffix);
    rmSync(work, { recursive: true, force: true });
  }
}
