// What a counter lives in: a receiver is the `m` of `m.set(k, …)` or the
// `obj` of `obj[k]--`. no-zero-count keys everything it learns about one by
// an id, so that a declaration, a type, a `+ 1` elsewhere and a delete all
// meet: a variable (through scope analysis, so shadowing is respected), a
// class field `this.x`, or the text of a longer path inside one function.
import type { Rule, Scope, SourceCode } from 'eslint';
import type * as ESTree from 'estree';
import type * as ts from 'typescript';
import { enclosingClass, enclosingFunction, propertyName, tokenText, unwrap, type Node } from './ast.js';

/** What kind of container a receiver is. `other`: a Set, a URLSearchParams, a class of the user's, … */
export type Kind = 'map' | 'object' | 'array' | 'other' | 'unknown';
/** What its values are. */
export type Values = 'number' | 'other' | 'unknown';

export interface Shape {
  kind: Kind;
  values: Values;
  /** For Maps: whether the keys are numbers (IntCounterMap fits) — from a type argument. */
  numberKeys?: boolean;
}

export const UNKNOWN: Shape = { kind: 'unknown', values: 'unknown' };

const TYPED_ARRAY = /^(Big)?(Int|Uint|Float)(8|16|32|64)(Clamped)?Array$/;
const ARRAY_NAMES = new Set(['Array', 'ReadonlyArray']);
const MAP_NAMES = new Set(['Map', 'ReadonlyMap']);

const variableIds = new WeakMap<Scope.Variable, number>();
let nextVariableId = 0;

function findVariable(scope: Scope.Scope | null, name: string): Scope.Variable | null {
  for (let s = scope; s; s = s.upper) {
    const v = s.set.get(name);
    if (v) return v;
  }
  return null;
}

export function variableId(v: Scope.Variable): string {
  let id = variableIds.get(v);
  if (id === undefined) variableIds.set(v, (id = nextVariableId++));
  return `var${id}`;
}

/**
 * The id of a receiver expression, or null for one the rule cannot follow
 * (a call's result, `getMap().set(…)`).
 */
export function receiverId(sourceCode: SourceCode, expr: ESTree.Node): string | null {
  const n = unwrap(expr) as Node;
  if (n.type === 'Identifier') {
    const v = findVariable(sourceCode.getScope(n), n.name);
    return v ? variableId(v) : `global:${n.name}`;
  }
  if (n.type !== 'MemberExpression') return null;
  const name = propertyName(n);
  if (name !== null && unwrap(n.object).type === 'ThisExpression') {
    const cls = enclosingClass(n);
    return cls ? `class${cls.range![0]}.${name}` : null;
  }
  // a.b.c, a[k].c: a path; the same text in the same function is the same receiver.
  let o: ESTree.Node = n;
  while (o.type === 'MemberExpression') o = unwrap(o.object);
  if (o.type !== 'Identifier' && o.type !== 'ThisExpression') return null;
  return `path${enclosingFunction(n).range![0]}:${tokenText(sourceCode, n)}`;
}

/** The last name of a receiver (`counts`, `this.wordCounts` → `wordCounts`), for messages and the name heuristic. */
export function receiverName(expr: ESTree.Node): string {
  const n = unwrap(expr);
  if (n.type === 'Identifier') return n.name;
  if (n.type === 'MemberExpression') return propertyName(n) ?? 'map';
  return 'map';
}

// ---- shapes from syntax ------------------------------------------------------

type TypeNode = { type: string; [field: string]: unknown };

function typeArgs(node: TypeNode): TypeNode[] {
  const holder = (node.typeArguments ?? node.typeParameters) as { params?: TypeNode[] } | undefined;
  return holder?.params ?? [];
}

/** What values a type annotation's type allows. */
function valuesOfType(t: TypeNode | undefined): Values {
  if (!t) return 'unknown';
  switch (t.type) {
    case 'TSNumberKeyword':
    case 'TSBigIntKeyword':
      return 'number';
    case 'TSLiteralType': {
      const lit = t.literal as ESTree.Node;
      return lit.type === 'Literal' && (typeof lit.value === 'number' || typeof lit.value === 'bigint') ? 'number'
        : lit.type === 'UnaryExpression' ? 'number' : 'other';
    }
    case 'TSAnyKeyword':
    case 'TSUnknownKeyword':
      return 'unknown';
    case 'TSUnionType': {
      const parts = (t.types as TypeNode[]).filter((p) => p.type !== 'TSUndefinedKeyword' && p.type !== 'TSNullKeyword');
      const vs = new Set(parts.map(valuesOfType));
      return vs.size === 1 ? [...vs][0]! : vs.has('other') ? 'other' : 'unknown';
    }
    default:
      return 'other';
  }
}

/** The shape a type annotation (the node inside `: …`) declares. */
export function shapeOfType(t: TypeNode | undefined): Shape {
  if (!t) return UNKNOWN;
  switch (t.type) {
    case 'TSArrayType':
    case 'TSTupleType':
      return { kind: 'array', values: 'unknown' };
    case 'TSTypeLiteral': {
      const index = (t.members as TypeNode[]).find((m) => m.type === 'TSIndexSignature');
      const ann = index?.typeAnnotation as TypeNode | undefined;
      return index ? { kind: 'object', values: valuesOfType(ann?.typeAnnotation as TypeNode | undefined) } : { kind: 'other', values: 'unknown' };
    }
    case 'TSUnionType': {
      const parts = (t.types as TypeNode[]).filter((p) => p.type !== 'TSUndefinedKeyword' && p.type !== 'TSNullKeyword');
      return parts.length === 1 ? shapeOfType(parts[0]) : UNKNOWN;
    }
    case 'TSTypeReference': {
      const name = (t.typeName as ESTree.Node).type === 'Identifier' ? (t.typeName as ESTree.Identifier).name : '';
      const args = typeArgs(t);
      if (MAP_NAMES.has(name)) {
        return { kind: 'map', values: valuesOfType(args[1]), numberKeys: args[0]?.type === 'TSNumberKeyword' };
      }
      if (name === 'Record') return { kind: 'object', values: valuesOfType(args[1]) };
      if (name === 'Partial' || name === 'Readonly') return shapeOfType(args[0]);
      if (ARRAY_NAMES.has(name) || TYPED_ARRAY.test(name)) return { kind: 'array', values: 'unknown' };
      return name === '' ? UNKNOWN : { kind: 'other', values: 'unknown' };
    }
    case 'TSAnyKeyword':
    case 'TSUnknownKeyword':
      return UNKNOWN;
    default:
      return { kind: 'other', values: 'unknown' };
  }
}

/** The shape an initial value gives: `new Map()`, `{}`, `[]`, `new Uint32Array(n)`, `Object.create(null)`. */
export function shapeOfValue(init: ESTree.Node | null | undefined): Shape {
  if (!init) return UNKNOWN;
  const n = unwrap(init);
  if (n.type === 'NewExpression' && n.callee.type === 'Identifier') {
    const name = n.callee.name;
    if (name === 'Map') {
      const args = typeArgs(n as unknown as TypeNode);
      let values = valuesOfType(args[1]);
      // new Map([['a', 1], …]): the first entry tells.
      const first = n.arguments[0];
      if (values === 'unknown' && first?.type === 'ArrayExpression') {
        const entry = first.elements[0];
        const v = entry?.type === 'ArrayExpression' ? entry.elements[1] : undefined;
        if (v && v.type !== 'SpreadElement') values = v.type === 'Literal' && typeof v.value === 'number' ? 'number' : v.type === 'Literal' || v.type === 'ObjectExpression' || v.type === 'ArrayExpression' ? 'other' : 'unknown';
      }
      return { kind: 'map', values, numberKeys: args[0]?.type === 'TSNumberKeyword' };
    }
    if (name === 'Array' || TYPED_ARRAY.test(name)) return { kind: 'array', values: 'unknown' };
    return { kind: 'other', values: 'unknown' };
  }
  if (n.type === 'ArrayExpression') return { kind: 'array', values: 'unknown' };
  if (n.type === 'ObjectExpression') {
    // {} is the classic counter; { a: 0, b: 0 } one with its keys listed.
    const props = n.properties;
    if (props.length === 0) return { kind: 'object', values: 'unknown' };
    const allNumbers = props.every((p) => p.type === 'Property' && !p.method && p.value.type === 'Literal' && typeof p.value.value === 'number');
    return allNumbers ? { kind: 'object', values: 'number' } : { kind: 'other', values: 'unknown' };
  }
  if (n.type === 'CallExpression') {
    const callee = unwrap(n.callee);
    if (callee.type === 'Identifier' && callee.name === 'Array') return { kind: 'array', values: 'unknown' };
    if (callee.type === 'MemberExpression') {
      const obj = unwrap(callee.object);
      const method = propertyName(callee);
      if (obj.type === 'Identifier' && obj.name === 'Array') return { kind: 'array', values: 'unknown' };
      if (obj.type === 'Identifier' && obj.name === 'Object' && (method === 'create' || method === 'fromEntries')) return { kind: 'object', values: 'unknown' };
      if (method === 'fill') return { kind: 'array', values: 'unknown' };
    }
  }
  return UNKNOWN;
}

/** The shape a declaration gives: its type annotation first, else its initial value. */
export function shapeOfDeclaration(typeAnnotation: unknown, init: ESTree.Node | null | undefined): Shape {
  const ann = (typeAnnotation as { typeAnnotation?: TypeNode } | undefined)?.typeAnnotation;
  const byType = shapeOfType(ann);
  return byType.kind !== 'unknown' ? byType : shapeOfValue(init);
}

// ---- shapes from the type checker (type-aware linting) -------------------------

interface TypedServices {
  program: ts.Program;
  getTypeAtLocation(node: ESTree.Node): ts.Type;
}

export function typedServices(context: Rule.RuleContext): TypedServices | null {
  const s = context.sourceCode.parserServices as Partial<TypedServices> | undefined;
  return s?.program && typeof s.getTypeAtLocation === 'function' ? (s as TypedServices) : null;
}

function valuesOfTsType(checker: ts.TypeChecker, t: ts.Type | undefined): Values {
  if (!t) return 'unknown';
  const parts = t.isUnion() ? t.types : [t];
  let out: Values | null = null;
  for (const p of parts) {
    const s = checker.typeToString(p);
    if (s === 'undefined' || s === 'null') continue;
    const v: Values = s === 'any' || s === 'unknown' ? 'unknown' : /^(number|bigint|-?\d[\d.e+-]*n?)$/.test(s) ? 'number' : 'other';
    if (v === 'other') return 'other';
    out = out === null || out === v ? v : 'unknown';
  }
  return out ?? 'unknown';
}

/** The shape TypeScript infers for a receiver; UNKNOWN for any/unknown and without type information. */
export function shapeFromTypes(services: TypedServices, expr: ESTree.Node): Shape {
  const checker = services.program.getTypeChecker();
  let t = services.getTypeAtLocation(expr);
  if (t.isUnion()) {
    const defined = t.types.filter((p) => !/^(undefined|null)$/.test(checker.typeToString(p)));
    if (defined.length !== 1) return UNKNOWN;
    t = defined[0]!;
  }
  const text = checker.typeToString(t);
  if (text === 'any' || text === 'unknown') return UNKNOWN;
  const name = (t.getSymbol() ?? t.aliasSymbol)?.getName() ?? '';
  if (checker.isArrayType(t) || checker.isTupleType(t) || ARRAY_NAMES.has(name) || TYPED_ARRAY.test(name)) return { kind: 'array', values: 'unknown' };
  if (MAP_NAMES.has(name)) {
    const args = checker.getTypeArguments(t as ts.TypeReference);
    return { kind: 'map', values: valuesOfTsType(checker, args[1]), numberKeys: args[0] !== undefined && valuesOfTsType(checker, args[0]) === 'number' };
  }
  const index = t.getStringIndexType() ?? t.getNumberIndexType();
  if (index) return { kind: 'object', values: valuesOfTsType(checker, index) };
  return { kind: 'other', values: 'unknown' };
}
