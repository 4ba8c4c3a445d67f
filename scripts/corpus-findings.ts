/**
 * Compares the built CLI's findings on the PostgreSQL parts of ../shared/corpus with the baseline
 * in fixtures/corpus-findings/ (what test/corpus-findings.test.ts does), or rewrites the baseline.
 *   node scripts/run-ts.mjs scripts/corpus-findings.ts [--update] [--part pg-regress] [--corpus DIR]
 * Builds the CLI first (scripts/build.mjs), so the findings are those of the sources. Exit 1 when
 * findings differ.
 * Regenerate only when every difference is a bug fix, and name it in the commit message.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { diffFindings } from './corpus-findings/diff.ts';
import { PARTS, baselineFile, corpusProblem, defaultCorpus, fixturesDir, formatBaseline, lintPart, parseBaseline, repoRoot } from './corpus-findings/findings.ts';

const args = process.argv.slice(2);
const update = args.includes('--update');
const corpus = args.includes('--corpus') ? path.resolve(args[args.indexOf('--corpus') + 1]!) : defaultCorpus;
const wanted = args.flatMap((arg, i) => (args[i - 1] === '--part' ? [arg] : []));
const unknown = wanted.filter((name) => !PARTS.some((part) => part.name === name));
if (unknown.length) throw new Error(`unknown part ${unknown.join(', ')}; the parts are ${PARTS.map((part) => part.name).join(', ')}`);
const parts = wanted.length ? PARTS.filter((part) => wanted.includes(part.name)) : PARTS;

const problem = corpusProblem(corpus);
if (problem) {
  console.error(`corpus-findings: ${problem}`);
  process.exit(2);
}
const build = spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'build.mjs')], { cwd: repoRoot, encoding: 'utf8' });
if (build.status !== 0) {
  console.error(`corpus-findings: the build failed:\n${build.stdout}${build.stderr}`);
  process.exit(2);
}
mkdirSync(fixturesDir, { recursive: true });
let differs = false;
for (const part of parts) {
  const started = Date.now();
  const current = await lintPart(part, corpus);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const file = baselineFile(part);
  if (update) {
    writeFileSync(file, formatBaseline(part, current));
    console.log(`${part.name}: ${current.findings.length} findings written to ${path.relative(process.cwd(), file)} (${seconds} s)`);
    continue;
  }
  let baselineText: string;
  try {
    baselineText = readFileSync(file, 'utf8');
  } catch {
    console.log(`${part.name}: no baseline at ${file}; create it with --update`);
    differs = true;
    continue;
  }
  const diff = diffFindings(part.name, parseBaseline(baselineText), current, 200);
  console.log(`${diff.report} (${seconds} s)`);
  differs ||= !diff.identical;
}
if (differs) process.exitCode = 1;
