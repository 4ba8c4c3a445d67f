// The VS Code extension checked without VS Code: its manifest (extension/package.json) against the
// language server's settings (packages/language-server/src/settings.ts) and against its own
// source, the client's pure helpers, and the contents of the built .vsix.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { CONFIG_FILE_NAME, PACKAGE_JSON_KEY } from '../../../packages/core/src/config/index.ts';
import { SQL_EXTENSIONS } from '../../../packages/cli/src/discover.ts';
import { CONFIG_FILE_NAMES } from '../../../packages/language-server/src/config-watch.ts';
import { FIX_ALL_KIND as SERVER_FIX_ALL_KIND } from '../../../packages/language-server/src/actions.ts';
import { DEFAULT_SETTINGS, normalizeSettings } from '../../../packages/language-server/src/settings.ts';
import { EMBEDDED_LANGUAGES, FIX_ALL_KIND, SECTION, documentSelector, restrictSettings, statusView } from '../../../extension/src/client.mts';
import { CONFIG_SCHEMA, PACKAGE_JSON_SCHEMA, packageJsonSchema } from '../../../extension/scripts/package.mjs';
import { ROOT, vsixPath } from './prereqs.ts';

interface Property {
  type: string | string[];
  default: unknown;
  markdownDescription?: string;
  description?: string;
  scope?: string;
}

interface Manifest {
  name: string;
  publisher: string;
  version: string;
  main: string;
  icon: string;
  engines: { vscode: string };
  activationEvents: string[];
  capabilities: { untrustedWorkspaces: { supported: boolean | 'limited'; restrictedConfigurations?: string[] } };
  contributes: {
    commands: { command: string; title: string; category?: string }[];
    configuration: { properties: Record<string, Property> };
    languages?: { id: string; extensions?: string[] }[];
    jsonValidation?: { fileMatch: string | string[]; url: string }[];
  };
  dependencies?: Record<string, string>;
}

const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
const manifest = JSON.parse(read('extension/package.json')) as Manifest;
const properties = manifest.contributes.configuration.properties;
/** Settings only the client reads (the language client's own trace setting). */
const CLIENT_ONLY = new Set(['trace.server']);

/** The keys of the server's ServerSettings interface, with their doc comments. */
function serverSettingKeys(): Map<string, string | undefined> {
  const source = read('packages/language-server/src/settings.ts');
  const body = /export interface ServerSettings \{([\s\S]*?)\n\}/.exec(source)?.[1];
  if (!body) throw new Error('ServerSettings not found in settings.ts');
  const keys = new Map<string, string | undefined>();
  for (const match of body.matchAll(/(?:\/\*\*([\s\S]*?)\*\/\s*)?\n\s*(\w+)\??:/g)) {
    const doc = match[1]
      ?.split('\n')
      .map((line) => line.replace(/^\s*\*\s?/, ''))
      .join(' ');
    keys.set(match[2]!, doc);
  }
  return keys;
}

/** Text without markdown code marks, escapes and repeated spaces, for comparing descriptions. */
const plain = (text: string) => text.replace(/\*\\\//g, '*/').replace(/`/g, '').replace(/\s+/g, ' ').trim();
const firstSentence = (text: string) => plain(text).split(/(?<=\.)\s+(?=[A-Z])/)[0]!;

describe('extension manifest and the server settings', () => {
  const serverKeys = serverSettingKeys();

  it('contributes exactly the settings the server reads, plus the client-only trace setting', () => {
    const contributed = Object.keys(properties).map((key) => key.replace(`${SECTION}.`, ''));
    expect(Object.keys(properties).every((key) => key.startsWith(`${SECTION}.`))).toBe(true);
    expect(contributed.filter((key) => !CLIENT_ONLY.has(key)).sort()).toEqual([...serverKeys.keys()].sort());
    expect(contributed).toContain('embedded');
  });

  it('has the server defaults as its defaults, so an untouched VS Code sends what the server assumes', () => {
    const sent: Record<string, unknown> = {};
    for (const [key, property] of Object.entries(properties)) sent[key.replace(`${SECTION}.`, '')] = property.default;
    expect(normalizeSettings(sent)).toEqual(DEFAULT_SETTINGS);
    for (const key of serverKeys.keys()) {
      const expected = (DEFAULT_SETTINGS as unknown as Record<string, unknown>)[key];
      expect(properties[`${SECTION}.${key}`]!.default, key).toEqual(expected === undefined ? null : expected);
    }
  });

  it('types every setting so that the value VS Code stores survives normalizeSettings', () => {
    const samples: Record<string, unknown> = { enable: false, rules: { 'no-select-star': 'off' }, postgresVersion: 15, maxFileSize: 1024, allowPlugins: true, embedded: false };
    for (const key of serverKeys.keys()) {
      expect(samples, `add a sample value for ${key}`).toHaveProperty(key);
      const type = properties[`${SECTION}.${key}`]!.type;
      const types = Array.isArray(type) ? type : [type];
      const sample = samples[key];
      expect(types, key).toContain(typeof sample === 'object' ? 'object' : typeof sample);
      expect((normalizeSettings({ [key]: sample }) as unknown as Record<string, unknown>)[key], key).toEqual(sample);
    }
  });

  it('describes each documented setting with the first sentence of its doc comment in settings.ts', () => {
    for (const [key, doc] of serverKeys) {
      const property = properties[`${SECTION}.${key}`]!;
      const description = property.markdownDescription ?? property.description ?? '';
      expect(description.length, key).toBeGreaterThan(10);
      if (doc) expect(plain(description).startsWith(firstSentence(doc)), `${key}: "${plain(description)}" should start with "${firstSentence(doc)}"`).toBe(true);
    }
  });

  it('supports untrusted workspaces in a limited way, with allowPlugins restricted', () => {
    expect(manifest.capabilities.untrustedWorkspaces.supported).toBe('limited');
    expect(manifest.capabilities.untrustedWorkspaces.restrictedConfigurations).toEqual([`${SECTION}.allowPlugins`]);
    // Untrusted: plugins are off whatever the (user-level) setting says; trusted: untouched.
    expect(restrictSettings([{ allowPlugins: true, enable: true }, null], false)).toEqual([{ allowPlugins: false, enable: true }, null]);
    const items = [{ allowPlugins: true }];
    expect(restrictSettings(items, true)).toBe(items);
  });
});

describe('extension manifest and the client', () => {
  const source = read('extension/src/extension.ts');

  it('declares every command the extension registers, and no other', () => {
    const registered = [...source.matchAll(/registerCommand\('([^']+)'/g)].map((m) => m[1]).sort();
    expect(manifest.contributes.commands.map((c) => c.command).sort()).toEqual(registered);
    expect(registered).toEqual(['sqlwarden.fixAll', 'sqlwarden.restartServer', 'sqlwarden.showOutput']);
    for (const command of manifest.contributes.commands) expect(command.title.length).toBeGreaterThan(3);
  });

  it('activates on SQL and the embedded-SQL languages, which the document selector follows', () => {
    for (const language of ['sql', ...EMBEDDED_LANGUAGES]) expect(manifest.activationEvents).toContain(`onLanguage:${language}`);
    const languages = (embedded: boolean) => new Set(documentSelector(embedded).flatMap((f) => ('language' in f ? [f.language] : [])));
    expect([...languages(true)].sort()).toEqual(['sql', ...EMBEDDED_LANGUAGES].sort());
    expect([...languages(false)]).toEqual(['sql']);
    expect(documentSelector(false)).toContainEqual({ scheme: 'file', pattern: '**/*.sql' });
  });

  it('associates every SQL file extension the CLI lints (.psql) with the SQL language, and syncs those files', () => {
    const associated = new Set((manifest.contributes.languages ?? []).filter((l) => l.id === 'sql').flatMap((l) => l.extensions ?? []));
    // VS Code's built-in SQL language already claims .sql; every other extension is the manifest's.
    const others = SQL_EXTENSIONS.filter((extension) => extension !== '.sql');
    expect(others).toContain('.psql');
    for (const extension of others) {
      expect([...associated], extension).toContain(extension);
      expect(documentSelector(false), extension).toContainEqual({ scheme: 'file', pattern: `**/*${extension}` });
    }
  });

  it('validates every config file the server reads with the schema packaged in dist/', () => {
    const validations = manifest.contributes.jsonValidation ?? [];
    const matched = validations.flatMap((v) => (Array.isArray(v.fileMatch) ? v.fileMatch : [v.fileMatch]));
    expect(CONFIG_FILE_NAMES).toContain(CONFIG_FILE_NAME);
    expect(matched.sort()).toEqual([...CONFIG_FILE_NAMES].sort());
    const urlOf = (file: string) => validations.find((v) => [v.fileMatch].flat().includes(file))!.url;
    expect(urlOf(CONFIG_FILE_NAME)).toBe(`./dist/${CONFIG_SCHEMA}`);
    expect(urlOf('package.json')).toBe(`./dist/${PACKAGE_JSON_SCHEMA}`);
    // The .vscodeignore allowlist lets both schemas into the .vsix.
    const allowed = read('extension/.vscodeignore').split('\n').filter((line) => line.startsWith('!')).map((line) => line.slice(1));
    for (const v of validations) expect(allowed, v.url).toContain(v.url.replace(/^\.\//, ''));
  });

  it("checks package.json's sqlwarden key with the config schema, and leaves the rest of package.json alone", () => {
    const configSchema = JSON.parse(read(`packages/core/schema/${CONFIG_SCHEMA}`)) as object;
    const schema = packageJsonSchema(configSchema) as { properties: Record<string, unknown> };
    expect(Object.keys(schema.properties)).toEqual([PACKAGE_JSON_KEY]);
    const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
    expect(validate({ name: 'app', scripts: { test: 'vitest' } })).toBe(true);
    expect(validate({ name: 'app', sqlwarden: { rules: { 'no-select-star': 'off' } } })).toBe(true);
    expect(validate({ name: 'app', sqlwarden: { rules: { 'no-select-star': 'sometimes' } } })).toBe(false);
    expect(validate({ name: 'app', sqlwarden: { rulez: {} } })).toBe(false);
  });

  it("runs the server's fix-all code action kind", () => {
    expect(FIX_ALL_KIND).toBe(SERVER_FIX_ALL_KIND);
  });

  it('shows every server state in the status bar', () => {
    for (const state of ['starting', 'running', 'stopped', 'error'] as const) {
      const view = statusView(state);
      expect(view.text).toContain('sqlwarden');
      expect(view.tooltip).toBe(`sqlwarden language server: ${state}`);
      expect(view.error).toBe(state === 'error');
    }
  });

  it("requires the VS Code version vscode-languageclient requires, and types no newer API", () => {
    const client = JSON.parse(read('node_modules/vscode-languageclient/package.json')) as { engines: { vscode: string } };
    expect(manifest.engines.vscode).toBe(client.engines.vscode);
    const root = JSON.parse(read('package.json')) as { devDependencies: Record<string, string> };
    expect(root.devDependencies['@types/vscode']).toBe(manifest.engines.vscode.replace(/^\^/, ''));
    // Everything is bundled: the extension has no runtime dependencies to install.
    expect(manifest.dependencies).toBeUndefined();
  });
});

interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  localHeader: number;
}

/** The entries of a zip archive, from its central directory (local headers may defer sizes). */
function zipEntries(zip: Buffer): ZipEntry[] {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error('not a zip archive');
  const count = zip.readUInt16LE(eocd + 10);
  let offset = zip.readUInt32LE(eocd + 16);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(offset) !== 0x02014b50) throw new Error('bad central directory entry');
    const nameLength = zip.readUInt16LE(offset + 28);
    entries.push({
      name: zip.toString('utf8', offset + 46, offset + 46 + nameLength),
      method: zip.readUInt16LE(offset + 10),
      compressedSize: zip.readUInt32LE(offset + 20),
      localHeader: zip.readUInt32LE(offset + 42),
    });
    offset += 46 + nameLength + zip.readUInt16LE(offset + 30) + zip.readUInt16LE(offset + 32);
  }
  return entries;
}

/** One entry's content (stored or deflated). */
function zipEntry(zip: Buffer, name: string): Buffer {
  const entry = zipEntries(zip).find((e) => e.name === name);
  if (!entry) throw new Error(`${name} is not in the archive`);
  const start = entry.localHeader + 30 + zip.readUInt16LE(entry.localHeader + 26) + zip.readUInt16LE(entry.localHeader + 28);
  const data = zip.subarray(start, start + entry.compressedSize);
  return entry.method === 8 ? inflateRawSync(data) : data;
}

describe.skipIf(!existsSync(vsixPath()))('the built .vsix', () => {
  it('holds the bundles, the parser, the icon and the docs, and nothing else', () => {
    const vsix = readFileSync(vsixPath());
    expect(zipEntries(vsix).map((e) => e.name).sort()).toEqual(
      [
        '[Content_Types].xml',
        'extension.vsixmanifest',
        'extension/package.json',
        'extension/readme.md',
        'extension/changelog.md',
        'extension/LICENSE.txt',
        `extension/${manifest.main.replace(/^\.\//, '')}`,
        'extension/dist/server.mjs',
        'extension/dist/libpg-query.wasm',
        `extension/${manifest.icon}`,
        `extension/dist/${CONFIG_SCHEMA}`,
        `extension/dist/${PACKAGE_JSON_SCHEMA}`,
      ].sort(),
    );
    expect(zipEntry(vsix, `extension/dist/${CONFIG_SCHEMA}`).toString('utf8')).toBe(read(`packages/core/schema/${CONFIG_SCHEMA}`));
    expect(zipEntry(vsix, `extension/${manifest.icon}`).subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const vsixManifest = zipEntry(vsix, 'extension.vsixmanifest').toString('utf8');
    expect(vsixManifest).toContain(`Id="${manifest.name}"`);
    expect(vsixManifest).toContain(`Publisher="${manifest.publisher}"`);
  });

  it('carries the license and the repository', () => {
    const vsix = readFileSync(vsixPath());
    expect(zipEntry(vsix, 'extension/LICENSE.txt').toString('utf8')).toBe(read('LICENSE'));
    const vsixManifest = zipEntry(vsix, 'extension.vsixmanifest').toString('utf8');
    expect(vsixManifest).toContain('<License>extension/LICENSE.txt</License>');
    expect(vsixManifest).toContain('https://github.com/sqlwarden/sqlwarden');
    const packaged = JSON.parse(zipEntry(vsix, 'extension/package.json').toString('utf8'));
    expect(packaged.license).toBe('MIT');
    expect(packaged.repository.url).toContain('github.com/sqlwarden/sqlwarden');
  });
});
