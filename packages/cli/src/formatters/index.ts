import type { Formatter } from '../types.ts';
import { checkstyle } from './checkstyle.ts';
import { codeframe } from './codeframe.ts';
import { github } from './github.ts';
import { gitlab } from './gitlab.ts';
import { json } from './json.ts';
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
