import { InvalidArgumentError } from 'commander';

const SEVERITY_WORDS = new Set(['off', 'warn', 'error']);

export type RuleSetting = 'off' | 'warn' | 'error' | 0 | 1 | 2 | [unknown, ...unknown[]];

function parseSeverity(raw: unknown): 'off' | 'warn' | 'error' | 0 | 1 | 2 | undefined {
  if (typeof raw === 'number') return raw === 0 || raw === 1 || raw === 2 ? raw : undefined;
  if (typeof raw !== 'string') return undefined;
  const value = raw.trim();
  if (SEVERITY_WORDS.has(value)) return value as 'off' | 'warn' | 'error';
  if (value === '0' || value === '1' || value === '2') return Number(value) as 0 | 1 | 2;
  return undefined;
}

function parseSetting(id: string, raw: unknown): RuleSetting {
  if (Array.isArray(raw)) {
    const severity = parseSeverity(raw[0]);
    if (raw.length === 0 || severity === undefined) {
      throw new InvalidArgumentError(`Rule "${id}": the array must start with a severity ("off", "warn", "error", 0, 1 or 2).`);
    }
    return [severity, ...raw.slice(1)];
  }
  const severity = parseSeverity(raw);
  if (severity === undefined) {
    throw new InvalidArgumentError(
      `Rule "${id}": ${JSON.stringify(raw)} is not a severity (use off, warn, error, 0, 1, 2 or a JSON array like ["error", {...}]).`,
    );
  }
  return severity;
}

/**
 * One `--rule` value: `id:severity`, `id:["error",{...}]` (JSON), or a JSON object of several
 * rules `{"id":"warn"}`. Which ids exist and whether options fit the schema is the engine's job.
 */
export function parseRuleOption(value: string): Record<string, RuleSetting> {
  const text = value.trim();
  if (text.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new InvalidArgumentError(`Not valid JSON: ${(error as Error).message}`);
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new InvalidArgumentError('Expected a JSON object of rule settings.');
    }
    const rules: Record<string, RuleSetting> = {};
    for (const [id, setting] of Object.entries(parsed)) rules[id] = parseSetting(id, setting);
    return rules;
  }
  const colon = text.indexOf(':');
  if (colon <= 0) {
    throw new InvalidArgumentError('Expected "rule-id:severity", e.g. "no-select-star:error".');
  }
  const id = text.slice(0, colon).trim();
  const rest = text.slice(colon + 1).trim();
  if (rest.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(rest);
    } catch (error) {
      throw new InvalidArgumentError(`Rule "${id}": not valid JSON: ${(error as Error).message}`);
    }
    return { [id]: parseSetting(id, parsed) };
  }
  return { [id]: parseSetting(id, rest) };
}
