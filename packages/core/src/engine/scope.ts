import type { CatalogReader } from '../catalog/types.ts';
import type { ColumnRef, FromItem, Node, TableRef } from '../model/nodes.ts';
import type { ResolvedColumn } from '../rule.ts';

function targetAsTableRef(node: Node): TableRef | undefined {
  if (node.type === 'CreateIndex') return { type: 'TableRef', name: node.table.name, ...(node.table.schema ? { schema: node.table.schema } : {}), only: false, range: node.table.range };
  if (node.type === 'AlterTable' || node.type === 'CreateTable') return { type: 'TableRef', name: node.table.name, ...(node.table.schema ? { schema: node.table.schema } : {}), only: false, range: node.table.range };
  return undefined;
}

/** FROM items visible from a node, innermost query first. */
export function scopesFromAncestors(ancestors: readonly Node[]): FromItem[][] {
  const scopes: FromItem[][] = [];
  for (let i = ancestors.length - 1; i >= 0; i--) {
    const node = ancestors[i]!;
    switch (node.type) {
      case 'Select':
        if (!node.setOperation) scopes.push(node.from);
        break;
      case 'Update':
        scopes.push([node.table, ...node.from]);
        break;
      case 'Delete':
        scopes.push([node.table, ...node.using]);
        break;
      case 'Insert':
        scopes.push([node.table]);
        break;
      default: {
        const target = targetAsTableRef(node);
        if (target) scopes.push([target]);
      }
    }
  }
  return scopes;
}

function cteNames(ancestors: readonly Node[]): Set<string> {
  const names = new Set<string>();
  for (const node of ancestors) {
    if ('with' in node && Array.isArray(node.with)) for (const cte of node.with) names.add(cte.name);
  }
  return names;
}

function flatten(items: FromItem[], out: FromItem[] = []): FromItem[] {
  for (const item of items) {
    if (item.type === 'Join') flatten([item.left, item.right], out);
    else out.push(item);
  }
  return out;
}

/**
 * Finds the catalog column a reference means. Undefined whenever it cannot be sure: an unknown
 * table, a derived table or CTE, a function source, or an ambiguous unqualified name.
 */
export function resolveColumnInScopes(ref: ColumnRef, scopes: FromItem[][], catalog: CatalogReader, ancestors: readonly Node[] = []): ResolvedColumn | undefined {
  const ctes = cteNames(ancestors);
  for (const scope of scopes) {
    const items = flatten(scope);
    if (ref.table !== undefined) {
      const item = items.find((i) => ('alias' in i && i.alias !== undefined ? i.alias === ref.table : i.type === 'TableRef' && i.name === ref.table));
      if (!item) continue;
      if (item.type !== 'TableRef' || (item.schema === undefined && ctes.has(item.name))) return undefined;
      const table = catalog.getTable(item);
      const column = table && catalog.getColumn(table, ref.column);
      return table && column ? { table, column } : undefined;
    }
    let found: ResolvedColumn | undefined;
    let uncertain = false;
    for (const item of items) {
      if (item.type !== 'TableRef' || (item.schema === undefined && ctes.has(item.name))) {
        uncertain = true;
        continue;
      }
      const table = catalog.getTable(item);
      if (!table) {
        uncertain = true;
        continue;
      }
      const column = catalog.getColumn(table, ref.column);
      if (column) {
        if (found) return undefined;
        found = { table, column };
      } else if (!table.columnsKnown) uncertain = true;
    }
    if (found) return uncertain ? undefined : found;
    if (uncertain) return undefined;
  }
  return undefined;
}
