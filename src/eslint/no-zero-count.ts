// no-zero-count: a count that reaches 0 should leave the map. Code that
// stores the 0 instead — `m.set(k, 0)`, `m.set(k, m.get(k) - 1)`,
// `obj[k]--` — keeps every key it ever counted: memory that only grows,
// `size` and `Object.keys` that lie, iteration over dead entries. This is the
// JS counterpart of the Go vet check that flags zero-storing map counters.
//
// How it decides, in one pass then a verdict at the end of the file:
// 1. Sites: each `R.set(K, V)` and `R[K] = V` / `R[K] -= n` / `R[K]--` where V
//    is 0 (or may be: `c > 0 ? c : 0`) or a decrement of R's own count for K.
// 2. Evidence about each receiver R: its declaration or type (a Map or a
//    plain object, of numbers; never an array), whether it is used as a
//    counter (`R.get(K) ?? 0`, `R[K]++`, an increment of the same key), and
//    whether its values are visibly not numbers.
// 3. Deletes: `R.delete(K)`, `delete R[K]`, `Reflect.deleteProperty(R, K)`.
// A site is reported when R is a counter it can see, of numbers as far as it
// can tell, and no delete of the same key is in the same function. A 0 that an
// increment of the same key always follows is a start, not a kept zero; a
// literal key (`m.set('total', 0)`) is a fixed field, not data.
import type { Rule, SourceCode } from 'eslint';
import type * as ESTree from 'estree';
import {
  dynamicElement, enclosingFunction, inStatementList, isLiteralKey, isNegativeLiteral, isNonNumber, isStatement, isZero,
  methodCall, propertyName, tokenText, unwrap, type Node,
} from './ast.js';
import {
  receiverId, receiverName, shapeFromTypes, shapeOfDeclaration, typedServices, UNKNOWN, variableId, type Shape,
} from './receivers.js';

/** Names people give counters; with a numeric Map, enough to call `set(k, 0)` a counter reset. */
const COUNTER_NAME = /count|tally|tallies|freq|hits|histogram|occurrence|votes|refs$|usage/i;

/** Methods that only exist on objects and arrays: calling one on a value means the values are not numbers. */
const NUMBER_METHODS = new Set(['toFixed', 'toString', 'toLocaleString', 'valueOf', 'toPrecision', 'toExponential']);

/** Properties that only arrays (and typed arrays) have. */
const ARRAY_MEMBERS = new Set(['length', 'push', 'pop', 'shift', 'unshift', 'fill', 'indexOf', 'slice', 'splice', 'subarray', 'join', 'reduce', 'findIndex']);

interface Evidence {
  shape: Shape;
  /** Used as a counter: `?? 0` reads, `++`, `+= n`, an increment of its own count. */
  counter: boolean;
  /** Read as sparse (`|| 0`, `in`, `delete`): a plain object, not an array. */
  sparse: boolean;
  /** A value stored or used that is not a number. */
  nonNumber: boolean;
  /** Where its shape can be asked of the type checker. */
  sample: ESTree.Node | null;
}

type Form = 'zero' | 'decrement';

interface Site {
  node: Node;
  style: 'map' | 'object';
  form: Form;
  rid: string;
  receiver: ESTree.Expression;
  key: ESTree.Node;
  keyText: string;
  fn: Node;
  /** For a Map decrement: what is subtracted (`m.decr(k, n)`), when plain. */
  step: ESTree.Node | null;
}

interface Delete {
  rid: string;
  keyText: string;
  fn: Node;
}

/** An increment of R's count for K: `R[K]++`, `R[K] += n`, `R.set(K, R.get(K) + n)`. */
interface Increment {
  rid: string;
  keyText: string;
  node: Node;
}

const rule: Rule.RuleModule = {
  meta: {
    type: 'problem',
    docs: {
      description: 'Disallow keeping zero counts in a Map or an object used as a counter: delete the key at 0, or use tophash\'s CounterMap',
      recommended: true,
      url: 'https://www.npmjs.com/package/tophash#eslint-rule-no-zero-count-tophasheslint',
    },
    hasSuggestions: true,
    schema: [],
    messages: {
      mapZero: '`{{name}}.set(…, 0)` keeps a zero count: the key stays in the Map for good. Delete it (`{{name}}.delete(key)`), or count with tophash\'s CounterMap, where a count of 0 deletes the key.',
      mapDecrement: 'This decrement can leave a count of 0 in `{{name}}`, and nothing in this function deletes the key at 0: the Map keeps every key it ever counted. Delete the key when its count reaches 0, or use tophash\'s CounterMap (`{{name}}.decr(key)` deletes at 0).',
      objectZero: '`{{name}}[key] = 0` keeps a zero count: the property stays on the object for good. Delete it (`delete {{name}}[key]`), or count with tophash\'s CounterMap, where a count of 0 deletes the key.',
      objectDecrement: 'This decrement can leave a count of 0 in `{{name}}`, and nothing in this function deletes the key at 0: the object keeps every key it ever counted. Delete the key when its count reaches 0, or use tophash\'s CounterMap.',
      deleteAtZero: 'Delete the key when its count reaches 0.',
      useCounterMap: 'Make `{{name}}` a tophash {{cls}} (its `set(k, 0)` and `decr` delete at 0; its keys must be {{keys}}).',
    },
  },

  create(context) {
    const sourceCode = context.sourceCode;
    const services = typedServices(context);
    const evidence = new Map<string, Evidence>();
    const sites: Site[] = [];
    const deletes: Delete[] = [];
    const increments: Increment[] = [];
    /** Map receivers declared `const m = new Map()` here: where useCounterMap can rewrite the declaration. */
    const newMaps = new Map<string, ESTree.NewExpression>();

    const about = (rid: string): Evidence => {
      let e = evidence.get(rid);
      if (!e) evidence.set(rid, (e = { shape: UNKNOWN, counter: false, sparse: false, nonNumber: false, sample: null }));
      return e;
    };
    const idOf = (expr: ESTree.Node): string | null => receiverId(sourceCode, expr);
    const text = (n: ESTree.Node): string => tokenText(sourceCode, n);
    const declare = (rid: string | null, shape: Shape): void => {
      if (rid === null || shape.kind === 'unknown') return;
      about(rid).shape = shape;
    };

    /** A read of R's count for K: `R.get(K)`, `R[K]`, with `?? 0`, `|| 0`, `Number(…)`, `+…`, `!`, `as` around it. */
    function isReadOf(expr: ESTree.Node, rid: string, keyText: string, depth = 0): boolean {
      const n = unwrap(expr);
      if (n.type === 'LogicalExpression' && (n.operator === '??' || n.operator === '||') && isZero(n.right)) return isReadOf(n.left, rid, keyText, depth);
      if (n.type === 'UnaryExpression' && n.operator === '+') return isReadOf(n.argument, rid, keyText, depth);
      if (n.type === 'CallExpression' && unwrap(n.callee).type === 'Identifier' && (unwrap(n.callee) as ESTree.Identifier).name === 'Number' && n.arguments[0]) {
        return isReadOf(n.arguments[0], rid, keyText, depth);
      }
      const getRecv = methodCall(n, 'get', 1);
      if (getRecv) {
        const call = n as ESTree.CallExpression;
        return idOf(getRecv) === rid && text(call.arguments[0]!) === keyText;
      }
      const el = dynamicElement(n);
      if (el) return idOf(el.object) === rid && text(el.property) === keyText;
      // const c = m.get(k) ?? 0 … m.set(k, c - 1)
      if (n.type === 'Identifier' && depth < 2) {
        const init = constInit(n);
        return init !== null && isReadOf(init, rid, keyText, depth + 1);
      }
      return false;
    }

    /** The initial value of the variable an identifier names, when it is declared once with one. */
    function constInit(id: ESTree.Identifier): ESTree.Node | null {
      let scope: ReturnType<SourceCode['getScope']> | null = sourceCode.getScope(id);
      for (; scope; scope = scope.upper) {
        const v = scope.set.get(id.name);
        if (!v) continue;
        const def = v.defs.length === 1 ? v.defs[0] : undefined;
        return def?.type === 'Variable' ? def.node.init ?? null : null;
      }
      return null;
    }

    /** Whether an identifier holding R's count for K is counted down (`c--`, `--c`, `c -= n`) in `fn`. */
    function countedDown(id: ESTree.Identifier, fn: Node): boolean {
      let scope: ReturnType<SourceCode['getScope']> | null = sourceCode.getScope(id);
      for (; scope; scope = scope.upper) {
        const v = scope.set.get(id.name);
        if (!v) continue;
        return v.references.some((r) => {
          const p = (r.identifier as Node).parent;
          if (p === null) return false;
          const down = (p.type === 'UpdateExpression' && p.operator === '--') || (p.type === 'AssignmentExpression' && p.operator === '-=' && p.left === r.identifier);
          return down && enclosingFunction(p) === fn;
        });
      }
      return false;
    }

    /**
     * Whether V is R's count for K minus something: `R.get(K) - n`,
     * `(R.get(K) ?? 0) - 1`, `R[K] + -1`, `Math.max(0, R.get(K) - 1)`,
     * `--c` or `c` where c holds the count and is counted down. Returns the
     * step when it is a plain `- n`, true when it is a decrement of another
     * form, false when it is not one.
     */
    function decrementOf(value: ESTree.Node, rid: string, keyText: string, fn: Node, depth = 0): ESTree.Node | true | false {
      const n = unwrap(value);
      if (n.type === 'BinaryExpression' && n.left.type !== 'PrivateIdentifier') {
        if (n.operator === '-' && isReadOf(n.left, rid, keyText)) return n.right;
        if (n.operator === '+' && ((isReadOf(n.left, rid, keyText) && isNegativeLiteral(n.right)) || (isNegativeLiteral(n.left) && isReadOf(n.right, rid, keyText)))) return true;
        return false;
      }
      if (n.type === 'CallExpression') {
        const callee = unwrap(n.callee);
        // Math.max(0, c - 1): clamps at 0, and so stores it.
        if (callee.type === 'MemberExpression' && propertyName(callee) === 'max' && unwrap(callee.object).type === 'Identifier' && (unwrap(callee.object) as ESTree.Identifier).name === 'Math') {
          const steps = n.arguments.map((a) => (a.type === 'SpreadElement' ? false : decrementOf(a, rid, keyText, fn, depth)));
          const hit = steps.find((s) => s !== false);
          return hit ?? false;
        }
        return false;
      }
      if (n.type === 'UpdateExpression' && n.operator === '--' && n.argument.type === 'Identifier') {
        return isReadOf(n.argument, rid, keyText) ? true : false;
      }
      if (n.type === 'Identifier' && depth < 2) {
        // const next = m.get(k) - 1;  …  m.set(k, next)
        const init = constInit(n);
        if (init !== null && decrementOf(init, rid, keyText, fn, depth + 1) !== false) return true;
        // let c = m.get(k) ?? 0; c--; m.set(k, c)
        if (init !== null && isReadOf(init, rid, keyText) && countedDown(n, fn)) return true;
      }
      return false;
    }

    /** Whether V is R's count for K plus something (a counter's increment). */
    function incrementOf(value: ESTree.Node, rid: string, keyText: string): boolean {
      const n = unwrap(value);
      if (n.type !== 'BinaryExpression' || n.operator !== '+' || n.left.type === 'PrivateIdentifier') return false;
      const [read, other] = isReadOf(n.left, rid, keyText) ? [n.left, n.right] : isReadOf(n.right, rid, keyText) ? [n.right, n.left] : [null, null];
      return read !== null && other !== null && !isNonNumber(other);
    }

    /** Whether V stores 0, or may: `0`, `c > 0 ? c : 0`. */
    function zeroOf(value: ESTree.Node): boolean {
      const n = unwrap(value);
      if (isZero(n)) return true;
      return n.type === 'ConditionalExpression' && (isZero(n.consequent) || isZero(n.alternate));
    }

    function addSite(node: Node, style: Site['style'], receiver: ESTree.Expression, key: ESTree.Node, value: ESTree.Node | null): void {
      const rid = idOf(receiver);
      if (rid === null) return;
      const keyText = text(key);
      const fn = enclosingFunction(node);
      let form: Form | null = null;
      let step: ESTree.Node | null = null;
      if (value === null) form = 'decrement'; // obj[k]--, obj[k] -= n
      else if (zeroOf(value)) form = 'zero';
      else {
        const d = decrementOf(value, rid, keyText, fn);
        if (d !== false) {
          form = 'decrement';
          step = d === true ? null : d;
        }
      }
      const e = about(rid);
      e.sample ??= receiver;
      if (form === null) {
        if (value !== null && isNonNumber(value)) e.nonNumber = true;
        if (value !== null && incrementOf(value, rid, keyText)) {
          e.counter = true;
          increments.push({ rid, keyText, node });
        }
        return;
      }
      if (form === 'decrement') e.counter = true; // a count going down is a counter
      sites.push({ node, style, form, rid, receiver, key, keyText, fn, step });
    }

    function addDelete(receiver: ESTree.Node, key: ESTree.Node, node: Node): void {
      const rid = idOf(receiver);
      if (rid === null) return;
      about(rid).sparse = true;
      deletes.push({ rid, keyText: text(key), fn: enclosingFunction(node) });
    }

    /** The receiver's shape: declared, else what the type checker knows. */
    function shapeOf(rid: string): Shape {
      const e = about(rid);
      if (e.shape.kind === 'unknown' && services && e.sample) {
        try {
          e.shape = shapeFromTypes(services, e.sample);
        } catch {
          // A node the checker cannot map (e.g. from a processor): no type information.
        }
      }
      return e.shape;
    }

    function isCounter(site: Site): boolean {
      const e = about(site.rid);
      const shape = shapeOf(site.rid);
      if (shape.kind === 'array' || shape.kind === 'other') return false;
      if (shape.values === 'other' || e.nonNumber) return false;
      if (site.style === 'map' && shape.kind === 'object') return false;
      // obj[k] on something of unknown kind could be an array: only a sparse read says object.
      if (site.style === 'object' && shape.kind !== 'object' && !e.sparse) return false;
      if (e.counter || site.form === 'decrement') return true;
      return COUNTER_NAME.test(receiverName(site.receiver)) && (shape.kind !== 'unknown' || shape.values === 'number');
    }

    /**
     * `if (!(k in o)) o[k] = 0; o[k] += n;`: a 0 that an increment of the
     * same key always follows is a start, not a count kept at 0. "Always":
     * the increment is in a later statement of a block the site is in, within
     * the same function (not in the other branch of an if, not in a callback).
     */
    function startsAtZero(site: Site): boolean {
      if (site.form !== 'zero') return false;
      const later = increments.filter((i) => i.rid === site.rid && i.keyText === site.keyText && enclosingFunction(i.node) === site.fn);
      if (later.length === 0) return false;
      for (let n: Node = site.node; n !== site.fn && n.parent; n = n.parent) {
        const list = n.parent;
        if (!inStatementList(n)) continue;
        const end = n.range![1];
        const listEnd = list.range![1];
        if (later.some((i) => i.node.range![0] >= end && i.node.range![1] <= listEnd)) return true;
      }
      return false;
    }

    function deletedInFunction(site: Site): boolean {
      return deletes.some((d) => d.rid === site.rid && d.keyText === site.keyText && d.fn === site.fn);
    }

    // ---- suggestions ----------------------------------------------------------

    function indentOf(node: Node): string {
      const line = sourceCode.lines[node.loc!.start.line - 1] ?? '';
      return /^\s*/.exec(line)![0];
    }

    /** A name for a temporary that nothing in `fn` uses. */
    function freshName(fn: Node): string {
      const used = sourceCode.getText(fn);
      for (const name of ['next', 'nextCount', 'remaining']) if (!new RegExp(`\\b${name}\\b`).test(used)) return name;
      let i = 2;
      while (new RegExp(`\\bnext${i}\\b`).test(used)) i++;
      return `next${i}`;
    }

    /** The statement that replaces the site's statement so the key is deleted at 0. */
    function deleteAtZeroText(site: Site, statement: Node): string | null {
      const r = sourceCode.getText(site.receiver);
      const k = sourceCode.getText(site.key);
      const n = site.node;
      const indent = indentOf(statement);
      const del = site.style === 'map' ? `${r}.delete(${k})` : `delete ${r}[${k}]`;
      // m.set(k, c > 1 ? c - 1 : 0): the branch that is not 0 stays, the 0 becomes a delete.
      const value = n.type === 'CallExpression' ? n.arguments[1] : n.type === 'AssignmentExpression' && n.operator === '=' ? n.right : undefined;
      const cond = value === undefined ? null : unwrap(value);
      if (site.form === 'zero' && cond?.type === 'ConditionalExpression') {
        const zeroFirst = isZero(cond.consequent);
        const keep = sourceCode.getText((zeroFirst ? cond.alternate : cond.consequent));
        const set = site.style === 'map' ? `${r}.set(${k}, ${keep})` : `${r}[${k}] = ${keep}`;
        const [then, otherwise] = zeroFirst ? [del, set] : [set, del];
        return `if (${sourceCode.getText(cond.test)}) ${then};\n${indent}else ${otherwise};`;
      }
      if (site.style === 'object') {
        const target = `${r}[${k}]`;
        if (site.form === 'zero') return `${del};`;
        if (n.type === 'UpdateExpression') return `if (--${target} <= 0) delete ${target};`;
        if (n.type === 'AssignmentExpression') return `if ((${sourceCode.getText(n)}) <= 0) delete ${target};`;
        return null;
      }
      if (site.form === 'zero') return `${del};`;
      if (value === undefined) return null;
      const v = sourceCode.getText(value);
      if (unwrap(value).type === 'Identifier') return `if (${v} > 0) ${r}.set(${k}, ${v});\n${indent}else ${del};`;
      const tmp = freshName(site.fn);
      const body = `const ${tmp} = ${v};\n${indent}if (${tmp} > 0) ${r}.set(${k}, ${tmp});\n${indent}else ${del};`;
      return inStatementList(statement) ? body : `{\n${indent}  ${body.replaceAll(`\n${indent}`, `\n${indent}  `)}\n${indent}}`;
    }

    function suggestions(site: Site): Rule.SuggestionReportDescriptor[] {
      const out: Rule.SuggestionReportDescriptor[] = [];
      const statement = site.node.parent;
      if (statement !== null && isStatement(statement)) {
        const replacement = deleteAtZeroText(site, statement);
        if (replacement !== null) out.push({ messageId: 'deleteAtZero', fix: (fixer) => fixer.replaceText(statement, replacement) });
      }
      const decl = site.style === 'map' ? newMaps.get(site.rid) : undefined;
      // A CounterMap throws when it is changed while being walked (a Map allows it): no such suggestion inside a walk of it.
      if (decl && !insideWalkOf(site)) {
        const numberKeys = shapeOf(site.rid).numberKeys === true;
        const cls = numberKeys ? 'IntCounterMap' : 'CounterMap';
        const edits: Array<[ESTree.Node, string]> = [[decl, `new ${cls}()`]];
        // On a CounterMap, set(k, 0) already deletes; a decrement becomes decr(), which deletes at 0 (set would throw below 0).
        if (site.form === 'decrement') {
          if (site.step === null || statement === null || !isStatement(statement)) return out;
          edits.push([site.node, `${sourceCode.getText(site.receiver)}.decr(${sourceCode.getText(site.key)}, ${sourceCode.getText(site.step)})`]);
        }
        out.push({
          messageId: 'useCounterMap',
          data: { name: receiverName(site.receiver), cls, keys: numberKeys ? 'safe integers' : 'strings' },
          fix: (fixer) => {
            const fixes = edits.map(([node, replacement]) => fixer.replaceText(node as Node, replacement));
            const imp = importText(cls);
            if (imp !== null) fixes.push(imp.at === null ? fixer.insertTextBeforeRange([0, 0], imp.text) : fixer.insertTextAfter(imp.at, imp.text));
            return fixes;
          },
        });
      }
      return out;
    }

    /** Whether the site runs inside `for (… of R)`, `for (… of R.keys())` (entries, values) or `R.forEach(…)`. */
    function insideWalkOf(site: Site): boolean {
      for (let n: Node | null = site.node; n; n = n.parent) {
        let walked: ESTree.Node | null = null;
        if (n.type === 'ForOfStatement') {
          const right = unwrap(n.right);
          walked = methodCall(right, 'keys', 0) ?? methodCall(right, 'entries', 0) ?? methodCall(right, 'values', 0) ?? right;
        } else if (n.type === 'CallExpression') {
          walked = methodCall(n, 'forEach', 1) ?? methodCall(n, 'forEach', 2);
        }
        if (walked !== null && idOf(walked) === site.rid) return true;
      }
      return false;
    }

    /** The import (or require) of `cls` from tophash to add, and after what; null when it is there already. */
    function importText(cls: string): { at: Node | null; text: string } | null {
      const program = sourceCode.ast;
      const body = program.body as Node[];
      if (sourceCode.getText().match(new RegExp(`\\b${cls}\\b[^;]*(from\\s+|require\\()\\s*['"]tophash['"]`))) return null;
      if (program.sourceType === 'module') {
        const imports = body.filter((s) => s.type === 'ImportDeclaration');
        const last = imports[imports.length - 1];
        const line = `import { ${cls} } from 'tophash';`;
        return last ? { at: last, text: `\n${line}` } : { at: null, text: `${line}\n` };
      }
      const directives = body.filter((s) => s.type === 'ExpressionStatement' && 'directive' in s);
      const last = directives[directives.length - 1];
      const line = `const { ${cls} } = require('tophash');`;
      return last ? { at: last, text: `\n${line}` } : { at: null, text: `${line}\n` };
    }

    // ---- visitors -------------------------------------------------------------

    return {
      VariableDeclarator(node) {
        if (node.id.type !== 'Identifier') return;
        const [v] = sourceCode.getDeclaredVariables(node);
        if (!v) return;
        const rid = variableId(v);
        declare(rid, shapeOfDeclaration((node.id as { typeAnnotation?: unknown }).typeAnnotation, node.init));
        const init = node.init ? unwrap(node.init) : null;
        if (init?.type === 'NewExpression' && init.callee.type === 'Identifier' && init.callee.name === 'Map' && init.arguments.length === 0 && node.parent.type === 'VariableDeclaration' && node.parent.kind === 'const') {
          newMaps.set(rid, init);
        }
      },
      'FunctionDeclaration, FunctionExpression, ArrowFunctionExpression'(node: ESTree.Function & Node) {
        for (const p of node.params) {
          const id = p.type === 'AssignmentPattern' ? p.left : p;
          if (id.type !== 'Identifier') continue;
          const v = sourceCode.getDeclaredVariables(node).find((d) => d.name === id.name);
          if (v) declare(variableId(v), shapeOfDeclaration((id as { typeAnnotation?: unknown }).typeAnnotation, p.type === 'AssignmentPattern' ? p.right : null));
        }
      },
      PropertyDefinition(node) {
        const name = node.key.type === 'Identifier' && !node.computed ? node.key.name : node.key.type === 'PrivateIdentifier' ? `#${node.key.name}` : null;
        if (name === null || node.static) return;
        const cls = node.parent.parent;
        if (cls === null) return;
        declare(`class${cls.range![0]}.${name}`, shapeOfDeclaration((node as { typeAnnotation?: unknown }).typeAnnotation, node.value));
      },

      CallExpression(node) {
        // R.set(K, V)
        const setRecv = methodCall(node, 'set', 2);
        // A literal key (m.set('Library', 0)) names a fixed bucket, whose 0 is
        // worth reporting; a counter keyed by data has keys that vary.
        if (setRecv && !isLiteralKey(node.arguments[0]!)) addSite(node, 'map', setRecv, node.arguments[0]!, node.arguments[1]!);
        // R.delete(K)
        const delRecv = methodCall(node, 'delete', 1);
        if (delRecv) {
          const rid = idOf(delRecv);
          if (rid !== null) deletes.push({ rid, keyText: text(node.arguments[0]!), fn: enclosingFunction(node) });
        }
        // Reflect.deleteProperty(R, K), Object.hasOwn(R, K), R.hasOwnProperty(K)
        const callee = unwrap(node.callee);
        if (callee.type === 'MemberExpression' && unwrap(callee.object).type === 'Identifier') {
          const owner = (unwrap(callee.object) as ESTree.Identifier).name;
          const method = propertyName(callee);
          const [a, b] = node.arguments;
          if (owner === 'Reflect' && method === 'deleteProperty' && a && b && a.type !== 'SpreadElement' && b.type !== 'SpreadElement') addDelete(a, b, node);
          if (owner === 'Object' && method === 'hasOwn' && a && a.type !== 'SpreadElement') {
            const rid = idOf(a);
            if (rid !== null) about(rid).sparse = true;
          }
        }
        const ownRecv = methodCall(node, 'hasOwnProperty', 1);
        if (ownRecv) {
          const rid = idOf(ownRecv);
          if (rid !== null) about(rid).sparse = true;
        }
      },

      AssignmentExpression(node) {
        const el = dynamicElement(node.left);
        if (el) {
          if (node.operator === '=') addSite(node, 'object', el.object as ESTree.Expression, el.property, node.right);
          else if (node.operator === '-=') {
            if (!isNegativeLiteral(node.right)) addSite(node, 'object', el.object as ESTree.Expression, el.property, null);
          } else if (node.operator === '+=') {
            const rid = idOf(el.object);
            if (rid !== null) {
              const e = about(rid);
              if (isNonNumber(node.right)) e.nonNumber = true;
              else {
                e.counter = true;
                increments.push({ rid, keyText: text(el.property), node });
              }
            }
          }
          return;
        }
        // this.counts = new Map(), m = {} later: a declaration too.
        if (node.operator === '=') {
          const left = unwrap(node.left);
          if (left.type === 'Identifier' || left.type === 'MemberExpression') declare(idOf(left), shapeOfDeclaration(undefined, node.right));
        }
      },

      UpdateExpression(node) {
        const el = dynamicElement(node.argument);
        if (!el) return;
        if (node.operator === '--') addSite(node, 'object', el.object as ESTree.Expression, el.property, null);
        else {
          const rid = idOf(el.object);
          if (rid !== null) {
            about(rid).counter = true;
            increments.push({ rid, keyText: text(el.property), node });
          }
        }
      },

      UnaryExpression(node) {
        if (node.operator !== 'delete') return;
        const el = dynamicElement(node.argument);
        if (el) addDelete(el.object, el.property, node);
      },

      LogicalExpression(node) {
        // R.get(K) ?? 0 and R[K] || 0: "absent counts as 0", a counter's read.
        if ((node.operator !== '??' && node.operator !== '||') || !isZero(node.right)) return;
        const left = unwrap(node.left);
        const getRecv = methodCall(left, 'get', 1);
        const el = dynamicElement(left);
        const rid = getRecv ? idOf(getRecv) : el ? idOf(el.object) : null;
        if (rid === null) return;
        const e = about(rid);
        e.counter = true;
        if (el) e.sparse = true;
      },

      BinaryExpression(node) {
        // k in R: R is a plain object.
        if (node.operator === 'in' && node.left.type !== 'PrivateIdentifier') {
          const rid = idOf(node.right);
          if (rid !== null) about(rid).sparse = true;
        }
      },

      MemberExpression(node) {
        const name = propertyName(node);
        if (name === null) return;
        const obj = unwrap(node.object);
        // R.get(K).push(…), R[K].add(…): the values are objects.
        if (!NUMBER_METHODS.has(name)) {
          const getRecv = methodCall(obj, 'get', 1);
          const el = dynamicElement(obj);
          const rid = getRecv ? idOf(getRecv) : el ? idOf(el.object) : null;
          if (rid !== null) about(rid).nonNumber = true;
        }
        // R.length, R.push(…): R is an array.
        if (ARRAY_MEMBERS.has(name) && (obj.type === 'Identifier' || obj.type === 'MemberExpression')) {
          const rid = idOf(obj);
          if (rid !== null && about(rid).shape.kind === 'unknown') about(rid).shape = { kind: 'array', values: 'unknown' };
        }
      },

      'Program:exit'() {
        for (const site of sites) {
          if (!isCounter(site) || deletedInFunction(site) || startsAtZero(site)) continue;
          const messageId = `${site.style}${site.form === 'zero' ? 'Zero' : 'Decrement'}`;
          context.report({
            node: site.node,
            messageId,
            data: { name: receiverName(site.receiver) },
            suggest: suggestions(site),
          });
        }
      },
    };
  },
};

export default rule;
