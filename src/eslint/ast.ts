// Small questions about ESTree nodes that no-zero-count asks over and over.
// The nodes may come from espree (JS) or typescript-eslint (TS): TS-only
// wrappers such as `x!` and `x as number` are seen through by unwrap().
import type { Rule, SourceCode } from 'eslint';
import type * as ESTree from 'estree';

export type Node = Rule.Node;

/** The TS expression wrappers that leave a value as it is. */
const TRANSPARENT = new Set(['TSNonNullExpression', 'TSAsExpression', 'TSSatisfiesExpression', 'TSTypeAssertion', 'ChainExpression']);

/** `x!`, `x as T`, `x satisfies T`, `<T>x`, `a?.b` → the expression inside (parentheses are not in the AST). */
export function unwrap(node: ESTree.Node): ESTree.Node {
  let n = node as ESTree.Node & { expression?: ESTree.Node };
  while (TRANSPARENT.has(n.type) && n.expression) n = n.expression as ESTree.Node & { expression?: ESTree.Node };
  return n;
}

function numberValue(node: ESTree.Node): number | null {
  const n = unwrap(node);
  if (n.type === 'Literal' && typeof n.value === 'number') return n.value;
  if (n.type === 'Literal' && typeof n.value === 'bigint') return Number(n.value);
  if (n.type === 'UnaryExpression' && (n.operator === '-' || n.operator === '+')) {
    const v = numberValue(n.argument);
    return v === null ? null : n.operator === '-' ? -v : v;
  }
  return null;
}

/** `0`, `-0`, `0n`, `+0`. */
export function isZero(node: ESTree.Node): boolean {
  return numberValue(node) === 0;
}

/** A numeric literal below zero: `-1`, `-n` is not one (its sign is unknown). */
export function isNegativeLiteral(node: ESTree.Node): boolean {
  const v = numberValue(node);
  return v !== null && v < 0;
}

/** A value that is visibly not a number: a string, boolean, object, array, function, class instance. */
export function isNonNumber(node: ESTree.Node): boolean {
  const n = unwrap(node);
  switch (n.type) {
    case 'Literal':
      return typeof n.value === 'string' || typeof n.value === 'boolean' || n.value instanceof RegExp;
    case 'TemplateLiteral':
    case 'ObjectExpression':
    case 'ArrayExpression':
    case 'NewExpression':
    case 'ArrowFunctionExpression':
    case 'FunctionExpression':
    case 'ClassExpression':
      return true;
    default:
      return false;
  }
}

/** `a.b` or `a[k]` with a name for b; null for a computed key. */
export function propertyName(node: ESTree.MemberExpression): string | null {
  if (!node.computed && node.property.type === 'Identifier') return node.property.name;
  if (!node.computed && node.property.type === 'PrivateIdentifier') return `#${node.property.name}`;
  return null;
}

/** `recv.name(args…)` → [recv, args]; null when the call is anything else. */
export function methodCall(node: ESTree.Node, name: string, args: number): ESTree.Expression | null {
  const n = unwrap(node);
  if (n.type !== 'CallExpression' || n.arguments.length !== args) return null;
  if (n.arguments.some((a) => a.type === 'SpreadElement')) return null;
  const callee = unwrap(n.callee);
  if (callee.type !== 'MemberExpression' || propertyName(callee) !== name) return null;
  return callee.object.type === 'Super' ? null : callee.object;
}

/** `recv[key]` with a key that varies (an identifier or expression, not a literal). */
export function dynamicElement(node: ESTree.Node): ESTree.MemberExpression | null {
  const n = unwrap(node);
  if (n.type !== 'MemberExpression' || !n.computed || n.object.type === 'Super') return null;
  // obj['name'] and arr[0] are fields, not counters keyed by data.
  if (isLiteralKey(n.property)) return null;
  return n;
}

/** `'name'`, `42`, `` `name` ``: a key that is the same on every call. */
export function isLiteralKey(node: ESTree.Node): boolean {
  const n = unwrap(node);
  return n.type === 'Literal' || (n.type === 'TemplateLiteral' && n.expressions.length === 0);
}

/** The source of an expression as tokens, so spacing and comments do not matter. */
export function tokenText(sourceCode: SourceCode, node: ESTree.Node): string {
  return sourceCode.getTokens(unwrap(node) as Node).map((t) => t.value).join(' ');
}

/** The innermost function around a node, or the Program: the reach of "deletes it at zero". */
export function enclosingFunction(node: Node): Node {
  let n: Node = node;
  while (n.parent) {
    n = n.parent;
    if (n.type === 'FunctionDeclaration' || n.type === 'FunctionExpression' || n.type === 'ArrowFunctionExpression') return n;
  }
  return n;
}

/** The class a `this.x` belongs to: arrow functions keep the method's `this`, other functions do not. */
export function enclosingClass(node: Node): Node | null {
  let n: Node = node;
  while (n.parent) {
    n = n.parent;
    if (n.type === 'ClassBody') return n.parent;
    if (n.type === 'FunctionDeclaration' || (n.type === 'FunctionExpression' && n.parent.type !== 'MethodDefinition' && n.parent.type !== 'Property')) return null;
  }
  return null;
}

/** Whether `node` is a statement whose value nobody uses, so it can be replaced by other statements. */
export function isStatement(node: Node): node is Node & ESTree.ExpressionStatement {
  return node.type === 'ExpressionStatement';
}

/** Whether a statement sits in a list of statements (where a `const` may go) rather than alone under an if/loop. */
export function inStatementList(statement: Node): boolean {
  const p = statement.parent;
  return p !== null && (p.type === 'BlockStatement' || p.type === 'Program' || p.type === 'SwitchCase' || p.type === 'StaticBlock');
}
