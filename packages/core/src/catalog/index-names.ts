/**
 * The names PostgreSQL gives the indexes of UNIQUE, PRIMARY KEY and EXCLUDE constraints written
 * without a name (ChooseRelationName in its indexcmds.c, checked on PostgreSQL 15 in
 * test/engine/constraint-indexes.test.ts): `<table>_pkey`, `<table>_<columns>_key` and
 * `<table>_<columns>_excl`, where the columns are the key columns and then the INCLUDE columns
 * joined by `_`, an expression being named as its function (`lower`) or `expr`. The parts are
 * shortened, the longer one first, so that the name fits in 63 bytes; a name already taken by a
 * relation of the schema gets `1`, `2`... appended to the label (`users_email_key1`).
 */
import type * as M from '../model/nodes.ts';
import { clipToBytes, MAX_IDENTIFIER_BYTES, utf8ByteLength } from '../source/identifiers.ts';

/** makeObjectName: `name1[_name2]_label`, the longer of name1 and name2 shortened first. */
function objectName(name1: string, name2: string | undefined, label: string): string {
  let chars1 = utf8ByteLength(name1);
  let chars2 = name2 === undefined ? 0 : utf8ByteLength(name2);
  const available = MAX_IDENTIFIER_BYTES - (label.length + 1) - (name2 === undefined ? 0 : 1);
  while (chars1 + chars2 > available) {
    if (chars1 > chars2) chars1--;
    else chars2--;
  }
  return [clipToBytes(name1, chars1), ...(name2 === undefined ? [] : [clipToBytes(name2, chars2)]), label].join('_');
}

/** ChooseRelationName: the first of `label`, `label1`, `label2`... whose name is not taken. */
export function chooseRelationName(name1: string, name2: string | undefined, label: string, taken: (name: string) => boolean): string {
  for (let pass = 0; ; pass++) {
    const name = objectName(name1, name2, pass === 0 ? label : `${label}${pass}`);
    if (!taken(name) || pass > 1000) return name;
  }
}

type Raw = Record<string, any>;

function strings(list: unknown): string[] {
  return Array.isArray(list) ? list.map((s: Raw) => s?.String?.sval ?? '') : [];
}

/** FigureColnameInternal, for the expressions an index holds: what PostgreSQL calls the column. */
function expressionName(node: unknown): string | undefined {
  if (!node || typeof node !== 'object') return undefined;
  const [kind, body] = Object.entries(node as Raw)[0] ?? [];
  switch (kind) {
    case 'ColumnRef': {
      const last = (body.fields as Raw[] | undefined)?.at(-1);
      return last?.String?.sval;
    }
    case 'FuncCall':
      return strings(body.funcname).at(-1);
    case 'TypeCast':
      return expressionName(body.arg) ?? strings(body.typeName?.names).at(-1);
    case 'CollateClause':
      return expressionName(body.arg);
    case 'A_Expr':
      return body.kind === 'AEXPR_NULLIF' ? 'nullif' : undefined;
    case 'CaseExpr':
      return 'case';
    case 'A_ArrayExpr':
      return 'array';
    case 'RowExpr':
      return 'row';
    case 'CoalesceExpr':
      return 'coalesce';
    case 'MinMaxExpr':
      return body.op === 'IS_LEAST' ? 'least' : 'greatest';
    default:
      return undefined;
  }
}

/**
 * The column names PostgreSQL builds a constraint's default index name from (ChooseIndexColumnNames),
 * or undefined when the constraint builds no index of its own.
 */
export function constraintIndexColumns(c: M.Constraint, columns: readonly string[]): { key: Array<string | undefined>; names: string[] } | undefined {
  if (c.kind !== 'unique' && c.kind !== 'primary_key' && c.kind !== 'exclusion') return undefined;
  if (c.usingIndex) return undefined;
  const raw = (c.raw as { Constraint?: Raw } | undefined)?.Constraint ?? {};
  const including = strings(raw.including);
  let key: Array<string | undefined> = [...columns];
  let names: string[] = [...columns];
  if (c.kind === 'exclusion') {
    const elements: Raw[] = (raw.exclusions ?? []).map((pair: Raw) => pair?.List?.items?.[0]?.IndexElem ?? {});
    key = elements.map((e) => e.name);
    names = elements.map((e) => e.name ?? e.indexcolname ?? expressionName(e.expr) ?? 'expr');
  }
  return { key, names: [...names, ...including] };
}

/** ChooseIndexNameAddition: the names joined by `_`, cut once past NAMEDATALEN bytes. */
export function indexNameAddition(names: readonly string[]): string {
  let out = '';
  for (const name of names) {
    if (out.length > 0) out += '_';
    out += name;
    if (utf8ByteLength(out) > MAX_IDENTIFIER_BYTES) return clipToBytes(out, MAX_IDENTIFIER_BYTES);
  }
  return out;
}

/** The label PostgreSQL appends for each kind of constraint index. */
export function constraintIndexLabel(kind: M.ConstraintKind): string {
  return kind === 'primary_key' ? 'pkey' : kind === 'exclusion' ? 'excl' : 'key';
}
