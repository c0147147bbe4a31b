// `npm run demo` is the first thing a newcomer runs: it must work, count real
// words, and print plain progress lines when its output is not a terminal.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, test } from 'vitest';

const run = promisify(execFile);
const REPO = join(import.meta.dirname, '..');

test('the demo counts the Brown Corpus: "the, of, and" first, medians beside the Map counter', async () => {
  const { stdout, stderr } = await run(process.execPath, [join(REPO, 'examples/demo.mjs')], { cwd: REPO, maxBuffer: 1 << 20 });
  expect(stdout).toMatch(/^most common: the [\d,]+, of [\d,]+, and [\d,]+,/m);
  expect(stdout).toMatch(/words, medians of 5 rounds/);
  for (const name of ['CounterMap.incr', 'CounterMap.incrMany', 'countTokens\\(bytes\\)']) {
    expect(stdout).toMatch(new RegExp(`${name}\\s+\\d+ ms  \\d+\\.\\dx the Map counter`));
  }
  expect(stdout).toMatch(/ids counted up and back to 0: size 0, get\(42\) = 0, has\(42\) = false/);
  // Not a terminal: whole lines, no carriage returns, ending at 100%.
  expect(stderr).not.toContain('\r');
  expect(stderr.trim().split('\n').at(-1)).toMatch(/^counting [\d.]+ MiB: 100%$/);
}, 120_000);
