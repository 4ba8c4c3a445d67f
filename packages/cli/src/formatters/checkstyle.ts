import type { Formatter } from '../types.ts';
import { reportPath, severityName } from './shared.ts';
import { XML_DECLARATION, xmlAttr } from './xml.ts';

/**
 * Checkstyle XML (read by Jenkins' Warnings plugin, reviewdog, Danger, SonarQube...):
 *
 *   <checkstyle version="4.3">
 *     <file name="<path>">
 *       <error line column severity="error|warning" message source="sqlwarden.<rule-id>"/>
 *     </file>
 *   </checkstyle>
 *
 * Every linted file is listed, problems or not. Paths are relative to the working directory;
 * problems that are not a rule's (unreadable files) have source `sqlwarden`. Attribute values are
 * XML-escaped (see xml.ts).
 */
export const checkstyle = ((results, { cwd }) => {
  let body = '';
  for (const result of results) {
    body += `  <file name="${xmlAttr(reportPath(result.filePath, cwd))}">\n`;
    for (const message of result.messages) {
      const source = message.ruleId !== null ? `sqlwarden.${message.ruleId}` : 'sqlwarden';
      body +=
        `    <error line="${message.line}" column="${message.column}" severity="${severityName(message)}" ` +
        `message="${xmlAttr(message.message)}" source="${xmlAttr(source)}"/>\n`;
    }
    body += '  </file>\n';
  }
  return `${XML_DECLARATION}<checkstyle version="4.3">\n${body}</checkstyle>\n`;
}) satisfies Formatter;
