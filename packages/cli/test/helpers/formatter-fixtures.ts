// Shared by the formatter tests (unit and built-binary).
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { expect } from 'vitest';
import { withMessages, type CliMessage, type CliResult } from '../../src/types.ts';

/** A CliResult for `filePath` with these messages (counts computed as the CLI does). */
export function result(filePath: string, messages: CliMessage[], extra: Partial<CliResult> = {}): CliResult {
  return {
    ...withMessages(
      { filePath, messages: [], errorCount: 0, warningCount: 0, fixableErrorCount: 0, fixableWarningCount: 0, fatalErrorCount: 0 },
      messages,
    ),
    ...extra,
  };
}

/** Validates and parses XML with character references decoded and attributes kept as strings. */
export function parseXml(xml: string, arrays: string[]): any {
  expect(XMLValidator.validate(xml)).toBe(true);
  // XML 1.0 forbids these characters even escaped; a conforming parser rejects the document.
  expect(xml).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/);
  return new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    parseAttributeValue: false,
    parseTagValue: false,
    trimValues: false,
    htmlEntities: true,
    isArray: (name) => arrays.includes(name),
  }).parse(xml);
}
