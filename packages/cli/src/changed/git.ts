import { execFile } from 'node:child_process';
import { UsageError } from '../errors.ts';

export interface GitOutput {
  /** Exit status; 0 on success. */
  code: number;
  stdout: string;
  stderr: string;
}

/** Git could not be started at all; `reason` says why without naming the option that needed git. */
export class GitUnavailableError extends UsageError {
  constructor(
    message: string,
    readonly reason: string,
  ) {
    super(message);
  }
}

/**
 * Runs `git <args>` in `cwd` without a shell. A non-zero exit is returned, not thrown, so callers
 * can turn git's failures into advice; only a git that cannot be started at all throws
 * (GitUnavailableError). `extraEnv` is added to the environment git runs with.
 *
 * Pathspecs are literal (a file named `a*.sql` is that file), output is never coloured or paged,
 * messages are in English (they are matched), and git takes no optional locks, so the linter never
 * writes to the repository (not even the index refresh `git status` would do).
 */
export function git(args: readonly string[], cwd: string, extraEnv: Record<string, string> = {}): Promise<GitOutput> {
  const fullArgs = ['--no-pager', '--literal-pathspecs', '-c', 'core.quotePath=false', '-c', 'color.ui=false', ...args];
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      fullArgs,
      {
        cwd,
        encoding: 'utf8',
        maxBuffer: 512 * 1024 * 1024,
        windowsHide: true,
        env: { ...process.env, GIT_OPTIONAL_LOCKS: '0', GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C', LANGUAGE: 'C', ...extraEnv },
      },
      (error, stdout, stderr) => {
        if (error === null) {
          resolve({ code: 0, stdout, stderr });
          return;
        }
        const code = (error as NodeJS.ErrnoException).code;
        if (typeof code === 'number') {
          resolve({ code, stdout, stderr });
          return;
        }
        if (code === 'ENOENT') {
          reject(new GitUnavailableError('--changed-since needs git, and no "git" program was found on the PATH.', 'no "git" program was found on the PATH'));
          return;
        }
        const reason = `could not run git: ${error.message.split('\n')[0]}`;
        reject(new GitUnavailableError(`--changed-since: ${reason}`, reason));
      },
    );
  });
}

/** The first line of git's complaint, without its `fatal: ` / `error: ` prefix. */
export function gitComplaint(output: GitOutput): string {
  const line = output.stderr.split('\n').find((text) => text.trim() !== '') ?? `git exited with status ${output.code}`;
  return line.replace(/^(fatal|error): /, '').trim();
}

/** Splits NUL-separated output (`-z`), dropping the empty piece after the last NUL. */
export function splitNul(text: string): string[] {
  const parts = text.split('\0');
  if (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}
