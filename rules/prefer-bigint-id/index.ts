import { defineRule } from '@sqlwarden/core';
import type { RuleContext, Statement, TypeRef } from '@sqlwarden/core';
import { declaredColumnTypes, declaredTypeSpan, isPrimaryKeyColumn, matchCase, referencedBy, type DeclaredColumnType } from '../_shared/column-types.ts';
import { hypotheticalTypeChange } from '../_shared/locks.ts';

interface Options {
  /** A regular expression (JavaScript syntax) for column names to treat as ids even without a declared key, e.g. `^(id|.+_id)$`. */
  idColumnPattern?: string;
}

const SMALL_INTEGERS: Readonly<Record<string, { max: string; extraBytes: number }>> = {
  int4: { max: '2,147,483,647', extraBytes: 4 },
  serial: { max: '2,147,483,647', extraBytes: 4 },
  serial4: { max: '2,147,483,647', extraBytes: 4 },
  int2: { max: '32,767', extraBytes: 6 },
  smallserial: { max: '32,767', extraBytes: 6 },
  serial2: { max: '32,767', extraBytes: 6 },
};

const SERIALS = new Set(['serial', 'serial4', 'smallserial', 'serial2']);

/** The 64-bit spelling that matches how the type was written. */
const WIDER: Readonly<Record<string, string>> = {
  int: 'bigint',
  integer: 'bigint',
  smallint: 'bigint',
  int4: 'int8',
  int2: 'int8',
  serial: 'bigserial',
  smallserial: 'bigserial',
  serial4: 'serial8',
  serial2: 'serial8',
};

const MESSAGES = {
  primaryKey:
    'Primary key `{{table}}.{{column}}` is `{{written}}`: ids run out at {{max}}, and from then on every INSERT fails ({{failure}}). Widening it then {{cost}}, and every foreign key column that references it needs the same change. Use {{instead}} ({{extraBytes}} more bytes per row).',
  generated:
    '`{{table}}.{{column}}` is filled from a sequence as `{{written}}`: it runs out at {{max}}, and from then on every INSERT fails ({{failure}}). Widening it then {{cost}}. Use {{instead}} ({{extraBytes}} more bytes per row).',
  foreignKeyNarrower:
    'Foreign key column `{{table}}.{{column}}` is `{{written}}` but references `{{referenced}}`, which is {{referencedType}}: once ids pass {{max}}, rows that point to them cannot be stored (integer out of range). Use {{instead}}.',
  foreignKey:
    'Foreign key column `{{table}}.{{column}}` is `{{written}}`, so it can only point to ids up to {{max}}: when `{{referenced}}` is widened to bigint this column must be widened too, and that {{cost}}. Use {{instead}}; a bigint column can reference an integer key.',
  namedId:
    '`{{table}}.{{column}}` looks like an id (it matches `idColumnPattern`) and is `{{written}}`: it can only hold ids up to {{max}}, and widening it later {{cost}}. Use {{instead}}.',
};

type Kind = keyof typeof MESSAGES;

export default defineRule<Options>({
  meta: {
    id: 'prefer-bigint-id',
    description: 'Prefer 64-bit ids: `integer`/`smallint`/`serial` primary keys, sequence-filled columns and foreign key columns run out of values, and widening them later rewrites the table.',
    docs: { url: 'https://github.com/sqlwarden/sqlwarden/blob/main/rules/prefer-bigint-id/README.md', recommended: true },
    defaultSeverity: 'warn',
    category: 'style',
    groupRepeats: 'file',
    hasSuggestions: true,
    dialects: ['postgresql'],
    schema: {
      type: 'object',
      properties: {
        idColumnPattern: { type: 'string', description: 'A regular expression for column names to treat as ids even without a declared key, e.g. "^(id|.+_id)$".' },
      },
      additionalProperties: false,
    },
    defaultOptions: {},
    sources: [
      { tool: 'squawk', rule: 'prefer-bigint-over-int', note: 'squawk flags every int/integer/serial column; sqlwarden only ids: primary keys, sequence-filled columns, foreign keys (and names matching `idColumnPattern`).' },
      { tool: 'squawk', rule: 'prefer-bigint-over-smallint', note: 'As above, for smallint/smallserial.' },
      { tool: 'postgres-language-server', rule: 'preferBigintOverInt' },
      { tool: 'postgres-language-server', rule: 'preferBigintOverSmallint' },
      { tool: 'postgres-language-server', rule: 'preferBigInt' },
    ],
  },
  create(context: RuleContext<Options>) {
    const text = context.file.text;
    let pattern: RegExp | undefined;
    if (context.options.idColumnPattern) {
      try {
        pattern = new RegExp(context.options.idColumnPattern);
      } catch (error) {
        throw new Error(`option idColumnPattern is not a valid regular expression: ${(error as Error).message}`);
      }
    }

    /** The type of the column a foreign key points to, when known. */
    function referencedType(declared: DeclaredColumnType, ref: { table: { schema?: string; name: string }; column?: string }): { name: string; type?: TypeRef } {
      const selfReference = declared.statement.type === 'CreateTable' && ref.table.name === declared.table.name && (ref.table.schema ?? 'public') === (declared.table.schema ?? 'public');
      if (selfReference && declared.statement.type === 'CreateTable') {
        const stmt = declared.statement;
        const column = ref.column ?? stmt.columns.find((c) => c.primaryKey)?.name ?? stmt.constraints.find((c) => c.kind === 'primary_key')?.columns[0];
        const def = stmt.columns.find((c) => c.name === column);
        return { name: `${ref.table.name}.${column ?? 'id'}`, ...(def ? { type: def.dataType } : {}) };
      }
      const table = context.resolveTable(ref.table);
      const column = ref.column ?? table?.constraints.find((c) => c.kind === 'primary_key')?.columns[0];
      const known = table && column !== undefined ? context.catalog.getColumn(table, column) : undefined;
      return { name: `${ref.table.name}.${column ?? '(primary key)'}`, ...(known ? { type: known.type } : {}) };
    }

    function catalogKeyKind(declared: DeclaredColumnType): 'primaryKey' | 'foreignKey' | undefined {
      if (declared.where !== 'alter') return undefined;
      const table = context.resolveTable(declared.table);
      if (!table) return undefined;
      if (table.constraints.some((c) => c.kind === 'primary_key' && c.columns.includes(declared.column))) return 'primaryKey';
      if (table.constraints.some((c) => c.kind === 'foreign_key' && c.columns.includes(declared.column))) return 'foreignKey';
      return undefined;
    }

    return {
      Statement(stmt: Statement) {
        if (stmt.type === 'CreateTable' && stmt.temporary) return;
        for (const declared of declaredColumnTypes(stmt)) {
          const limits = SMALL_INTEGERS[declared.type.name];
          if (!limits || declared.type.arrayDimensions > 0) continue;
          const serial = SERIALS.has(declared.type.name);
          const identity = declared.columnDef?.constraints.some((c) => c.kind === 'identity') ?? false;
          const ref = referencedBy(declared);
          const keyKind = catalogKeyKind(declared);
          let kind: Kind | undefined;
          let referenced: { name: string; type?: TypeRef } | undefined;
          if (isPrimaryKeyColumn(declared) || keyKind === 'primaryKey') kind = 'primaryKey';
          else if (serial || identity) kind = 'generated';
          else if (ref) {
            referenced = referencedType(declared, ref);
            const wider = referenced.type && (referenced.type.name === 'int8' || referenced.type.name === 'bigserial' || referenced.type.name === 'serial8' || (referenced.type.name === 'int4' && declared.type.name === 'int2'));
            kind = wider ? 'foreignKeyNarrower' : 'foreignKey';
          } else if (keyKind === 'foreignKey') kind = 'foreignKey';
          else if (pattern?.test(declared.column)) kind = 'namedId';
          if (!kind) continue;

          const span = declaredTypeSpan(context, declared);
          if (!span) continue;
          const written = text.slice(span.range.start, span.range.end).replace(/\s+/g, ' ');
          const nameText = text.slice(span.nameToken.start, span.nameToken.end);
          const wider = WIDER[nameText.toLowerCase().replace(/^"|"$/g, '')] ?? (serial ? 'bigserial' : 'bigint');
          const baseText = text.slice(span.base.start, span.base.end);
          const replacement = matchCase(baseText, wider);
          const instead = serial ? 'bigserial (or bigint GENERATED BY DEFAULT AS IDENTITY)' : identity ? 'bigint GENERATED ... AS IDENTITY' : 'bigint';
          const failure = serial || identity ? 'nextval: reached maximum value of sequence' : `${declared.type.name === 'int2' ? 'smallint' : 'integer'} out of range`;
          const referencedTypeName = referenced?.type ? (referenced.type.name === 'int8' ? 'bigint' : referenced.type.name) : '';
          context.report({
            range: span.range,
            message: MESSAGES[kind],
            data: {
              table: declared.table.name,
              column: declared.column,
              written,
              max: limits.max,
              extraBytes: limits.extraBytes,
              failure,
              cost: hypotheticalTypeChange(context, declared.table, declared.column, declared.type, 'int8'),
              instead,
              referenced: referenced?.name ?? '',
              referencedType: referencedTypeName,
            },
            suggestions: [{ desc: `Use ${replacement}.`, fix: { range: [span.base.start, span.base.end], text: replacement } }],
          });
        }
      },
    };
  },
});
