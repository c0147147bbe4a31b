// Shared by the browser tests and scripts/startup.mjs: Debian's Chromium
// through playwright-core, and a static site holding the test pages next to
// node_modules/tophash (an installed tarball, or a link to this repository).
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from './serve.mjs';

export const REPO = resolve(fileURLToPath(new URL('..', import.meta.url)));
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-quic', '--no-first-run', '--disable-sync',
];

/** Debian's Chromium, headless (never a downloaded browser). */
export async function launchChromium(extraArgs = []) {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_ARGS, ...extraArgs] });
}

/**
 * Puts the test pages (test/browser/page/*, the shared exercise script and,
 * for the startup comparison, build/tophash.wasm) into `site`. With
 * `linkPackage`, site/node_modules/tophash links to that directory.
 */
export function fillSite(site, linkPackage) {
  for (const f of ['index.html', 'startup.html', 'csp.html']) copyFileSync(join(REPO, 'test/browser/page', f), join(site, f));
  copyFileSync(join(REPO, 'test/consumer/exercise.cjs'), join(site, 'exercise.cjs'));
  copyFileSync(join(REPO, 'build/tophash.wasm'), join(site, 'tophash.wasm'));
  if (linkPackage) {
    mkdirSync(join(site, 'node_modules'), { recursive: true });
    symlinkSync(linkPackage, join(site, 'node_modules/tophash'), 'dir');
  }
}

/** Loads `path` in a fresh browser context (a fresh renderer); returns window[key]. */
/* global document, window -- the page.evaluate callbacks below run in the page */
export async function loadOnce(browser, url, key) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(url);
    await page.waitForFunction(() => document.documentElement.dataset.done, null, { timeout: 60_000 });
    const done = await page.evaluate(() => document.documentElement.dataset.done);
    if (done !== 'true') throw new Error(`${url}: ${await page.evaluate(() => window.__error)}`);
    return await page.evaluate((k) => window[k], key);
  } finally {
    await context.close();
  }
}

const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Medians over `runs` fresh loads of startup.html per mode (the built package of `repo`). */
export async function measureChromium(repo, runs, { site: given, browser: open } = {}) {
  const site = given ?? mkdtempSync(join(tmpdir(), 'tophash-startup-'));
  if (!given) fillSite(site, repo);
  const server = await startServer({ root: site, isolated: true });
  const browser = open ?? (await launchChromium());
  try {
    const samples = { maps: [], inlined: [], file: [] };
    for (let i = 0; i < runs; i++) {
      for (const mode of Object.keys(samples)) {
        samples[mode].push(await loadOnce(browser, `${server.url}/startup.html?mode=${mode}`, '__startup'));
      }
    }
    const all = [...samples.maps, ...samples.inlined, ...samples.file];
    const out = { version: browser.version(), crossOriginIsolated: all.every((s) => s.crossOriginIsolated) };
    for (const s of Object.values(samples)) {
      for (const k of Object.keys(s[0])) if (typeof s[0][k] === 'number') out[k] = median(s.map((x) => x[k]));
    }
    out.firstMapSamplesMs = samples.maps.map((s) => s.firstMapMs);
    return out;
  } finally {
    if (!open) await browser.close();
    await server.close();
    if (!given) rmSync(site, { recursive: true, force: true });
  }
}
