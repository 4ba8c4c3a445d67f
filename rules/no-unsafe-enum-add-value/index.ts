import { defineRule } from '@sqlwarden/core';
import type { AlterEnum, ColumnRef, Expr, FuncCall, Literal, Node, QualifiedName, RuleContext, Statement, StatementInfo, TypeRef } from '@sqlwarden/core';
import { quoteIdent } from '../_shared/query.ts';
import { effectsOf, headRange, lineAt, mainRelation, quoteStatement, transactionReason, transactionRemedy } from '../_shared/lock-hygiene.ts';

const MESSAGES = {
  inTransaction: 'ALTER TYPE {{type}} ADD VALUE fails inside a transaction block before PostgreSQL 12; run it outside one',
  use: "New enum value '{{value}}' is used before its ADD VALUE (line {{line}}) commits, which PostgreSQL rejects; commit in between",
  useUnsure: "New enum value '{{value}}' may be used before its ADD VALUE (line {{line}}) commits, which PostgreSQL rejects; commit in between",
  rename: "Renaming enum {{type}} value '{{old}}' breaks clients that still send it; add '{{value}}' as a new value",
};

const DETAILS = {
  inTransaction:
    'ALTER TYPE ... ADD VALUE cannot run inside a transaction block before PostgreSQL 12, and {{reason}}: on PostgreSQL {{version}} the migration fails with "ALTER TYPE ... ADD cannot run inside a transaction block". {{remedy}} Several values need one such migration each, or all of them outside a transaction.',
  use: "{{what}} uses '{{value}}', the value that {{added}} (line {{line}}) adds to enum {{type}} in the same transaction{{unsure}}: PostgreSQL rejects it with \"unsafe use of new value\" until the ADD VALUE has committed. Commit in between: put the ADD VALUE in a migration of its own, or end the transaction after line {{line}}.",
  unsure: ' (if {{column}} is of type {{type}}: the schema sqlwarden has seen does not say)',
  rename:
    "Renaming a label is instant, but PostgreSQL rejects the old one from then on (invalid input value for enum): every client that still sends or compares '{{old}}' breaks. Add '{{value}}' as a new value instead, make the application handle both, move the rows over, then stop using '{{old}}' (enum values cannot be dropped without recreating the type).",
};

interface Added {
  type: QualifiedName;
  value: string;
  info: StatementInfo;
}

function sameType(a: { schema?: string; name: string }, b: { schema?: string; name: string }): boolean {
  return a.name === b.name && (a.schema === undefined || b.schema === undefined || a.schema === b.schema);
}

function typeSql(name: { schema?: string; name: string }): string {
  return `\`${name.schema ? `${quoteIdent(name.schema)}.` : ''}${quoteIdent(name.name)}\``;
}

/** `CREATE TYPE name AS ENUM (...)`: the type name, from the parser's node. */
function createdEnum(node: Statement | undefined): { schema?: string; name: string } | undefined {
  if (node?.type !== 'OtherStatement' || node.kind !== 'CreateEnumStmt') return undefined;
  const parts = ((node.raw as { CreateEnumStmt?: { typeName?: Array<{ String?: { sval?: string } }> } }).CreateEnumStmt?.typeName ?? []).map((p) => p.String?.sval ?? '');
  const name = parts[parts.length - 1];
  if (!name) return undefined;
  return parts.length > 1 ? { schema: parts[parts.length - 2]!, name } : { name };
}

export default defineRule({
  meta: {
    id: 'no-unsafe-enum-add-value',
    description:
      'ALTER TYPE ... ADD VALUE inside a transaction block before PostgreSQL 12, a use of the new value later in the same transaction (PostgreSQL rejects both), and RENAME VALUE, which breaks clients that send the old label.',
    docs: { url: 'https://github.com/sqlwarden/sqlwarden/blob/main/rules/no-unsafe-enum-add-value/README.md', recommended: true },
    defaultSeverity: 'error',
    category: 'migration-safety',
    dialects: ['postgresql'],
    sources: [
      { tool: 'postgres-language-server', rule: 'avoidAlterEnumAddValue', note: 'pgls reports every ADD VALUE; sqlwarden only the ones PostgreSQL rejects (in a transaction before 12) and later uses of the new value in the same transaction.' },
      { tool: 'strong_migrations', rule: 'rename_enum_value' },
      {
        tool: 'squawk',
        rule: 'require-enum-value-ordering',
        note: 'Not an equivalent: squawk asks for BEFORE/AFTER on every ADD VALUE (an ordering style rule) and has no check for transaction blocks or uses of the new value.',
      },
      { tool: 'eugene', rule: 'W13', note: 'Not an equivalent: eugene discourages creating enum types at all.' },
    ],
  },
  create(context: RuleContext) {
    const text = context.file.text;
    const version = context.settings.postgresVersion;
    const added = new Map<string, Added[]>();
    const txKey = (info: StatementInfo): string | undefined => (info.transactionId === undefined ? undefined : `${info.section}:${info.transactionId}`);

    /** Whether an earlier statement of the same transaction created the enum type. */
    function createdInTransaction(type: QualifiedName): boolean {
      const info = context.statement;
      return context.file.statements.some((s) => {
        if (s.index >= info.index || s.section !== info.section || s.transactionId !== info.transactionId) return false;
        const created = createdEnum(s.node);
        return created !== undefined && sameType(created, type);
      });
    }

    function createdInFile(type: QualifiedName): boolean {
      const info = context.statement;
      return context.file.statements.some((s) => s.index < info.index && s.section === info.section && createdEnum(s.node) !== undefined && sameType(createdEnum(s.node)!, type));
    }

    function addValue(stmt: AlterEnum): void {
      const info = context.statement;
      if (!info.transaction) return;
      const forbidden = effectsOf(context, stmt).some((e) => e.forbiddenInTransaction);
      if (forbidden) {
        // Before 12, ADD VALUE is allowed in the transaction that created the type (pg_dump --binary-upgrade needs it).
        if (createdInTransaction(stmt.name)) return;
        context.report({
          range: headRange(text, stmt.range),
          message: MESSAGES.inTransaction,
          detail: DETAILS.inTransaction,
          fails: true,
          data: { type: typeSql(stmt.name), reason: transactionReason(context, info.transaction), remedy: transactionRemedy(context, info.transaction), version },
        });
        return;
      }
      // PostgreSQL 17+ lets the transaction that created the type use the values it adds (uncommitted_enum_types, pg_enum.c).
      if (version >= 17 && createdInTransaction(stmt.name)) return;
      const key = txKey(info)!;
      added.set(key, [...(added.get(key) ?? []), { type: stmt.name, value: stmt.value, info }]);
    }

    /** The type of the column a literal is compared with or stored into, as far as the model and catalog tell. */
    function columnFor(literal: Expr, ancestors: readonly Node[]): { column?: string; type?: TypeRef } {
      const parent = ancestors[ancestors.length - 1];
      const stmt = context.statement.node;
      const lookup = (ref: ColumnRef): { column: string; type?: TypeRef } => {
        const resolved = context.resolveColumn(ref);
        if (resolved) return { column: `${resolved.table.name}.${resolved.column.name}`, type: resolved.column.type };
        const main = stmt ? mainRelation(stmt) : undefined;
        const table = main ? context.resolveTable(main) : undefined;
        const col = table?.columns.find((c) => c.name === ref.column);
        return col ? { column: `${table!.name}.${col.name}`, type: col.type } : { column: ref.table ? `${ref.table}.${ref.column}` : ref.column };
      };
      if (parent?.type === 'Comparison') {
        const other = parent.left === literal ? parent.right : parent.left;
        if (other.type === 'ColumnRef') return lookup(other);
      }
      if (parent?.type === 'InList' && parent.expr.type === 'ColumnRef' && parent.list.includes(literal)) return lookup(parent.expr);
      if (parent?.type === 'Assignment' && parent.value === literal && stmt?.type === 'Update') {
        return lookup({ type: 'ColumnRef', column: parent.column, range: parent.range });
      }
      const def = parent?.type === 'ColumnDef' ? parent : parent?.type === 'Constraint' && parent.kind === 'default' ? ancestors[ancestors.length - 2] : undefined;
      if (def?.type === 'ColumnDef') return { column: def.name, type: def.dataType };
      if (parent?.type === 'AlterTableAction' && parent.default === literal && parent.column) {
        return lookup({ type: 'ColumnRef', column: parent.column, range: parent.range });
      }
      if (stmt?.type === 'Insert' && stmt.source?.values) {
        for (const row of stmt.source.values) {
          const i = row.indexOf(literal);
          if (i < 0) continue;
          const table = context.resolveTable(stmt.table);
          const name = stmt.columns[i] ?? table?.columns.at(i)?.name;
          if (!name) return {};
          const col = table?.columns.find((c) => c.name === name);
          return col ? { column: `${table!.name}.${col.name}`, type: col.type } : { column: `${stmt.table.name}.${name}` };
        }
      }
      return {};
    }

    /** A literal the model reaches twice (a column's `default` and its DEFAULT constraint) is reported once. */
    const reported = new Set<number>();

    function report(range: { start: number; end: number }, a: Added, value: string, unsure?: string): void {
      if (reported.has(range.start)) return;
      reported.add(range.start);
      const info = context.statement;
      context.report({
        range,
        message: unsure ? MESSAGES.useUnsure : MESSAGES.use,
        detail: DETAILS.use,
        fails: true,
        data: {
          what: quoteStatement(text, info.range),
          value,
          added: quoteStatement(text, a.info.range),
          line: lineAt(text, a.info.range.start),
          type: typeSql(a.type),
          unsure: unsure ? DETAILS.unsure.replace('{{column}}', `\`${unsure}\``).replace('{{type}}', typeSql(a.type)) : '',
        },
      });
    }

    const pendingHere = (): Added[] => {
      const key = txKey(context.statement);
      return key ? (added.get(key) ?? []).filter((a) => a.info.index < context.statement.index) : [];
    };

    return {
      AlterEnum(stmt: AlterEnum) {
        if (!context.file.isMigration) return;
        if (stmt.action === 'add_value') addValue(stmt);
        else if (stmt.oldValue !== undefined && !createdInFile(stmt.name)) {
          context.report({ range: headRange(text, stmt.range), message: MESSAGES.rename, detail: DETAILS.rename, data: { type: typeSql(stmt.name), old: stmt.oldValue, value: stmt.value } });
        }
      },
      Literal(node: Literal) {
        if (node.kind !== 'string' || typeof node.value !== 'string') return;
        const candidates = pendingHere().filter((a) => a.value === node.value);
        if (candidates.length === 0) return;
        const ancestors = context.getAncestors();
        const parent = ancestors[ancestors.length - 1];
        // `'x'::mood` names the type; a cast to another type is not a use of the enum.
        if (parent?.type === 'Cast' && parent.expr === node) {
          const hit = candidates.find((a) => sameType({ ...(parent.targetType.schema ? { schema: parent.targetType.schema } : {}), name: parent.targetType.name }, a.type));
          if (hit) report(node.range, hit, node.value);
          return;
        }
        const { column, type } = columnFor(node, ancestors);
        if (type) {
          const hit = candidates.find((a) => sameType({ ...(type.schema ? { schema: type.schema } : {}), name: type.name }, a.type));
          if (hit) report(node.range, hit, node.value);
          return;
        }
        // A column whose type the catalog does not know: the value itself is the evidence.
        if (column) report(node.range, candidates[0]!, node.value, column);
      },
      FuncCall(node: FuncCall) {
        // enum_range(NULL::mood) and friends read every label, the new one too (rejected on PostgreSQL 18).
        if (!['enum_range', 'enum_first', 'enum_last'].includes(node.name)) return;
        const pending = pendingHere();
        for (const arg of node.args) {
          if (arg.type !== 'Cast') continue;
          const hit = pending.find((a) => sameType({ ...(arg.targetType.schema ? { schema: arg.targetType.schema } : {}), name: arg.targetType.name }, a.type));
          if (hit) {
            report(node.range, hit, hit.value);
            return;
          }
        }
      },
    };
  },
});
