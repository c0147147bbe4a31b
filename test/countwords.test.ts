// examples/countwords.mjs (the countwords task) run as a user runs it, on
// small seeded texts, against counts made here with split + Map: every word
// with its exact count, most common first (ties in any order), punctuation
// kept, only ASCII letters lowercased, split on ASCII whitespace only.
// Runs the built package (dist/), as the example imports tophash/node.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const REPO = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..');
const EXAMPLE = join(REPO, 'examples', 'countwords.mjs');
let dir: string;

beforeAll(() => {
  if (!existsSync(join(REPO, 'dist', 'esm', 'node.js'))) throw new Error('countwords.test: build first (npm run build): the example imports tophash/node from dist/');
  dir = mkdtempSync(join(tmpdir(), 'tophash-countwords-test-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const asciiLower = (w: string): string => w.replace(/[A-Z]/g, (c) => c.toLowerCase());

function reference(text: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const w of text.split(/[ \t\n\v\f\r]+/)) if (w !== '') m.set(asciiLower(w), (m.get(asciiLower(w)) ?? 0) + 1);
  return m;
}

/** Words with capitals, punctuation and non-ASCII letters, Zipf-ish, every ASCII whitespace between. */
function text(seed: number, words: number): string {
  const rnd = mulberry32(seed);
  const stems = ['the', 'Lord', 'LORD', 'lord,', 'Lord.', "don't", '(and)', 'and', 'x-ray', 'Éclair', 'éclair', 'ÀB', 'naïve', 'Straße', '42', 'a"b', 'end;'];
  for (let i = 0; i < 300; i++) stems.push(`w${i}${'ABCabc.,!'[i % 9]}`);
  const seps = [' ', ' ', ' ', '\n', '\t', '\r\n', '  ', '\v', '\f'];
  let s = rnd() < 0.5 ? ' \n' : '';
  for (let i = 0; i < words; i++) {
    s += stems[Math.floor(stems.length * rnd() ** 3)];
    s += seps[Math.floor(seps.length * rnd())];
  }
  return s;
}

async function countwords(content: string, name: string): Promise<string> {
  const file = join(dir, name);
  writeFileSync(file, content);
  const { stdout } = await run(process.execPath, [EXAMPLE, file], { cwd: REPO, maxBuffer: 64 << 20 });
  return stdout;
}

function expectMatches(stdout: string, ref: Map<string, number>): void {
  expect(stdout === '' || stdout.endsWith('\n')).toBe(true);
  const lines = stdout === '' ? [] : stdout.slice(0, -1).split('\n');
  const seen = new Map<string, number>();
  let last = Infinity;
  for (const line of lines) {
    const at = line.lastIndexOf(' ');
    const word = line.slice(0, at);
    const count = Number(line.slice(at + 1));
    expect(seen.has(word), `${word} printed twice`).toBe(false);
    seen.set(word, count);
    expect(count, `order at "${line}"`).toBeLessThanOrEqual(last);
    last = count;
  }
  expect(seen).toEqual(ref);
}

describe('examples/countwords.mjs', () => {
  it.each([1, 2, 3])('prints every word with its exact count, most common first (seed %i)', async (seed) => {
    const t = text(seed, 20_000);
    const ref = reference(t);
    const out = await countwords(t, `seed${seed}.txt`);
    expectMatches(out, ref);
    // Punctuation stays part of the word; only ASCII letters are lowercased.
    expect(ref.get('lord')).toBeGreaterThan(0);
    expect(ref.get('lord,')).toBeGreaterThan(0);
    expect(ref.has('Lord')).toBe(false);
    expect(ref.get('Éclair')).toBeGreaterThan(0);
    expect(ref.get('éclair')).toBeGreaterThan(0);
  });

  it('a small text by hand', async () => {
    const out = await countwords('The the, THE\tthe.\r\nÉté été ÉTÉ\v"Quote" the\f\n', 'hand.txt');
    expectMatches(
      out,
      new Map([
        ['the', 3],
        ['the,', 1],
        ['the.', 1],
        ['Été', 1],
        ['été', 1],
        ['ÉtÉ', 1],
        ['"quote"', 1],
      ]),
    );
    expect(out.split('\n')[0]).toBe('the 3');
  });

  it('an empty file and a file of whitespace print nothing', async () => {
    expect(await countwords('', 'empty.txt')).toBe('');
    expect(await countwords(' \n\t\r\n ', 'blank.txt')).toBe('');
  });

  it('--make-input writes the Brown Corpus running text, tags dropped, `copies` times', async () => {
    const out = join(dir, 'input.txt');
    await run(process.execPath, [EXAMPLE, '--make-input', out, '2'], { cwd: REPO });
    const made = readFileSync(out, 'latin1');
    const half = made.length / 2;
    expect(Number.isInteger(half)).toBe(true);
    expect(made.slice(0, half)).toBe(made.slice(half));
    expect(made.slice(0, made.indexOf('\n'))).toBe(
      "The Fulton County Grand Jury said Friday an investigation of Atlanta's recent primary election produced `` no evidence '' that any irregularities took place .",
    );
    expect([...made].every((c) => c.charCodeAt(0) < 0x80)).toBe(true); // ASCII: the task's byte-wise programs read it alike
    expect(made.slice(0, half).split(/[ \n]+/).filter(Boolean).length).toBe(1_161_192);
  });

  it('a wrong command line says how to use it', async () => {
    await expect(run(process.execPath, [EXAMPLE], { cwd: REPO })).rejects.toMatchObject({ code: 2, stderr: expect.stringMatching(/usage: countwords\.mjs/) });
  });
});
