import { builtinRules } from '@sqlwarden/rules';
import { beforeAll, describe, expect, it } from 'vitest';
import { Catalog } from '../../src/catalog/catalog.ts';
import { lint, ready } from './helpers.ts';

beforeAll(() => ready);

describe('templated names in messages', () => {
  it('are shown as written in the source, never as the x___ stand-in the parser saw', () => {
    const text = [
      'ALTER TABLE {{ .Schema }}.users ADD COLUMN note text NOT NULL DEFAULT now()::text;',
      'CREATE INDEX users_idx ON ${schema}.users (email);',
      'ALTER TABLE :schema.users RENAME TO people;',
    ].join('\n');
    const messages = lint(text, { rules: builtinRules }).messages;
    expect(messages.filter((m) => m.ruleId === 'syntax-error')).toEqual([]);
    for (const m of messages) expect(`${m.message}\n${m.detail ?? ''}\n${m.fix?.desc ?? ''}`).not.toMatch(/\bx__/);
    // Headlines and details both name tables as the source writes them.
    const on = (line: number) => messages.filter((m) => m.line === line).map((m) => `${m.message}\n${m.detail ?? ''}`).join('\n');
    expect(on(1)).toContain('ACCESS EXCLUSIVE lock on `{{ .Schema }}.users`');
    // The name of line 1's table in a message about line 2 is the one line 1 writes.
    expect(on(2)).toMatch(/scanning all of `\$\{schema\}\.users` while this transaction still holds the ACCESS EXCLUSIVE lock on `\{\{ \.Schema \}\}\.users`/);
    expect(on(3)).toContain('Renaming table `:schema.users` to `people`');
  });

  it('a table an earlier file created under a placeholder is named as this file writes it', () => {
    const catalog = new Catalog();
    lint('CREATE TABLE {{ .Schema }}.orders (id int, status text);', { catalog, filePath: 'migrations/001.sql' });
    const messages = lint('ALTER TABLE {{ .Schema }}.orders ALTER COLUMN status SET NOT NULL;', { rules: builtinRules, catalog, filePath: 'migrations/002.sql' }).messages;
    expect(messages.length).toBeGreaterThan(0);
    for (const m of messages) expect(`${m.message}\n${m.detail ?? ''}`).not.toMatch(/\bx__/);
    expect(messages.some((m) => m.message.includes('`{{ .Schema }}.orders`'))).toBe(true);
  });
});
