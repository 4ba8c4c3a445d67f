import { truncateText } from '../source/text.ts';
/**
 * A problem with configuration: a config file, a plugin it names, or a CLI override.
 * The CLI maps it to exit code 2. The message is complete and meant to be shown as is.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  /** The config file at fault; undefined for CLI overrides. */
  readonly configPath?: string;
  /** Dotted key at fault, e.g. `rules.require-where`, `postgresVersion`, `plugins[0]`, `--rule`. */
  readonly key?: string;
  /** 1-based position in the config file, for JSON syntax errors. */
  readonly line?: number;
  readonly column?: number;

  constructor(
    message: string,
    details: { configPath?: string; key?: string; line?: number; column?: number; cause?: unknown } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    if (details.configPath !== undefined) this.configPath = details.configPath;
    if (details.key !== undefined) this.key = details.key;
    if (details.line !== undefined) this.line = details.line;
    if (details.column !== undefined) this.column = details.column;
  }
}

/** A value as it appears after "got" in messages: JSON, shortened. */
export function formatValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (typeof value === 'function') return 'a function';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return truncateText(text, 60, '...');
}

/** `rules.a-b`, `migrations.include[2]`: how keys are named in messages. */
export function keyPath(segments: readonly (string | number)[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? segment : `.${segment}`;
  }
  return out;
}
