import { pathToFileURL } from 'node:url';
import { messageMarkdown, stringifyWellFormed } from '@sqlwarden/core';
import type { CliFix, CliMessage, CliResult, Formatter, FormatterContext, FormatterRuleMeta } from '../types.ts';
import { HOMEPAGE } from './context.ts';
import { fingerprints, isFinding, isUnderCwd, reportedText, reportPath, TextLines } from './shared.ts';

/**
 * SARIF 2.1.0 (OASIS), shaped for GitHub code scanning (`github/codeql-action/upload-sarif`).
 *
 * - One run. `tool.driver.rules` lists every rule of the run (FormatterContext.rulesMeta, sorted
 *   by id) with short and full descriptions, help as text and markdown, `helpUri` (the rule's
 *   docs URL) and `defaultConfiguration` from its default severity; results point at them with
 *   `ruleId` and `ruleIndex`.
 * - Locations: `artifactLocation.uri` is the path relative to the working directory,
 *   percent-encoded, with `uriBaseId` `%SRCROOT%` (defined in `originalUriBaseIds` as the working
 *   directory), so run the CLI from the repository root. Files outside it get an absolute
 *   `file:` URI.
 * - Regions: SARIF lines and columns are 1-based and the end column is exclusive, as in the
 *   engine. Columns count UTF-16 code units (what GitHub expects, and what the engine, ESLint
 *   and LSP count), so the run says `columnKind: "utf16CodeUnits"`.
 * - `message.text` is the finding's headline; when the rule gives a detail, `message.markdown`
 *   is the headline and the detail (Markdown, code in backticks, other markup escaped).
 * - `fixes`: the rule's fix (what --fix applies) first, then each suggestion, as one replacement
 *   (`deletedRegion` + `insertedContent`) converted from the engine's UTF-16 fix range; each
 *   described by its title.
 * - A grouped finding (see the rules' `groupRepeats` option) lists its other occurrences as
 *   `relatedLocations`, each with its own region and message.
 * - `partialFingerprints["sqlwarden/v1"]`: a hash of the rule id, path and normalized flagged
 *   source text (not line numbers), unique per duplicate finding; see `fingerprints`.
 * - Problems that are not rule findings (files that could not be read or decoded, ignored files
 *   named explicitly) are `invocations[0].toolExecutionNotifications`; a fatal one makes
 *   `executionSuccessful` false.
 */

const SARIF_SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
const SRCROOT = '%SRCROOT%';
const FINGERPRINT_KEY = 'sqlwarden/v1';

type Json = Record<string, unknown>;

export const sarif = ((results, context) => {
  const rules = ruleDescriptors(results, context.rulesMeta);
  const index = new Map(rules.map((rule, i) => [rule.id, i]));
  const sarifResults: Json[] = [];
  const notifications: Json[] = [];
  let fatal = false;

  for (const result of results) {
    const text = reportedText(result);
    const lines = text === undefined ? undefined : new TextLines(text);
    const hashes = fingerprints(result, context.cwd);
    const artifactLocation = artifactLocationFor(result.filePath, context.cwd);
    result.messages.forEach((message, i) => {
      if (!isFinding(message)) {
        if (message.fatal) fatal = true;
        notifications.push({
          level: message.fatal || message.severity === 2 ? 'error' : 'warning',
          message: { text: message.message },
          locations: [{ physicalLocation: { artifactLocation } }],
          ...(message.fatal ? { descriptor: { id: 'fatal' } } : {}),
        });
        return;
      }
      const entry: Json = {
        ruleId: message.ruleId,
        ruleIndex: index.get(message.ruleId),
        level: message.severity === 2 ? 'error' : 'warning',
        message: messageOf(message),
        locations: [{ physicalLocation: { artifactLocation, region: regionOf(message) } }],
        partialFingerprints: { [FINGERPRINT_KEY]: hashes[i]! },
      };
      if (message.occurrences && message.occurrences.length > 1) {
        entry.relatedLocations = message.occurrences.slice(1).map((o, n) => ({ id: n + 1, physicalLocation: { artifactLocation, region: regionOf(o) }, message: { text: o.message } }));
      }
      const fixes = lines ? fixesOf(message, lines, artifactLocation) : [];
      if (fixes.length > 0) entry.fixes = fixes;
      sarifResults.push(entry);
    });
  }

  const invocation: Json = {
    executionSuccessful: !fatal,
    workingDirectory: { uri: directoryUri(context.cwd) },
  };
  if (notifications.length > 0) invocation.toolExecutionNotifications = notifications;

  const log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'sqlwarden',
            version: context.version,
            semanticVersion: context.version,
            informationUri: HOMEPAGE,
            rules,
          },
        },
        invocations: [invocation],
        originalUriBaseIds: { [SRCROOT]: { uri: directoryUri(context.cwd) } },
        columnKind: 'utf16CodeUnits',
        results: sarifResults,
      },
    ],
  };
  return `${stringifyWellFormed(log, 2)}\n`;
}) satisfies Formatter;

interface RuleDescriptor extends Json {
  id: string;
}

/** Every known rule, plus any rule id the results use that no metadata describes (sorted by id). */
function ruleDescriptors(results: readonly CliResult[], rulesMeta: FormatterContext['rulesMeta']): RuleDescriptor[] {
  const ids = new Set(Object.keys(rulesMeta));
  for (const result of results) for (const message of result.messages) if (isFinding(message)) ids.add(message.ruleId);
  return [...ids].sort(compareCodeUnits).map((id) => descriptor(id, rulesMeta[id]));
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function descriptor(id: string, meta: FormatterRuleMeta | undefined): RuleDescriptor {
  if (!meta) return { id, shortDescription: { text: id } };
  const description = meta.description || id;
  const url = meta.docs?.url;
  const facts = [meta.category, meta.defaultSeverity ? `default: ${meta.defaultSeverity}` : undefined].filter(Boolean).join(', ');
  const markdown = [`**${id}**${facts ? ` (${facts})` : ''}`, '', description, ...(url ? ['', `[Documentation](${url})`] : [])].join('\n');
  const out: RuleDescriptor = {
    id,
    shortDescription: { text: firstSentence(description) },
    fullDescription: { text: description },
    help: { text: url ? `${description}\n\nDocumentation: ${url}` : description, markdown },
  };
  if (url) out.helpUri = url;
  out.defaultConfiguration =
    meta.defaultSeverity === 'off' ? { enabled: false, level: 'warning' } : { level: meta.defaultSeverity === 'error' ? 'error' : 'warning' };
  if (meta.category) out.properties = { tags: [meta.category] };
  return out;
}

/** Up to the first full stop followed by a space (not an ellipsis), or the whole text. */
function firstSentence(text: string): string {
  const match = /^[\s\S]*?[^.]\.(?=\s)/u.exec(text);
  return match ? match[0] : text;
}

function artifactLocationFor(filePath: string, cwd: string): Json {
  if (!isUnderCwd(filePath, cwd)) return { uri: pathToFileURL(filePath).href };
  return { uri: encodeRelativePath(reportPath(filePath, cwd)), uriBaseId: SRCROOT };
}

/** A relative URI reference for a `/`-separated path: each segment percent-encoded. */
export function encodeRelativePath(relative: string): string {
  return relative
    .split('/')
    .map((segment) => encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`))
    .join('/');
}

/** file: URI of a directory, ending with `/` as SARIF requires of base URIs. */
function directoryUri(directory: string): string {
  const href = pathToFileURL(directory).href;
  return href.endsWith('/') ? href : `${href}/`;
}

/**
 * `text` is the headline; with a detail, `markdown` is the headline and the detail as two
 * paragraphs; `text` stays, for viewers that do not render Markdown.
 */
function messageOf(message: CliMessage): Json {
  if (!message.detail) return { text: message.message };
  return { text: message.message, markdown: `${messageMarkdown(message.message)}\n\n${messageMarkdown(message.detail)}` };
}

function regionOf(message: Pick<CliMessage, 'line' | 'column' | 'endLine' | 'endColumn'>): Json {
  const region: Json = { startLine: Math.max(1, message.line), startColumn: Math.max(1, message.column) };
  if (message.endLine !== undefined && message.endColumn !== undefined) {
    region.endLine = Math.max(1, message.endLine);
    region.endColumn = Math.max(1, message.endColumn);
  }
  return region;
}

function fixesOf(message: CliMessage, lines: TextLines, artifactLocation: Json): Json[] {
  const fixes: Json[] = [];
  // A grouped finding: `sqlwarden --fix` fixes every occurrence.
  const ownFixes = message.occurrences ? message.occurrences.flatMap((o) => (o.fix ? [o.fix] : [])) : message.fix ? [message.fix] : [];
  for (const fix of ownFixes) fixes.push(fixObject(fix, fix.desc ?? 'Apply the fix that `sqlwarden --fix` makes', lines, artifactLocation));
  for (const suggestion of message.suggestions ?? []) fixes.push(fixObject(suggestion.fix, suggestion.desc, lines, artifactLocation));
  return fixes;
}

function fixObject(fix: CliFix, description: string, lines: TextLines, artifactLocation: Json): Json {
  const start = lines.positionAt(fix.range[0]);
  const end = lines.positionAt(Math.max(fix.range[0], fix.range[1]));
  return {
    description: { text: description },
    artifactChanges: [
      {
        artifactLocation,
        replacements: [
          {
            deletedRegion: { startLine: start.line, startColumn: start.column, endLine: end.line, endColumn: end.column },
            insertedContent: { text: fix.text },
          },
        ],
      },
    ],
  };
}
