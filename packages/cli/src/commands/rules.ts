import path from 'node:path';
import { createColors } from 'picocolors';
import type { Rule, RuleSource, SeverityName } from '@sqlwarden/core';
import { createLinter, formatOption, parseCommand, reportFailure, subcommand, useColor, type CommandIO, type OutputFormat } from './common.ts';

interface RulesOptions {
  format: OutputFormat;
  config?: string;
  color?: boolean;
}

/** One rule in `sqlwarden rules --format json`. */
export interface RuleListing {
  id: string;
  description: string;
  category: string;
  defaultSeverity: SeverityName;
  /** The severity the config in the working directory gives it (`off` when it is not enabled). */
  severity: SeverityName;
  /** Options the config sets, when any. */
  options?: Record<string, unknown>;
  /** `code` when the rule can fix what it reports, otherwise null. */
  fixable: 'code' | null;
  hasSuggestions: boolean;
  recommended: boolean;
  docsUrl: string | null;
  /** JSON Schema of the options object, or null for rules without options. */
  schema: Record<string, unknown> | null;
  defaultOptions: Record<string, unknown> | null;
  /** Whether repeated findings are reported as one per `file` or `transaction` (the `groupRepeats` option); null when never. */
  groupRepeats: 'file' | 'transaction' | null;
  /** Dialects the rule understands; null means all. */
  dialects: string[] | null;
  /** The same check in other tools (squawk, strong_migrations, ...). */
  sources: RuleSource[];
  /** `builtin`, or `plugin` for rules a configured plugin adds. */
  origin: 'builtin' | 'plugin';
}

export interface RulesListing {
  rules: RuleListing[];
  /** Diagnostics the engine itself reports; always on, not configurable. */
  engine: Array<{ id: string; description: string }>;
}

const ENGINE_DESCRIPTIONS: Record<string, string> = {
  'syntax-error': 'A statement PostgreSQL would reject, at the exact error position; the other statements are still linted.',
  'internal-error': 'A rule crashed on a file; the other rules still ran.',
  'unused-suppression': 'A sqlwarden-ignore comment that names an unknown rule or suppresses nothing.',
  'not-analysed': 'A statement larger than the engine analyses (1 million characters): no rule checked it and the schema does not include it; the rest of the file is still linted.',
};

const HELP_AFTER = `
Lists every rule the configuration in the current directory can use: the built-in rules and
those of the plugins it names, with their metadata (category, default and configured severity,
fixes, options schema, and the equivalent checks in other tools).`;

export async function rulesCommand(argv: readonly string[], io: CommandIO): Promise<number> {
  const program = subcommand('rules', io)
    .description('List every rule with its metadata.')
    .usage('[options]')
    .addOption(formatOption())
    .option('-c, --config <path>', 'use this config file instead of looking one up')
    .option('--color', 'force coloured output')
    .option('--no-color', 'disable coloured output')
    .addHelpText('after', HELP_AFTER);
  const parsed = parseCommand(program, argv);
  if (!parsed.ok) return parsed.code;
  const options = program.opts<RulesOptions>();
  try {
    const listing = await listRules(io, options);
    if (options.format === 'json') io.stdout.write(`${JSON.stringify(listing, null, 2)}\n`);
    else io.stdout.write(formatRulesText(listing, useColor(options.color, io.stdout, io.env)));
    return 0;
  } catch (error) {
    return reportFailure('rules', error, io);
  }
}

export async function listRules(io: CommandIO, options: { config?: string }): Promise<RulesListing> {
  const setup = await createLinter(io, options);
  const { ENGINE_RULE_IDS } = await import('@sqlwarden/core');
  const { builtinRules } = await import('@sqlwarden/rules');
  // The config that applies to a SQL file in the working directory.
  const probe = path.join(setup.cwd, '__sqlwarden_rules__.sql');
  const rules = await setup.linter.rulesForFile(probe);
  const config = setup.linter.resolvedConfigFor(probe);
  const builtin = new Set<Rule<any>>(builtinRules);
  const listed = rules.map((rule): RuleListing => {
    const meta = rule.meta;
    const setting = config.rules.get(meta.id);
    const entry: RuleListing = {
      id: meta.id,
      description: meta.description,
      category: meta.category,
      defaultSeverity: meta.defaultSeverity,
      severity: setting?.severity ?? 'off',
      fixable: meta.fixable ?? null,
      hasSuggestions: meta.hasSuggestions ?? false,
      recommended: meta.docs?.recommended ?? false,
      docsUrl: meta.docs?.url ?? null,
      schema: meta.schema ?? null,
      defaultOptions: meta.defaultOptions ?? null,
      groupRepeats: meta.groupRepeats ?? null,
      dialects: meta.dialects ?? null,
      sources: meta.sources ?? [],
      origin: builtin.has(rule) ? 'builtin' : 'plugin',
    };
    if (setting && Object.keys(setting.options).length > 0) entry.options = setting.options;
    return entry;
  });
  listed.sort((a, b) => (a.origin === b.origin ? a.id.localeCompare(b.id) : a.origin === 'builtin' ? -1 : 1));
  return { rules: listed, engine: ENGINE_RULE_IDS.map((id) => ({ id, description: ENGINE_DESCRIPTIONS[id] ?? '' })) };
}

function formatRulesText(listing: RulesListing, color: boolean): string {
  const c = createColors(color);
  const out: string[] = [];
  const severityColor = (s: SeverityName): string => (s === 'error' ? c.red(s) : s === 'warn' ? c.yellow(s) : c.dim(s));
  const byCategory = new Map<string, RuleListing[]>();
  for (const rule of listing.rules) {
    const list = byCategory.get(rule.category) ?? [];
    list.push(rule);
    byCategory.set(rule.category, list);
  }
  for (const [category, rules] of byCategory) {
    out.push(c.bold(c.underline(category)));
    for (const rule of rules) {
      const traits = [rule.fixable ? 'fix' : '', rule.hasSuggestions ? 'suggestions' : '', rule.origin === 'plugin' ? 'plugin' : ''].filter(Boolean);
      const configured = rule.severity === rule.defaultSeverity ? severityColor(rule.severity) : `${severityColor(rule.severity)} ${c.dim(`(default ${rule.defaultSeverity})`)}`;
      out.push(`  ${c.bold(rule.id)}  ${configured}${traits.length ? c.dim(`  [${traits.join(', ')}]`) : ''}`);
      out.push(`    ${rule.description}`);
      if (rule.options) out.push(c.dim(`    options: ${JSON.stringify(rule.options)}`));
      const optionNames = [...(rule.schema && typeof rule.schema.properties === 'object' && rule.schema.properties ? Object.keys(rule.schema.properties) : []), ...(rule.groupRepeats ? ['groupRepeats'] : [])];
      if (optionNames.length > 0) out.push(c.dim(`    options schema: ${optionNames.join(', ')}`));
      if (rule.groupRepeats) out.push(c.dim(`    repeated findings: one per ${rule.groupRepeats} (groupRepeats: false reports each)`));
      if (rule.sources.length > 0) {
        out.push(c.dim(`    also in: ${rule.sources.map((s) => `${s.tool} ${s.rule}${s.note ? ` (${s.note})` : ''}`).join('; ')}`));
      }
      if (rule.docsUrl) out.push(c.dim(`    ${rule.docsUrl}`));
    }
    out.push('');
  }
  out.push(c.bold(c.underline('engine (always on)')));
  for (const e of listing.engine) out.push(`  ${c.bold(e.id)}  ${e.description}`);
  out.push('', `${listing.rules.length} rules (${listing.rules.filter((r) => r.severity !== 'off').length} enabled here).`);
  return `${out.join('\n')}\n`;
}
