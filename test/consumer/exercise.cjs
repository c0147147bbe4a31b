// The API tour every consumer runs: the Node ESM script, the Node CJS script
// and the browser page (as a classic <script>). It takes the package's
// exports and returns plain JSON; the tests compare it with expected.ts.
/* global self -- in a page this file is a classic script */
(function (root, factory) {
  if (typeof module === 'object' && module.exports) module.exports = factory();
  else root.tophashExercise = factory();
})(typeof self !== 'undefined' ? self : this, function () {
  'use strict';
  function errorName(fn) {
    try {
      fn();
      return 'no error';
    } catch (e) {
      return e && e.name ? e.name : String(e);
    }
  }
  function sorted(pairs) {
    return pairs.slice().sort(function (a, b) { return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0; });
  }

  return function exercise(api) {
    var CounterMap = api.CounterMap;
    var IntCounterMap = api.IntCounterMap;
    var out = {};

    // Strings: the first call on the first map compiles the core, synchronously.
    var m = new CounterMap();
    out.emptyStats = [m.size, m.stats().bytes, m.get('x')];
    out.firstIncr = m.incr('apple');
    m.incr('apple', 4);
    m.incr('banana');
    m.incr('ß🍌');
    m.incr('');
    out.get = [m.get('apple'), m.get('banana'), m.get('ß🍌'), m.get(''), m.get('missing')];
    m.set('cherry', 8);
    out.has = [m.has('cherry'), m.has('nope')];
    out.decr = m.decr('cherry', 2);
    out.incrToZero = m.incr('banana', -1);
    out.bananaGone = m.has('banana');
    out.deletes = [m.delete(''), m.delete('')];
    m.incrMany(['x', 'y', 'x', 'x']);
    var long = 'k'.repeat(100000);
    out.longKey = m.incr(long, 2);
    m.delete(long);
    out.size = m.size;
    out.mostCommon = m.mostCommon(3);
    out.entries = sorted(Array.from(m));
    out.keys = Array.from(m.keys()).sort();
    out.valuesSum = Array.from(m.values()).reduce(function (a, b) { return a + b; }, 0);
    var seen = 0;
    m.forEach(function (count) { seen += count; });
    out.forEachSum = seen;
    out.json = sorted(JSON.parse(JSON.stringify(m)));
    var st = m.stats();
    out.stats = { size: st.size, layout: st.layout, holdsMemory: st.bytes > 0, capacityMultipleOf16: st.capacity % 16 === 0 };
    out.tag = Object.prototype.toString.call(m);
    out.from = [CounterMap.from(['a', 'b', 'a']).get('a'), CounterMap.from([['a', 3], ['b', 0]]).size];
    out.errors = {
      numberKey: errorName(function () { m.incr(5); }),
      stringCount: errorName(function () { m.set('a', '3'); }),
      negativeCount: errorName(function () { m.set('a', -1); }),
      fractionalStep: errorName(function () { m.incr('a', 0.5); }),
      badBatch: errorName(function () { m.incrMany(['ok', 7]); }),
    };
    out.batchWasAtomic = m.get('ok');
    m.clear();
    out.cleared = [m.size, m.stats().bytes];
    m.dispose();
    out.disposed = errorName(function () { m.incr('a'); });

    // Tokens counted from UTF-8 bytes, whole or chunk by chunk.
    var enc = new TextEncoder();
    var t = new CounterMap();
    var counted = t.countTokens(enc.encode('The cat  the CAT\ndog ß'), { lowercase: true });
    var tc = t.tokenCounter();
    tc.write(enc.encode('hel'));
    tc.write(enc.encode('lo wor'));
    tc.write(enc.encode('ld '));
    tc.end();
    out.tokens = {
      counted: counted,
      streamed: tc.tokens,
      entries: sorted(Array.from(t)),
      badUtf8: errorName(function () { t.countTokens(new Uint8Array([0x61, 0xff])); }),
      notBytes: errorName(function () { t.countTokens('a b'); }),
    };

    // Integers: any safe integer, negative too; typed-array batches.
    var n = new IntCounterMap({ initialCapacity: 100 });
    n.incr(-3);
    n.incr(Number.MAX_SAFE_INTEGER, 2);
    n.incrMany(new Int32Array([1, 2, 2, 3, 3, 3]));
    n.incrMany([1]);
    out.int = {
      get: [n.get(-3), n.get(Number.MAX_SAFE_INTEGER), n.get(1), n.get(2), n.get(3), n.get(4)],
      size: n.size,
      top: n.mostCommon(1),
      layout: n.stats().layout,
      errors: {
        stringKey: errorName(function () { n.incr('a'); }),
        fraction: errorName(function () { n.incr(1.5); }),
        unsafe: errorName(function () { n.incr(Math.pow(2, 53)); }),
        overflow: errorName(function () { n.incr(-3, Number.MAX_SAFE_INTEGER); }),
      },
    };
    var big = new IntCounterMap();
    var sum = 0;
    for (var i = 0; i < 50000; i++) {
      big.incr((i * 7919) % 100003 - 50000);
      sum += 1;
    }
    out.bigInt = { size: big.size, sum: Array.from(big.values()).reduce(function (a, b) { return a + b; }, 0), expectedSum: sum };

    // A memory budget: growth past it throws RangeError and keeps every entry.
    var capped = new IntCounterMap({ maxBytes: 1 << 20 });
    var stoppedAt = -1;
    var budgetError = 'no error';
    for (var k = 0; k < 400000; k++) {
      try {
        capped.incr(k);
      } catch (e) {
        budgetError = e.name;
        stoppedAt = k;
        break;
      }
    }
    out.budget = { error: budgetError, keptAll: capped.size === stoppedAt, underBudget: capped.stats().bytes <= (1 << 20) };
    return out;
  };
});
