/** Client settings under the `sqlwarden` section (workspace/configuration). */
export interface ServerSettings {
  enable: boolean;
  /** Rule severity overrides, as in the config file's `rules`. */
  rules: Record<string, unknown>;
  postgresVersion?: number;
  /** Documents larger than this many bytes get one informational diagnostic instead of analysis. */
  maxFileSize: number;
  /**
   * Load custom-rule plugins named by sqlwarden.config.json. Plugins are workspace code, so they
   * load only when this is true or the client says the workspace is trusted
   * (initializationOptions `{ trusted: true }`).
   */
  allowPlugins: boolean;
  /** Lint SQL embedded in JS/TS documents (sql`...` tags, Prisma raw queries, `/* sql *\/`, `.query('SELECT ...')`). */
  embedded: boolean;
}

export const DEFAULT_MAX_FILE_SIZE = 5 * 1024 * 1024;

export const DEFAULT_SETTINGS: ServerSettings = { enable: true, rules: {}, maxFileSize: DEFAULT_MAX_FILE_SIZE, allowPlugins: false, embedded: true };

/** Accepts whatever the client sends and keeps only well-typed values. */
export function normalizeSettings(raw: unknown): ServerSettings {
  const s: ServerSettings = { ...DEFAULT_SETTINGS, rules: {} };
  if (!raw || typeof raw !== 'object') return s;
  const r = raw as Record<string, unknown>;
  if (typeof r.enable === 'boolean') s.enable = r.enable;
  if (r.rules && typeof r.rules === 'object' && !Array.isArray(r.rules)) s.rules = { ...(r.rules as Record<string, unknown>) };
  if (typeof r.postgresVersion === 'number' && Number.isFinite(r.postgresVersion)) s.postgresVersion = r.postgresVersion;
  if (typeof r.maxFileSize === 'number' && r.maxFileSize > 0) s.maxFileSize = r.maxFileSize;
  if (typeof r.allowPlugins === 'boolean') s.allowPlugins = r.allowPlugins;
  if (typeof r.embedded === 'boolean') s.embedded = r.embedded;
  return s;
}
