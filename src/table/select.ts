// The n entries with the highest counts, selected in wasm (assembly/select.ts):
// a heap of references in the tail of the table's memory, read back 16
// bytes an entry ([key or key address, length][f64 count]).

import type { Core } from './core.js';
import { Own } from './pools.js';
import { isTrap } from './table.js';

/**
 * The `k` entries of table `t` in `c` with the highest counts, highest
 * first, equal counts by key; `refKey` reads the key of the j-th reference
 * in the scratch. Null when the engine or the map's budget leaves no memory
 * for the selection (the caller then selects in JS).
 */
export function selectTop<K>(c: Core, t: number, k: number, refKey: (c: Core, j: number) => K): Array<[K, number]> | null {
  let got: number;
  try {
    got = c.ex.top_k(t, k);
    // An own table selects in the tail of its memory, which may have grown.
    if (c instanceof Own) c.recount();
  } catch (e) {
    if (!isTrap(e)) throw e;
    return null;
  }
  if (got < 0) return null;
  try {
    c.view();
    const out = new Array<[K, number]>(got);
    let at = 0;
    while (at < got) {
      const m = c.ex.read_top(t, at);
      for (let j = 0; j < m; j++) out[at + j] = [refKey(c, j), c.f64[2 * j + 1]!];
      at += m;
    }
    return out;
  } finally {
    c.ex.top_free();
  }
}
