// Seeded, deterministic key streams shared by every contender (and by a
// browser page: nothing here touches Node APIs). Same seed, same stream, on
// any machine and in any JS engine.

/** A seeded PRNG (sfc32, seeded through splitmix32): uniform u32s. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    let s = seed >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.u32();
  }

  /** A uniform integer in [0, 2^32). */
  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A uniform double in [0, 1). */
  float(): number {
    return this.u32() / 4294967296;
  }

  /** A uniform integer in [0, n), n <= 2^32. */
  below(n: number): number {
    return Math.floor(this.float() * n);
  }
}

/**
 * Walker/Vose alias table: O(1) draws from a discrete distribution.
 * Used for Zipf over a million ranks (10M draws in well under a second).
 */
export class AliasSampler {
  private readonly prob: Float64Array;
  private readonly alias: Int32Array;

  constructor(weights: ArrayLike<number>) {
    const n = weights.length;
    let total = 0;
    for (let i = 0; i < n; i++) total += weights[i]!;
    this.prob = new Float64Array(n);
    this.alias = new Int32Array(n);
    const scaled = new Float64Array(n);
    const small = new Int32Array(n);
    const large = new Int32Array(n);
    let ns = 0;
    let nl = 0;
    for (let i = 0; i < n; i++) {
      scaled[i] = (weights[i]! * n) / total;
      if (scaled[i]! < 1) small[ns++] = i;
      else large[nl++] = i;
    }
    while (ns > 0 && nl > 0) {
      const s = small[--ns]!;
      const l = large[--nl]!;
      this.prob[s] = scaled[s]!;
      this.alias[s] = l;
      scaled[l] = scaled[l]! + scaled[s]! - 1;
      if (scaled[l] < 1) small[ns++] = l;
      else large[nl++] = l;
    }
    while (nl > 0) this.prob[large[--nl]!] = 1;
    while (ns > 0) this.prob[small[--ns]!] = 1;
  }

  get size(): number {
    return this.prob.length;
  }

  sample(rng: Rng): number {
    const n = this.prob.length;
    const x = rng.float() * n;
    const i = Math.floor(x);
    return x - i < this.prob[i]! ? i : this.alias[i]!;
  }
}

/** Zipf weights 1/rank^s for ranks 1..n. */
export function zipfWeights(n: number, s = 1): Float64Array {
  const w = new Float64Array(n);
  for (let r = 0; r < n; r++) w[r] = 1 / Math.pow(r + 1, s);
  return w;
}

/**
 * The i-th distinct integer id: i scattered over [0, 2^30) by an odd
 * multiplier (a bijection mod 2^30, so ids never collide for i < 2^30).
 * Below 2^30 every id is a V8 small integer (Smi): Map is not penalised by
 * boxed heap numbers.
 */
export function intId(i: number): number {
  return Math.imul(i, 0x9e3779b1) & 0x3fffffff;
}

export type Distribution = 'uniform' | 'zipf';

/**
 * `n` draws over `distinct` ids (uniform, or Zipf s=1 by rank), as an
 * Int32Array: the same stream feeds per-call loops and batch calls.
 */
export function intStream(n: number, distinct: number, dist: Distribution, seed: number): Int32Array {
  const rng = new Rng(seed);
  const out = new Int32Array(n);
  if (dist === 'uniform') {
    for (let i = 0; i < n; i++) out[i] = intId(rng.below(distinct));
  } else {
    const z = new AliasSampler(zipfWeights(distinct, 1));
    // Ranks map to scattered ids, so hot keys are not neighbours.
    for (let i = 0; i < n; i++) out[i] = intId(z.sample(rng));
  }
  return out;
}

/** Ids `from`, `from + 1`, ... `from + n - 1` (scattered), as an Int32Array. */
export function intRange(from: number, n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = intId(from + i);
  return out;
}

/** Length of every stringKey(). */
export const STRING_KEY_LENGTH = 14;

/**
 * The i-th distinct string key, e.g. "session-0k3f9a": 14 ASCII chars, an
 * id-like key as caches and log counters see. Built fresh on every call.
 */
export function stringKey(i: number): string {
  return 'session-' + intId(i).toString(36).padStart(6, '0');
}

const ONSETS = ['', 'b', 'c', 'd', 'f', 'g', 'h', 'j', 'k', 'l', 'm', 'n', 'p', 'r', 's', 't', 'v', 'w', 'br', 'ch', 'cl', 'cr', 'dr', 'fl', 'gr', 'pl', 'pr', 'sh', 'sl', 'st', 'str', 'th', 'tr'];
const VOWELS = ['a', 'e', 'i', 'o', 'u', 'ai', 'ea', 'ee', 'io', 'ou'];
const CODAS = ['', '', '', 'n', 'r', 's', 't', 'l', 'm', 'nd', 'ng', 'st', 'ck', 'rt'];

/**
 * A SYNTHETIC English-like text: `tokens` words drawn Zipf (s=1) from a
 * seeded vocabulary of `vocabulary` made-up words (1-4 syllables, shorter
 * words more frequent), separated by spaces with a newline every ~12 words.
 * A stand-in when no real corpus is installed; results on it are labelled
 * synthetic.
 */
export function syntheticText(tokens: number, seed: number, vocabulary = 50_000): string {
  const rng = new Rng(seed);
  const words: string[] = [];
  const seen = new Set<string>();
  while (words.length < vocabulary) {
    const syllables = 1 + Math.min(3, Math.floor(-Math.log(1 - rng.float()) * (1 + words.length / vocabulary)));
    let w = '';
    for (let s = 0; s < syllables; s++) {
      w += ONSETS[rng.below(ONSETS.length)]! + VOWELS[rng.below(VOWELS.length)]! + CODAS[rng.below(CODAS.length)]!;
    }
    if (!seen.has(w)) {
      seen.add(w);
      words.push(w);
    }
  }
  const z = new AliasSampler(zipfWeights(vocabulary, 1));
  const parts = new Array<string>(tokens);
  for (let i = 0; i < tokens; i++) parts[i] = words[z.sample(rng)]! + ((i + 1) % 12 === 0 ? '\n' : ' ');
  return parts.join('');
}

/** Word tokens of a text: lower-cased letter runs (with inner apostrophes). Fresh string objects on every call. */
export function tokenize(text: string): string[] {
  return text.toLowerCase().match(/[a-z]+(?:'[a-z]+)*/g) ?? [];
}
