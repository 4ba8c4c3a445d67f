/**
 * PostgreSQL type-name data: spellings the grammar accepts mapped to the canonical catalog name
 * (`pg_type.typname`). The parser already maps most SQL-standard spellings to `pg_catalog.*`;
 * this table covers names users write directly.
 */
const TYPE_ALIASES: Record<string, string> = {
  int: 'int4',
  integer: 'int4',
  smallint: 'int2',
  bigint: 'int8',
  decimal: 'numeric',
  real: 'float4',
  float: 'float8',
  'double precision': 'float8',
  boolean: 'bool',
  'character varying': 'varchar',
  character: 'bpchar',
  char: 'bpchar',
  'timestamp without time zone': 'timestamp',
  'timestamp with time zone': 'timestamptz',
  'time without time zone': 'time',
  'time with time zone': 'timetz',
};

/** Serial pseudo-types: an integer column plus a sequence default. */
export const SERIAL_TYPES: ReadonlySet<string> = new Set(['serial', 'serial4', 'bigserial', 'serial8', 'smallserial', 'serial2']);

const SERIAL_STORAGE: Record<string, string> = {
  serial: 'int4',
  serial4: 'int4',
  bigserial: 'int8',
  serial8: 'int8',
  smallserial: 'int2',
  serial2: 'int2',
};

/** The type a column really has once created: serial types become their integer type. */
export function storageTypeName(canonicalName: string): string {
  return SERIAL_STORAGE[canonicalName] ?? canonicalName;
}

export function canonicalTypeName(name: string): string {
  const lower = name.toLowerCase();
  return TYPE_ALIASES[lower] ?? lower;
}
