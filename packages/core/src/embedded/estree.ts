/**
 * The few ESTree shapes the extractor reads, typed structurally so that any ESTree parser's output
 * fits: espree and typescript-eslint (what ESLint hands a rule), and @babel/parser with its
 * `estree` plugin (what `parse.ts` produces for the language server and the CLI).
 *
 * Offsets come from `range` when the parser sets it (ESLint always does), else from
 * `start`/`end` (babel, acorn). Both are UTF-16 offsets into the source text.
 */

export interface EstreeNode {
  type: string;
  range?: [number, number];
  start?: number;
  end?: number;
}

/** ESTree comment: `Block` for `/* *\/`, `Line` for `//`; `value` is the text between the delimiters. */
export interface EstreeComment {
  type: 'Block' | 'Line' | string;
  value: string;
  range?: [number, number];
  start?: number;
  end?: number;
}

export interface EstreeProgram extends EstreeNode {
  type: 'Program';
  /** espree (`comment: true`) and typescript-eslint put every comment here. */
  comments?: readonly EstreeComment[];
}

export interface TemplateElement extends EstreeNode {
  type: 'TemplateElement';
  /** `raw`: the source text with CRLF and CR normalised to LF; `cooked`: null for an invalid escape in a tagged template. */
  value: { raw: string; cooked: string | null | undefined };
  tail: boolean;
}

export interface TemplateLiteral extends EstreeNode {
  type: 'TemplateLiteral';
  quasis: TemplateElement[];
  expressions: EstreeNode[];
}

export interface TaggedTemplateExpression extends EstreeNode {
  type: 'TaggedTemplateExpression';
  tag: EstreeNode;
  quasi: TemplateLiteral;
}

export interface Literal extends EstreeNode {
  type: 'Literal';
  value: unknown;
  raw?: string;
}

export interface Identifier extends EstreeNode {
  type: 'Identifier';
  name: string;
}

export interface MemberExpression extends EstreeNode {
  type: 'MemberExpression';
  object: EstreeNode;
  property: EstreeNode;
  computed: boolean;
}

export interface CallExpression extends EstreeNode {
  type: 'CallExpression';
  callee: EstreeNode;
  arguments: EstreeNode[];
}

/** `[start, end)` of a node or comment, or undefined when the parser gave neither `range` nor `start`/`end`. */
export function rangeOf(node: { range?: [number, number]; start?: number; end?: number }): [number, number] | undefined {
  if (node.range && typeof node.range[0] === 'number' && typeof node.range[1] === 'number') return node.range;
  if (typeof node.start === 'number' && typeof node.end === 'number') return [node.start, node.end];
  return undefined;
}

/** Keys that hold no child nodes, or point back up the tree (ESLint sets `parent`). */
const SKIPPED_KEYS = new Set(['parent', 'loc', 'range', 'start', 'end', 'comments', 'tokens', 'leadingComments', 'trailingComments', 'innerComments', 'errors']);

function isNode(value: unknown): value is EstreeNode {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

/**
 * Every node under `root` in pre-order (parents before children, children in source order).
 * Iterative, so a deeply nested expression (a long `a + b + c ...` chain) cannot overflow the stack.
 */
export function* preorder(root: EstreeNode): Generator<EstreeNode> {
  const stack: EstreeNode[] = [root];
  while (stack.length) {
    const node = stack.pop()!;
    yield node;
    const children: EstreeNode[] = [];
    for (const key of Object.keys(node)) {
      if (SKIPPED_KEYS.has(key)) continue;
      const value = (node as unknown as Record<string, unknown>)[key];
      if (Array.isArray(value)) {
        for (const item of value) if (isNode(item)) children.push(item);
      } else if (isNode(value)) {
        children.push(value);
      }
    }
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
}
