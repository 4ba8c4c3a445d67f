/**
 * The JSON Schema check of a config object (schema/sqlwarden.config.schema.json), compiled by
 * Ajv on first use. The CLI and language-server bundles replace this module with the same
 * validator generated at build time (scripts/build.mjs, `precompiledConfigShape`), so that they
 * do not compile the schema at every start; both compile it with shape-ajv-options.json.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import configSchema from '../../schema/sqlwarden.config.schema.json' with { type: 'json' };
import ajvOptions from './shape-ajv-options.json' with { type: 'json' };

let validate: ValidateFunction | undefined;

export function configShapeValidator(): ValidateFunction {
  validate ??= new Ajv(ajvOptions).compile(configSchema);
  return validate;
}
