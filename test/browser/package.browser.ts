// The packed package in Chromium, as a user meets it without a bundler: the
// tarball installed into a fresh directory, served from localhost, a page
// importing `tophash` (an import map names the installed ESM build), running
// the same API tour as the Node consumers. Also the startup cost in Chromium.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fillSite, launchChromium, measureChromium } from '../../scripts/browser-site.mjs';
import { startServer } from '../../scripts/serve.mjs';
import { EXPECTED } from '../consumer/expected.js';
import { freshProject, pack, REPO, tempDir } from '../consumer/pack.js';

let browser: Browser;
let server: { url: string; requests: string[]; close(): Promise<void> };
let site: string;
const cleanup: string[] = [];

beforeAll(async () => {
  const packDir = tempDir('tophash-pack-');
  cleanup.push(packDir);
  const packed = await pack(packDir);
  site = await freshProject('tophash-site-', packed.tarball, []);
  cleanup.push(site);
  fillSite(site, null);
  server = await startServer({ root: site, isolated: true });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  for (const d of cleanup) rmSync(d, { recursive: true, force: true });
});

describe('the packed ESM build in Chromium (no bundler)', () => {
  it('import { CounterMap } from "tophash" works with no init call and the whole API tour passes', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
    page.on('response', (r) => { if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`); });
    server.requests.length = 0;
    await page.goto(`${server.url}/index.html`);
    await page.waitForFunction(() => document.documentElement.dataset.done, null, { timeout: 60_000 });
    const done = await page.evaluate(() => document.documentElement.dataset.done);
    const error = await page.evaluate(() => (window as unknown as { __error?: string }).__error);
    expect({ done, error, problems }).toEqual({ done: 'true', error: undefined, problems: [] });
    const out = await page.evaluate(() => (window as unknown as { __results: Record<string, unknown> }).__results);
    await context.close();

    expect(out.exportNames).toEqual(expect.arrayContaining(['CounterMap', 'IntCounterMap']));
    expect(out.firstCount).toBe(1);
    expect(out.top).toEqual([['the', 3]]);
    expect(out.stream).toEqual([3, 2, 1]);
    expect(out.result).toEqual(EXPECTED);
    // The wasm came inside the JS: no .wasm request, only the ESM build's files.
    const fromPackage = server.requests.filter((p) => p.startsWith('/node_modules/tophash/'));
    expect(fromPackage).toContain('/node_modules/tophash/dist/esm/index.js');
    expect(fromPackage).toContain('/node_modules/tophash/dist/esm/wasm-bytes.js');
    expect(fromPackage.every((p) => /^\/node_modules\/tophash\/dist\/esm\/((maps|table|tokens|records|node|shared|integrations)\/)?[\w-]+\.js$/.test(p))).toBe(true);
    expect(server.requests.some((p) => p.endsWith('.wasm'))).toBe(false);
  });

  it("a page whose Content-Security-Policy lacks 'wasm-unsafe-eval' gets an error that names the fix, at the first insertion", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/csp.html`);
    await page.waitForFunction(() => document.documentElement.dataset.done, null, { timeout: 60_000 });
    const out = await page.evaluate(() => (window as unknown as { __results: Record<string, unknown> }).__results);
    await context.close();
    expect(out.threw).toBe(true);
    expect(out.name).toBe('EvalError');
    expect(out.message).toContain("'wasm-unsafe-eval'");
    expect(out.message).toContain('script-src');
    expect(out.size).toBe(0);
  });

  it('startup: first map (compile + instantiate) and each next map (a table in the shared pool), median of fresh page loads', async () => {
    const runs = 7;
    const r = await measureChromium(null, runs, { site, browser });
    console.log(
      `Chromium ${r.version}, median of ${runs} loads: first map ${r.firstMapMs.toFixed(2)} ms, ` +
      `next map ${r.nextIntUs.toFixed(1)} µs (int) / ${r.nextStrUs.toFixed(1)} µs (string); ` +
      `inlined decode ${r.decodeMs.toFixed(2)} + compile ${r.compileMs.toFixed(2)} + instantiate ${r.instantiateMs.toFixed(2)} ms; ` +
      `separate .wasm fetch + compileStreaming ${r.streamingMs.toFixed(2)} ms`,
    );
    mkdirSync(join(REPO, 'test/.tmp'), { recursive: true });
    writeFileSync(join(REPO, 'test/.tmp/startup-chromium.json'), JSON.stringify(r, null, 2));
    expect(r.crossOriginIsolated).toBe(true);
    expect(r.firstMapMs).toBeGreaterThan(0);
    expect(r.firstMapMs).toBeLessThan(1000);
    expect(r.nextIntUs).toBeGreaterThan(0);
    // A next map skips the compile: cheaper than the first.
    expect(r.nextIntUs / 1000).toBeLessThan(r.firstMapMs);
  });
});
