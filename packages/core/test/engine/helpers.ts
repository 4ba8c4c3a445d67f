import { Catalog } from '../../src/catalog/catalog.ts';
import { initPostgres, postgresAdapter } from '../../src/dialects/postgres/index.ts';
import { lintSource, type EnabledRule, type LintSourceOptions } from '../../src/engine/lint-source.ts';
import { ENGINE_RULE_IDS } from '../../src/engine/linter.ts';
import type { Rule } from '../../src/rule.ts';
import { DEFAULT_SETTINGS, type Settings } from '../../src/types.ts';

export const ready = initPostgres();

export function lint(text: string, options: { rules?: Rule<any>[]; settings?: Partial<Settings>; isMigration?: boolean; filePath?: string; catalog?: Catalog; onStatement?: LintSourceOptions['onStatement'] } = {}) {
  const rules: EnabledRule[] = (options.rules ?? []).map((rule) => ({ rule, severity: rule.meta.defaultSeverity === 'error' ? 2 : 1, options: rule.meta.defaultOptions ?? {} }));
  return lintSource({
    text,
    filePath: options.filePath ?? 'migrations/001.sql',
    settings: { ...DEFAULT_SETTINGS, ...options.settings },
    isMigration: options.isMigration ?? true,
    rules,
    catalog: options.catalog ?? new Catalog(),
    knownRuleIds: new Set([...(options.rules ?? []).map((r) => r.meta.id), ...ENGINE_RULE_IDS]),
    adapter: postgresAdapter,
    ...(options.onStatement ? { onStatement: options.onStatement } : {}),
  });
}
