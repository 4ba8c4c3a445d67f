import path from 'node:path';
import type { CliResult, FormatterRuleMeta } from '../types.ts';
import { hasSource, type PackedResult } from '../packed-result.ts';

/** Where sqlwarden lives; the SARIF driver's informationUri. */
export const HOMEPAGE = 'https://github.com/sqlwarden/sqlwarden';

/** The ids the engine reports itself (core's ENGINE_RULE_IDS), described for reports. */
export const ENGINE_RULES_META: readonly FormatterRuleMeta[] = [
  {
    id: 'syntax-error',
    description: 'A statement PostgreSQL would reject, at the exact error position; the other statements of the file are still linted.',
    defaultSeverity: 'error',
    docs: { url: `${HOMEPAGE}#what-it-checks` },
  },
  {
    id: 'internal-error',
    description: 'A rule crashed on this file, or the schema catalog could not replay a statement; the other rules still ran. Please report it.',
    defaultSeverity: 'error',
    docs: { url: `${HOMEPAGE}#what-it-checks` },
  },
  {
    id: 'unused-suppression',
    description: 'A sqlwarden-ignore comment that names an unknown rule or suppresses nothing.',
    defaultSeverity: 'warn',
    docs: { url: `${HOMEPAGE}#what-it-checks` },
  },
  {
    id: 'not-analysed',
    description: 'A statement larger than the engine analyses (1 million characters): no rule checked it and the schema does not include it; the rest of the file is still linted.',
    defaultSeverity: 'warn',
    docs: { url: `${HOMEPAGE}#what-it-checks` },
  },
];

/** What the run needs of the Linter to list the rules of each file's config (structural). */
export interface RulesSource {
  rulesForFile(filePath: string): Promise<ReadonlyArray<{ meta: FormatterRuleMeta }>>;
}

/**
 * Metadata of every rule the results could come from: the built-in rules, the engine's ids, and
 * the rules of the plugins that the configs of the linted files load (one lookup per directory;
 * configs are cached by the Linter). A config that cannot be loaded adds nothing: its files
 * already carry the error.
 */
export async function collectRulesMeta(
  builtin: ReadonlyArray<{ meta: FormatterRuleMeta }>,
  results: ReadonlyArray<CliResult | PackedResult>,
  linter: RulesSource,
): Promise<Record<string, FormatterRuleMeta>> {
  const byId: Record<string, FormatterRuleMeta> = {};
  for (const meta of ENGINE_RULES_META) byId[meta.id] = meta;
  for (const rule of builtin) byId[rule.meta.id] = rule.meta;
  const directories = new Map<string, string>();
  for (const result of results) {
    if (!hasSource(result)) continue;
    const directory = path.dirname(result.filePath);
    if (!directories.has(directory)) directories.set(directory, result.filePath);
  }
  for (const filePath of directories.values()) {
    try {
      for (const rule of await linter.rulesForFile(filePath)) byId[rule.meta.id] ??= rule.meta;
    } catch {
      // Reported with the file's results already.
    }
  }
  return byId;
}
