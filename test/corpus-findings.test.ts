/**
 * The built CLI finds on the PostgreSQL parts of ../shared/corpus exactly what it found when
 * fixtures/corpus-findings/ was last regenerated (issue 13: rewrites of the lexer, memory use and
 * start-up must not change results). A difference fails with the findings added, removed and
 * changed per file. When a bug fix explains every difference, regenerate the baseline with
 * `node scripts/run-ts.mjs scripts/corpus-findings.ts --update` and say so in the commit message.
 *
 * A missing corpus skips with a printed reason, in CI too (like the other corpus tests: it is
 * read-only data beside the checkout, which .ci/run cannot install).
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { diffFindings } from '../scripts/corpus-findings/diff.ts';
import { PARTS, baselineFile, corpusProblem, defaultCorpus, formatBaseline, lintPart, parseBaseline, type PartFindings } from '../scripts/corpus-findings/findings.ts';
import { ensureBuilt } from './cli/helpers.ts';

const problem = corpusProblem(defaultCorpus);
const skipReason = problem;
if (skipReason) console.warn(`[corpus findings] skipped: ${skipReason}.`);

describe.skipIf(skipReason !== undefined)('findings on ../shared/corpus', () => {
  beforeAll(ensureBuilt, 180_000);

  for (const part of PARTS) {
    // The CLI run has its own 540 s guard; a part takes under a minute of CPU on an idle machine.
    it(`${part.name} gives the baseline's findings`, { timeout: 600_000 }, async () => {
      const baseline = parseBaseline(readFileSync(baselineFile(part), 'utf8'));
      const diff = diffFindings(part.name, baseline, await lintPart(part, defaultCorpus));
      if (!diff.identical) {
        throw new Error(
          `${diff.report}\n\nIf every difference comes from a bug fix, regenerate the baseline with\n` +
            '  node scripts/run-ts.mjs scripts/corpus-findings.ts --update\nand name the fix in the commit message.',
        );
      }
    });
  }
});

describe('corpus findings baseline format and diff', () => {
  const part = PARTS[0];
  const findings: PartFindings = {
    header: { command: 'sqlwarden -f json .', files: '2 linted, list abcdef', exit: '1' },
    findings: [
      { row: 'a/001.sql\t2:8-14\tprefer-bigint-id\twarn\t8a7770\t-\t1:9d5676\t2:7fad96', message: 'serial id' },
      { row: 'a/001.sql\t5:1-7:3\trequire-where\terror\t123456\t-\t-\t-', message: 'no WHERE' },
      { row: 'b/002.sql\t1:1\t-\tfatal\tabcdef\t-\t-\t-', message: 'not UTF-8' },
    ],
  };

  it('reads back what it writes', () => {
    const text = formatBaseline(part, findings);
    expect(text).toContain('\na/001.sql\n\t2:8-14\tprefer-bigint-id\t');
    expect(parseBaseline(text)).toEqual({ header: findings.header, findings: findings.findings.map(({ row }) => ({ row })) });
  });

  it('reports added, removed and changed findings per file, and header changes', () => {
    const current: PartFindings = {
      header: { ...findings.header, exit: '2' },
      findings: [
        { row: 'a/001.sql\t2:8-14\tprefer-bigint-id\twarn\t8a7770\t-\t2:000000\t2:7fad96', message: 'serial id' },
        { row: 'b/002.sql\t1:1\t-\tfatal\tabcdef\t-\t-\t-', message: 'not UTF-8' },
        { row: 'b/002.sql\t3:1-9\tno-select-star\twarn\t654321\t-\t-\t-', message: 'select star' },
      ],
    };
    const diff = diffFindings('sample', findings, current);
    expect(diff).toMatchObject({ identical: false, added: 1, removed: 1, changed: 1 });
    expect(diff.report).toBe(
      [
        'sample: 1 added, 1 removed, 1 changed finding(s) in 2 file(s)',
        '  exit: baseline "1", now "2"',
        '  a/001.sql',
        '    ~ 2:8-14 prefer-bigint-id (warn): serial id [suggestions 1:9d5676 -> 2:000000]',
        '    - 5:1-7:3 require-where (error) [text 123456]',
        '  b/002.sql',
        '    + 3:1-9 no-select-star (warn): select star',
      ].join('\n'),
    );
    expect(diffFindings('sample', findings, { header: findings.header, findings: [...findings.findings].reverse() }).identical).toBe(true);
  });
});
