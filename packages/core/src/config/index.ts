export { ConfigError } from './errors.ts';
export type { RawConfig } from './shape.ts';
export {
  CONFIG_FILE_NAME,
  PACKAGE_JSON_KEY,
  clearConfigCache,
  ConfigLoader,
  findConfigFile,
  loadConfigFile,
  loadConfigForFile,
  type LoadedConfig,
} from './load.ts';
export {
  configPathMatchers,
  resolveConfig,
  type ConfigPathMatchers,
  type ConfigOverrides,
  type ResolvedConfig,
  type RuleSetting,
} from './resolve.ts';
export { DEFAULT_IGNORE_GLOBS, DEFAULT_MIGRATION_GLOBS } from './globs.ts';
export { loadPlugins } from './plugins.ts';
