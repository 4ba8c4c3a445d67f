import type { Formatter } from '../types.ts';
import { json } from './json.ts';
import { stylish } from './stylish.ts';

export const formatters = { stylish, json } satisfies Record<string, Formatter>;
export type FormatterName = keyof typeof formatters;
export const formatterNames = Object.keys(formatters) as FormatterName[];
