import { defineRule } from '@sqlwarden/core';
import type { CatalogTable, ColumnDef, Constraint, Expr, RuleContext, Statement, StatementInfo, TypeRef } from '@sqlwarden/core';
import { declaredColumnTypes, declaredTypeSpan, isPrimaryKeyColumn, matchCase, referencedBy, type DeclaredColumnType } from '../_shared/column-types.ts';
import { hypotheticalTypeChange } from '../_shared/locks.ts';
import { perFile } from '../_shared/per-file.ts';
import { tableKey as tableKeyOf } from '../_shared/transactions.ts';
import { isSingletonColumn } from './growing-id.ts';

/** Every column type this file declares, by section, table and column, in file order (built once per lint). */
function declarationsByColumn(statements: readonly StatementInfo[]): Map<string, Array<{ index: number; declared: DeclaredColumnType }>> {
  const out = new Map<string, Array<{ index: number; declared: DeclaredColumnType }>>();
  for (const info of statements) {
    if (!info.node || (info.node.type !== 'CreateTable' && info.node.type !== 'AlterTable')) continue;
    for (const declared of declaredColumnTypes(info.node)) {
      const key = `${info.section}\0${tableKeyOf(declared.table)}\0${declared.column}`;
      const list = out.get(key);
      if (list) list.push({ index: info.index, declared });
      else out.set(key, [{ index: info.index, declared }]);
    }
  }
  return out;
}

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

/** Headlines: the problem and the 64-bit type to use. */
const MESSAGES = {
  primaryKey: 'Primary key `{{table}}.{{column}}` is `{{written}}`, which runs out at {{max}}; use {{instead}}',
  generated: 'Sequence-filled `{{table}}.{{column}}` is `{{written}}`, which runs out at {{max}}; use {{instead}}',
  foreignKeyNarrower: 'Foreign key `{{table}}.{{column}}` is `{{written}}`, narrower than the {{referencedType}} key `{{referenced}}`; use {{instead}}',
  foreignKey: 'Foreign key `{{table}}.{{column}}` is `{{written}}` and must be widened along with `{{referenced}}`; use {{instead}}',
  namedId: '`{{table}}.{{column}}` looks like an id but is `{{written}}`, which holds at most {{max}}; use {{instead}}',
};

/** The explanations behind the headlines. */
const DETAILS: Readonly<Record<keyof typeof MESSAGES, string>> = {
  primaryKey:
    'Ids of `{{table}}.{{column}}` run out at {{max}}, and from then on every INSERT fails ({{failure}}). Widening it then {{cost}}, and every foreign key column that references it needs the same change. Use {{instead}} ({{extraBytes}} more bytes per row).',
  generated:
    '`{{table}}.{{column}}` is filled from a sequence as `{{written}}`: it runs out at {{max}}, and from then on every INSERT fails ({{failure}}). Widening it then {{cost}}. Use {{instead}} ({{extraBytes}} more bytes per row).',
  foreignKeyNarrower:
    '`{{table}}.{{column}}` references `{{referenced}}`, which is {{referencedType}}: once ids pass {{max}}, rows that point to them cannot be stored (integer out of range). Use {{instead}}.',
  foreignKey:
    '`{{table}}.{{column}}` is `{{written}}`, so it can only point to ids up to {{max}}: when `{{referenced}}` is widened to bigint this column must be widened too, and that {{cost}}. Use {{instead}} now; a bigint column can reference an integer key.',
  namedId:
    '`{{table}}.{{column}}` matches `idColumnPattern`, so it is taken as an id: as `{{written}}` it can only hold ids up to {{max}}, and widening it later {{cost}}. Use {{instead}}.',
};

type Kind = keyof typeof MESSAGES;

/** `nextval('seq')`, possibly cast (`nextval('s'::regclass)` is already an argument cast). */
function isNextval(expr: Expr | undefined): boolean {
  if (!expr) return false;
  if (expr.type === 'Cast') return isNextval(expr.expr);
  return expr.type === 'FuncCall' && expr.name === 'nextval' && (expr.schema === undefined || expr.schema === 'pg_catalog');
}

/** Filled from a sequence: a serial type, an identity column or `DEFAULT nextval(...)`. */
function isSequenceFilled(def: ColumnDef): boolean {
  if (SERIALS.has(def.dataType.name) || def.dataType.name === 'bigserial' || def.dataType.name === 'serial8') return true;
  return isNextval(def.default) || def.constraints.some((c) => c.kind === 'identity' || (c.kind === 'default' && isNextval(c.expr)));
}

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
      { tool: 'squawk', rule: 'prefer-bigint-over-int', note: 'squawk flags every int/integer/serial column; sqlwarden only growing ids: sequence-filled columns (keys or not) and foreign keys to them (and names matching `idColumnPattern`).' },
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

    /**
     * The column a foreign key points to: its name, type when known, and whether it is a growing id
     * (filled from a sequence, and not pinned to one row). From the catalog, a column with a default
     * that is the table's whole primary key counts as sequence-filled: the catalog keeps only that
     * there is a default, and a constant default on a single-column key fails on the second row.
     */
    function referencedColumn(declared: DeclaredColumnType, ref: { table: { schema?: string; name: string }; column?: string }): { name: string; type?: TypeRef; growing: boolean } {
      const selfReference = declared.statement.type === 'CreateTable' && ref.table.name === declared.table.name && (ref.table.schema ?? 'public') === (declared.table.schema ?? 'public');
      if (selfReference && declared.statement.type === 'CreateTable') {
        const stmt = declared.statement;
        const column = ref.column ?? stmt.columns.find((c) => c.primaryKey)?.name ?? stmt.constraints.find((c) => c.kind === 'primary_key')?.columns[0];
        const def = stmt.columns.find((c) => c.name === column);
        const growing = def !== undefined && isSequenceFilled(def) && !isSingletonColumn([...stmt.constraints, ...def.constraints], def.name);
        return { name: `${ref.table.name}.${column ?? 'id'}`, ...(def ? { type: def.dataType } : {}), growing };
      }
      const table = context.resolveTable(ref.table);
      const column = ref.column ?? table?.constraints.find((c) => c.kind === 'primary_key')?.columns[0];
      const known = table && column !== undefined ? context.catalog.getColumn(table, column) : undefined;
      const growing = table !== undefined && known !== undefined && isGrowingKey(table, known.name, known.hasDefault);
      return { name: `${ref.table.name}.${column ?? '(primary key)'}`, ...(known ? { type: known.type } : {}), growing };
    }

    /** A catalog column that is the table's whole primary key, has a default, and is not pinned to one row. */
    function isGrowingKey(table: CatalogTable, column: string, hasDefault: boolean): boolean {
      if (!hasDefault) return false;
      const key = table.constraints.find((c) => c.kind === 'primary_key');
      return key !== undefined && key.columns.length === 1 && key.columns[0] === column && !isSingletonColumn([...table.constraints], column);
    }

    function catalogKeyKind(declared: DeclaredColumnType): 'primaryKey' | 'foreignKey' | undefined {
      if (declared.where !== 'alter') return undefined;
      const table = context.resolveTable(declared.table);
      if (!table) return undefined;
      if (table.constraints.some((c) => c.kind === 'primary_key' && c.columns.includes(declared.column))) return 'primaryKey';
      if (table.constraints.some((c) => c.kind === 'foreign_key' && c.columns.includes(declared.column))) return 'foreignKey';
      return undefined;
    }

    /** Reports a declared column as a growing id of `kind`, with the 64-bit type as a suggestion. */
    function reportColumn(declared: DeclaredColumnType, kind: Kind, referenced: { name: string; type?: TypeRef } | undefined): void {
      const limits = SMALL_INTEGERS[declared.type.name]!;
      const serial = SERIALS.has(declared.type.name);
      const identity = declared.columnDef?.constraints.some((c) => c.kind === 'identity') ?? false;
      const span = declaredTypeSpan(context, declared);
      if (!span) return;
      const written = text.slice(span.range.start, span.range.end).replace(/\s+/g, ' ');
      const nameText = text.slice(span.nameToken.start, span.nameToken.end);
      // A serial becomes the bigint identity column (PostgreSQL 10+), not bigserial, which
      // prefer-identity reports: the two rules' suggestions agree.
      const identityForm = serial && context.settings.postgresVersion >= 10;
      const wider = identityForm ? 'bigint GENERATED BY DEFAULT AS IDENTITY' : (WIDER[nameText.toLowerCase().replace(/^"|"$/g, '')] ?? (serial ? 'bigserial' : 'bigint'));
      const baseText = text.slice(span.base.start, span.base.end);
      const replacement = matchCase(baseText, wider);
      const instead = identityForm ? 'bigint GENERATED BY DEFAULT AS IDENTITY' : serial ? 'bigserial' : identity ? 'bigint GENERATED ... AS IDENTITY' : 'bigint';
      const failure = serial || identity ? 'nextval: reached maximum value of sequence' : `${declared.type.name === 'int2' ? 'smallint' : 'integer'} out of range`;
      const referencedTypeName = referenced?.type ? (referenced.type.name === 'int8' ? 'bigint' : referenced.type.name) : '';
      context.report({
        range: span.range,
        message: MESSAGES[kind],
        detail: DETAILS[kind],
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
        suggestions: [{ desc: `Use ${replacement}`, fix: { range: [span.base.start, span.base.end], text: replacement } }],
      });
    }

    /**
     * `ALTER TABLE ... ADD CONSTRAINT ... FOREIGN KEY (col) REFERENCES t (id)` on a column this file
     * declared earlier without a key (Prisma and pg_dump add every foreign key after the tables):
     * reported at the column's declaration, where the type is written, once the referenced key is
     * known. A column declared in an earlier file is left alone (its type is not written here).
     */
    function checkForeignKeysAddedLater(stmt: Statement): void {
      if (stmt.type !== 'AlterTable' || stmt.objectKind !== 'table') return;
      const current = context.statement;
      const table = context.resolveTable(stmt.table);
      for (const action of stmt.actions) {
        const c = action.constraint;
        if (action.action !== 'add_constraint' || c?.kind !== 'foreign_key' || !c.references) continue;
        c.columns.forEach((column, position) => {
          const declared = perFile(context, declarationsByColumn, declarationsByColumn)
            .get(`${current.section}\0${tableKeyOf(stmt.table)}\0${column}`)
            ?.filter((d) => d.index < current.index)
            .at(-1)?.declared;
          if (!declared || declared.where === 'alter' || declared.type.arrayDimensions > 0 || !SMALL_INTEGERS[declared.type.name]) return;
          // Already judged where it was declared: a sequence-filled column (a growing key itself), an
          // inline or table-level foreign key. A key the application fills is judged by what it references.
          if (referencedBy(declared) || (declared.columnDef && isSequenceFilled(declared.columnDef))) return;
          // Widened or dropped since: the catalog's column is what the foreign key constrains.
          const now = table ? context.catalog.getColumn(table, column) : undefined;
          if (table?.columnsKnown && (!now || !SMALL_INTEGERS[now.type.name])) return;
          const target = referencedColumn(declared, { table: c.references!.table, ...(c.references!.columns[position] !== undefined ? { column: c.references!.columns[position]! } : {}) });
          if (!target.growing) return;
          const wider = target.type && (target.type.name === 'int8' || target.type.name === 'bigserial' || target.type.name === 'serial8' || (target.type.name === 'int4' && declared.type.name === 'int2'));
          reportColumn(declared, wider ? 'foreignKeyNarrower' : 'foreignKey', target);
        });
      }
    }

    return {
      Statement(stmt: Statement) {
        checkForeignKeysAddedLater(stmt);
        if (stmt.type === 'CreateTable' && stmt.temporary) return;
        for (const declared of declaredColumnTypes(stmt)) {
          const limits = SMALL_INTEGERS[declared.type.name];
          if (!limits || declared.type.arrayDimensions > 0) continue;
          const ref = referencedBy(declared);
          const keyKind = catalogKeyKind(declared);
          // A growing id is filled from a sequence; a key of a small domain (type, shard, position)
          // or one the application assigns does not run out by itself. ALTER COLUMN TYPE: the catalog
          // only knows that a single-column key has a default.
          const table = declared.where === 'alter' ? context.resolveTable(declared.table) : undefined;
          const sequenceFilled = declared.columnDef ? isSequenceFilled(declared.columnDef) : table !== undefined && keyKind === 'primaryKey' && isGrowingKey(table, declared.column, context.catalog.getColumn(table, declared.column)?.hasDefault ?? false);
          const ownConstraints: Pick<Constraint, 'kind' | 'expr'>[] = [
            ...(declared.columnDef?.constraints ?? []),
            ...(declared.statement.type === 'CreateTable' ? declared.statement.constraints : declared.statement.actions.flatMap((a) => (a.action === 'add_constraint' && a.constraint ? [a.constraint] : []))),
            ...(table?.constraints ?? []),
          ];
          // `CHECK (id = 1)`: a one-row table.
          if (isSingletonColumn(ownConstraints, declared.column)) continue;
          let kind: Kind | undefined;
          let referenced: { name: string; type?: TypeRef } | undefined;
          if (sequenceFilled && (isPrimaryKeyColumn(declared) || keyKind === 'primaryKey')) kind = 'primaryKey';
          else if (sequenceFilled) kind = 'generated';
          else if (ref) {
            const target = referencedColumn(declared, ref);
            if (target.growing) {
              referenced = target;
              const wider = target.type && (target.type.name === 'int8' || target.type.name === 'bigserial' || target.type.name === 'serial8' || (target.type.name === 'int4' && declared.type.name === 'int2'));
              kind = wider ? 'foreignKeyNarrower' : 'foreignKey';
            }
          }
          if (!kind && pattern?.test(declared.column)) kind = 'namedId';
          if (!kind) continue;

          reportColumn(declared, kind, referenced);
        }
      },
    };
  },
});
