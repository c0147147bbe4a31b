// SharedCounterMap in Chromium: a cross-origin isolated page (COOP/COEP
// headers) and 3 module workers churn one map at once, as
// test/shared-counter-map-threads.test.ts does in Node; the final map must be
// what the logs imply. A page without those headers gets an error naming them.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fillSite, launchChromium, REPO } from '../../scripts/browser-site.mjs';
import { startServer } from '../../scripts/serve.mjs';

type Server = { url: string; close(): Promise<void> };
let browser: Browser;
let isolated: Server;
let plain: Server;
let site: string;

beforeAll(async () => {
  site = mkdtempSync(join(tmpdir(), 'tophash-shared-site-'));
  fillSite(site, REPO);
  for (const f of ['shared.html', 'shared-worker.js']) copyFileSync(join(REPO, 'test/browser/page', f), join(site, f));
  copyFileSync(join(REPO, 'test/fixtures/shared-churn.mjs'), join(site, 'shared-churn.mjs'));
  isolated = await startServer({ root: site, isolated: true });
  plain = await startServer({ root: site, isolated: false });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await isolated?.close();
  await plain?.close();
  if (site) rmSync(site, { recursive: true, force: true });
});

async function load(url: string): Promise<Record<string, unknown>> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    await page.goto(url);
    await page.waitForFunction(() => document.documentElement.dataset.done, null, { timeout: 120_000 });
    const error = await page.evaluate(() => (window as unknown as { __error?: string }).__error);
    expect({ error, problems }).toEqual({ error: undefined, problems: [] });
    return await page.evaluate(() => (window as unknown as { __results: Record<string, unknown> }).__results);
  } finally {
    await context.close();
  }
}

describe('SharedCounterMap in Chromium', () => {
  it('cross-origin isolated: 3 workers and the page churn one map; the final map is what the logs imply', async () => {
    const out = await load(`${isolated.url}/shared.html?workers=3&ops=30000`);
    expect(out.isolated).toBe(true);
    const runs = out.runs as Array<{ kind: string; bad: string[]; reads: number; size: number; capacity: number; handles: number }>;
    expect(runs.map((r) => r.kind)).toEqual(['string', 'int']);
    for (const r of runs) {
      expect(r.bad).toEqual([]);
      expect(r.reads).toBeGreaterThan(0);
      expect(r.size).toBeGreaterThan(1000);
      expect(r.capacity).toBeGreaterThanOrEqual(4096);
      expect(r.handles).toBe(1);
    }
  });

  it('without COOP/COEP: a clear error that names the headers', async () => {
    const out = await load(`${plain.url}/shared.html`);
    expect(out.isolated).toBe(false);
    expect(out.threw).toBe(true);
    expect(out.message).toMatch(/needs SharedArrayBuffer and WebAssembly threads.*Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp/);
  });
});
