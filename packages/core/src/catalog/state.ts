/**
 * An identity for what a catalog contains, so that work derived from the catalog (the lock
 * model's answer for a statement) can be reused across lint runs: two catalogs that hold the
 * same state object hold the same contents.
 *
 * A catalog's contents follow from the mutating statements replayed into it, in order, with
 * where each came from (`createdIn`). The state after a statement is therefore interned on the
 * state before it, the statement node and its origin. Only frozen statements (the engine's
 * cached parses, which are shared between runs of the same text) are interned; any other
 * statement gets a state of its own, which no other run can match.
 */
import type { Statement } from '../model/nodes.ts';
import type { CatalogTable } from './types.ts';

export type CatalogState = Readonly<Record<string, never>>;

/** The state of a catalog no statement was replayed into. */
export const EMPTY_CATALOG_STATE: CatalogState = Object.freeze({});

interface Successor {
  from: CatalogState;
  file: string;
  statement: number;
  to: CatalogState;
}

/**
 * A few successors per statement: editing an earlier statement gives later ones a new state
 * before them, and the states of older texts need not be kept.
 */
const SUCCESSORS_PER_STATEMENT = 4;
const successors = new WeakMap<Statement, Successor[]>();

export function stateAfter(from: CatalogState, statement: Statement, origin: { file: string; statement: number }): CatalogState {
  if (!Object.isFrozen(statement)) return Object.freeze({});
  let known = successors.get(statement);
  if (!known) successors.set(statement, (known = []));
  for (let i = 0; i < known.length; i++) {
    const found = known[i]!;
    if (found.from !== from || found.statement !== origin.statement || found.file !== origin.file) continue;
    if (i > 0) known.unshift(...known.splice(i, 1)); // most recently used first
    return found.to;
  }
  const to: CatalogState = Object.freeze({});
  known.unshift({ from, file: origin.file, statement: origin.statement, to });
  if (known.length > SUCCESSORS_PER_STATEMENT) known.length = SUCCESSORS_PER_STATEMENT;
  return to;
}

/** One change `apply` made to a catalog's maps: a table or index owner set (`value`) or deleted. */
export type CatalogChange = { map: 'tables'; key: string; name: string; value?: CatalogTable } | { map: 'indexes'; key: string; name: string; value?: string };

/**
 * The changes that led into each state, from the one replay that first reached it: the same
 * statement from the same state changes a catalog the same way, and catalog tables are copied on
 * write, never changed in place, so the recorded tables can be put back as they are.
 */
const changesByState = new WeakMap<CatalogState, readonly CatalogChange[]>();

export function recordChanges(state: CatalogState, changes: readonly CatalogChange[]): void {
  // Frozen, since later runs share them: a rule that changed a table it was shown would get a TypeError instead of corrupting them.
  for (const change of changes) if (change.map === 'tables' && change.value) freezeTable(change.value);
  changesByState.set(state, Object.freeze(changes));
}

/** The table object only: its lists are immutable and the catalog freezes their items when it makes them. */
function freezeTable(table: CatalogTable): void {
  Object.freeze(table);
}

export function changesInto(state: CatalogState): readonly CatalogChange[] | undefined {
  return changesByState.get(state);
}
