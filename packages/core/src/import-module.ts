/**
 * `import(specifier)` for modules that are not bundled: config plugins, custom formatters and the
 * trace's database drivers (an absolute file URL or a package name; a package name resolves from
 * the CLI's own location in its bundle). The CLI runs its bundle as a script compiled with V8's
 * code cache, where Node 20 cannot run an `import()` of its own (packages/cli/src/startup), so
 * scripts/build.mjs replaces this module there by one that calls the launcher's `import()`.
 */
export function importModule<T = Record<string, unknown>>(specifier: string): Promise<T> {
  return import(specifier) as Promise<T>;
}
