import type { CliResult, Formatter, FormatterContext } from '../types.ts';
import { checkstyle } from './checkstyle.ts';
import { codeframe } from './codeframe.ts';
import { github } from './github.ts';
import { gitlab } from './gitlab.ts';
import { json, jsonChunks } from './json.ts';
import { junit } from './junit.ts';
import { sarif } from './sarif.ts';
import { stylish } from './stylish.ts';

/** The built-in formatters; `-f` also takes a module path or package (see load.ts). */
export const formatters = { stylish, codeframe, json, sarif, github, gitlab, junit, checkstyle } satisfies Record<string, Formatter>;
export type FormatterName = keyof typeof formatters;
export const formatterNames = Object.keys(formatters) as FormatterName[];

export function isFormatterName(name: string): name is FormatterName {
  return Object.hasOwn(formatters, name);
}

/**
 * Built-in formatters that can hand out their report in pieces (the same text as the formatter's):
 * the run writes each piece as it comes, so a large report is never held whole.
 */
const chunkedFormatters: Partial<Record<FormatterName, (results: Iterable<CliResult>, context: FormatterContext) => Iterable<string>>> = { json: jsonChunks };

/** The report of `-f name` in pieces, when that formatter is a built-in one that can give it so. */
export function chunkedFormatter(name: string): ((results: Iterable<CliResult>, context: FormatterContext) => Iterable<string>) | undefined {
  return isFormatterName(name) ? chunkedFormatters[name] : undefined;
}
