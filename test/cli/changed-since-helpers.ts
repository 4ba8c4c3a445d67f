import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { run } from '../../packages/cli/src/run.ts';

const dirs: string[] = [];

export function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `sqlwarden-${prefix}-`));
  dirs.push(dir);
  return dir;
}

export function removeDirs(): void {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Git with a fixed identity and no user or system configuration. */
export function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'commit.gpgsign=false', '-c', 'core.autocrlf=false', ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_AUTHOR_NAME: 'Test',
      GIT_AUTHOR_EMAIL: 'test@example.com',
      GIT_COMMITTER_NAME: 'Test',
      GIT_COMMITTER_EMAIL: 'test@example.com',
    },
  });
}

export function write(dir: string, file: string, content: string): void {
  mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  writeFileSync(path.join(dir, file), content);
}

/** A new repository on branch `main` with `files` committed. */
export function repoWith(files: Record<string, string>, prefix = 'changed'): string {
  const dir = tempDir(prefix);
  git(dir, 'init', '-q', '-b', 'main');
  for (const [file, content] of Object.entries(files)) write(dir, file, content);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'base');
  return dir;
}

export function commitAll(dir: string, message = 'change'): void {
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', message);
}

export interface InProcessRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** The CLI's run() with a fake terminal, in `cwd`. */
export async function runIn(cwd: string, argv: string[]): Promise<InProcessRun> {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, {
    stdout: { write: (text) => (stdout += String(text)), isTTY: false },
    stderr: { write: (text) => (stderr += String(text)) },
    stdin: Readable.from([]),
    cwd,
    env: {},
  });
  return { code, stdout, stderr };
}

export interface Finding {
  file: string;
  ruleId: string | null;
  line: number;
}

/** Findings of a `-f json` run, with paths relative to `dir`. */
export function findings(stdout: string, dir: string): Finding[] {
  const results = JSON.parse(stdout) as Array<{ filePath: string; messages: Array<{ ruleId: string | null; line: number }> }>;
  return results.flatMap((result) =>
    result.messages.map((message) => ({
      file: path.relative(dir, result.filePath).split(path.sep).join('/'),
      ruleId: message.ruleId,
      line: message.line,
    })),
  );
}

/** File paths of a `-f json` run, relative to `dir`. */
export function reportedFiles(stdout: string, dir: string): string[] {
  return (JSON.parse(stdout) as Array<{ filePath: string }>).map((result) => path.relative(dir, result.filePath).split(path.sep).join('/'));
}
