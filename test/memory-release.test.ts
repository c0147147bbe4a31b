import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

// A WebAssembly memory never shrinks, so tophash gives memory back by moving
// live entries to a fresh memory and dropping the old one. This checks that
// the engine really frees the old one: V8 reports wasm memories in
// process.memoryUsage().external, which needs a forced GC to settle, hence a
// child process with --expose-gc. Node 26's V8 no longer counts them there;
// the fixture finds out, and then the process's resident memory (rss) is
// what shows them come and go.
interface Step { external: number; rss: number }
interface Release {
  wasmInExternal: boolean;
  start: Step; peak: Step; shrunk: Step; released: Step;
  peakBytes: number; shrunkBytes: number;
}

it('memory given back by shrinking, clear() and dispose() is released to the engine', () => {
  const script = fileURLToPath(new URL('./fixtures/release.mjs', import.meta.url));
  const out = JSON.parse(execFileSync(process.execPath, ['--expose-gc', script], { encoding: 'utf8' })) as Release;
  const by = out.wasmInExternal ? 'external' : 'rss';
  if (Number(process.versions.node.split('.')[0]) < 26) expect(by).toBe('external');
  const held = (k: 'peak' | 'shrunk' | 'released') => out[k][by] - out.start[by];
  // At the peak the engine holds at least what stats() says the maps hold.
  expect(held('peak')).toBeGreaterThanOrEqual(out.peakBytes * 0.95);
  // After deleting all but 2,000 entries the maps hold a sliver...
  expect(out.shrunkBytes).toBeLessThan(out.peakBytes / 20);
  // ...and the engine has let go of the old memories, not just stats().
  expect(held('shrunk')).toBeLessThan(held('peak') - out.peakBytes * 0.9);
  // clear() and dispose() give back the rest.
  expect(held('released')).toBeLessThan(held('peak') - out.peakBytes * 0.98);
});
