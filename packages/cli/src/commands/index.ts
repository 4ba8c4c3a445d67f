import type { CommandIO } from './common.ts';

type Subcommand = (argv: readonly string[], io: CommandIO) => Promise<number>;

/**
 * `sqlwarden <command> ...`: a first argument naming one of these runs it instead of linting
 * (a directory with such a name is linted as `./rules`).
 */
export const subcommands: Readonly<Record<string, Subcommand>> = {
  rules: async (argv, io) => (await import('./rules.ts')).rulesCommand(argv, io),
  explain: async (argv, io) => (await import('./explain.ts')).explainCommand(argv, io),
  trace: async (argv, io) => (await import('./trace.ts')).traceCommand(argv, io),
};

export function subcommandFor(argv: readonly string[]): Subcommand | undefined {
  const name = argv[0];
  return name !== undefined && Object.hasOwn(subcommands, name) ? subcommands[name] : undefined;
}

/** Every word that is a command in first position, for did-you-mean. */
export function commandNames(): string[] {
  return [...Object.keys(subcommands), 'help'];
}

/**
 * Whether a first argument looks like a command word rather than a path or glob: letters and
 * dashes only. (`explian.sql` is a missing file, not a typo of `explain`.)
 */
export function looksLikeCommandWord(word: string): boolean {
  return /^[a-z][a-z-]*$/i.test(word);
}
