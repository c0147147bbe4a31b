// The browser benchmark page (bench/browser/): `npm run bench:browser` serves
// it and prints its URL; in Chromium it runs the quick subset, draws the
// chart, and the screenshot goes to test/.tmp/bench-browser.png.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, REPO } from '../../scripts/browser-site.mjs';
import { prepareBenchPage } from '../../scripts/bench-browser.mjs';
import { startServer } from '../../scripts/serve.mjs';

interface BenchResults {
  startup: { firstMapMs: number; nextMapUs: number };
  throughput: Array<{ workload: string; tophash: number; map: number; ratio: number }>;
  memory: Array<{ keys: string; tophash: number; map: number | null }>;
  preciseMemory: boolean;
}

let browser: Browser;
let server: { url: string; close(): Promise<void> };

beforeAll(async () => {
  prepareBenchPage();
  server = await startServer({ root: REPO, isolated: true });
  browser = await launchChromium(['--enable-precise-memory-info', '--js-flags=--expose-gc']);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('browser bench page', () => {
  it('scripts/bench-browser.mjs (npm run bench:browser) serves the page and prints its URL', async () => {
    const child = spawn(process.execPath, [join(REPO, 'scripts/bench-browser.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const url = await new Promise<string>((ok, fail) => {
        let text = '';
        child.stdout.on('data', (d: Buffer) => {
          text += d.toString();
          const m = /(http:\/\/127\.0\.0\.1:\d+\/bench\/browser\/)\s/.exec(text);
          if (m) ok(m[1]!);
        });
        child.once('exit', (code) => fail(new Error(`exited ${code}: ${text}`)));
      });
      const res = await fetch(url);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('<canvas id="chart"');
      expect((await fetch(`${url}bench.js`)).headers.get('content-type')).toMatch(/^text\/javascript/);
    } finally {
      child.kill();
    }
  });

  it('runs the quick subset in Chromium and draws the bar chart (screenshot in test/.tmp/)', async () => {
    const page = await browser.newPage({ viewport: { width: 1000, height: 820 } });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('response', (r) => { if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`); });
    await page.goto(`${server.url}/bench/browser/?quick=1`);
    await page.waitForFunction(() => document.documentElement.dataset.done, null, { timeout: 240_000 });
    const done = await page.evaluate(() => document.documentElement.dataset.done);
    const error = await page.evaluate(() => (window as unknown as { __benchError?: string }).__benchError);
    expect({ done, error, problems }).toEqual({ done: 'true', error: undefined, problems: [] });

    mkdirSync(join(REPO, 'test/.tmp'), { recursive: true });
    const png = join(REPO, 'test/.tmp/bench-browser.png');
    await page.screenshot({ path: png, fullPage: true });

    const r = await page.evaluate(() => (window as unknown as { __benchResults: BenchResults }).__benchResults);
    expect(r.throughput.map((t) => t.workload)).toEqual(['int ids, incr', 'int ids, incrMany', 'words, incr', 'words, incrMany']);
    for (const t of r.throughput) {
      expect(t.tophash).toBeGreaterThan(0);
      expect(t.map).toBeGreaterThan(0);
      expect(Number.isFinite(t.ratio)).toBe(true);
    }
    expect(r.memory.map((m) => m.keys)).toEqual(['int ids', '14-char strings']);
    for (const m of r.memory) {
      expect(m.tophash).toBeGreaterThan(4);
      expect(m.map).toBeGreaterThan(4); // precise memory info and gc() are on in this browser
    }
    expect(r.startup.firstMapMs).toBeGreaterThan(0);

    // The chart: along a row just above the baseline, count the bars of each
    // colour (4 throughput + 2 memory, tophash and Map each).
    const bars = await page.evaluate(() => {
      const canvas = document.getElementById('chart') as HTMLCanvasElement;
      const ctx = canvas.getContext('2d')!;
      const dpr = canvas.width / 960;
      const y = Math.round((8 + 440 - 40 - 40 - 3) * dpr);
      const row = ctx.getImageData(0, y, canvas.width, 1).data;
      const near = (i: number, rgb: number[]) => rgb.every((c, k) => Math.abs(row[i + k]! - c) < 8);
      const count = (rgb: number[]) => {
        let runs = 0;
        let inside = false;
        for (let x = 0; x < canvas.width; x++) {
          const hit = near(x * 4, rgb);
          if (hit && !inside) runs++;
          inside = hit;
        }
        return runs;
      };
      const all = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
      let blue = 0;
      let orange = 0;
      for (let i = 0; i < all.length; i += 4) {
        if (Math.abs(all[i]! - 0x1f) < 8 && Math.abs(all[i + 1]! - 0x77) < 8 && Math.abs(all[i + 2]! - 0xb4) < 8) blue++;
        if (Math.abs(all[i]! - 0xff) < 8 && Math.abs(all[i + 1]! - 0x7f) < 8 && Math.abs(all[i + 2]! - 0x0e) < 8) orange++;
      }
      return { tophashBars: count([0x1f, 0x77, 0xb4]), mapBars: count([0xff, 0x7f, 0x0e]), blue, orange };
    });
    console.log(`bench page: ${JSON.stringify(bars)}; screenshot ${png}`);
    console.log(JSON.stringify(r));
    expect(bars.tophashBars).toBe(6);
    expect(bars.mapBars).toBe(6);
    expect(bars.blue).toBeGreaterThan(5000);
    expect(bars.orange).toBeGreaterThan(5000);
    await page.close();
  });
});
