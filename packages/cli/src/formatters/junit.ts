import type { CliMessage, Formatter } from '../types.ts';
import { reportPath, severityName } from './shared.ts';
import { XML_DECLARATION, xmlAttr, xmlText } from './xml.ts';

/**
 * JUnit XML as GitLab (`artifacts: reports: junit:`) and Jenkins read it:
 *
 *   <testsuites name="sqlwarden" tests failures errors>
 *     <testsuite name="<path>" ...>          one per linted file
 *       <testcase name="sqlwarden" .../>     a file without problems: one passing test
 *       <testcase name="<line>:<column> <rule-id>" classname="<path>" file="<path>">
 *         <failure message="<headline>" type="<error|warning>">details</failure>
 *       </testcase>                          one per rule finding, errors and warnings alike
 *       <testcase ...><error message type="fatal">...</error></testcase>
 *     </testsuite>                            a file that could not be linted
 *   </testsuites>
 *
 * The `message` attribute, which test reports list, is the finding's headline; the element text
 * (shown when a failure is opened) adds the position, the rule's detail and its documentation.
 * Paths are relative to the working directory. Text is XML-escaped, and characters XML 1.0
 * cannot carry (most control characters) are written as `\uXXXX` (see xml.ts).
 */
export const junit = ((results, { cwd, rulesMeta }) => {
  let tests = 0;
  let failures = 0;
  let errors = 0;
  let suites = '';
  for (const result of results) {
    const path = reportPath(result.filePath, cwd);
    let cases = '';
    let suiteFailures = 0;
    let suiteErrors = 0;
    for (const message of result.messages) {
      const fatal = message.fatal === true;
      if (fatal) suiteErrors++;
      else suiteFailures++;
      const docs = message.ruleId !== null ? rulesMeta[message.ruleId]?.docs?.url : undefined;
      const details = [
        `${severityName(message)} at ${path}:${message.line}:${message.column}${message.ruleId !== null ? ` (${message.ruleId})` : ''}`,
        message.message,
        ...(message.detail ? ['', message.detail, ''] : []),
        ...(docs ? [`Documentation: ${docs}`] : []),
      ].join('\n');
      const element = fatal ? 'error' : 'failure';
      const type = fatal ? 'fatal' : severityName(message);
      cases +=
        `    <testcase name="${xmlAttr(caseName(message))}" classname="${xmlAttr(path)}" file="${xmlAttr(path)}" time="0">\n` +
        `      <${element} message="${xmlAttr(message.message)}" type="${type}">${xmlText(details)}</${element}>\n` +
        '    </testcase>\n';
    }
    let count = result.messages.length;
    if (count === 0) {
      cases += `    <testcase name="sqlwarden" classname="${xmlAttr(path)}" file="${xmlAttr(path)}" time="0"/>\n`;
      count = 1;
    }
    tests += count;
    failures += suiteFailures;
    errors += suiteErrors;
    suites +=
      `  <testsuite name="${xmlAttr(path)}" tests="${count}" failures="${suiteFailures}" errors="${suiteErrors}" skipped="0" time="0">\n` +
      `${cases}  </testsuite>\n`;
  }
  return `${XML_DECLARATION}<testsuites name="sqlwarden" tests="${tests}" failures="${failures}" errors="${errors}" time="0">\n${suites}</testsuites>\n`;
}) satisfies Formatter;

function caseName(message: CliMessage): string {
  if (message.ruleId === null) return message.fatal ? 'sqlwarden: file could not be linted' : 'sqlwarden: file ignored';
  return `${message.line}:${message.column} ${message.ruleId}`;
}
