// Packs the repository the way `npm publish` would and installs the tarball
// into a fresh project, like a user. Shared by the consumer and browser tests.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

export const REPO = resolve(import.meta.dirname, '..', '..');
const run = promisify(execFile);

/** The environment of a child npm: none of the npm_* variables `npm test` sets for its scripts. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^npm_(package|lifecycle|config_local_prefix|config_prefix|command)/i.test(k)) env[k] = v;
  }
  return env;
}

export async function npm(args: string[], cwd: string): Promise<string> {
  const { stdout } = await run('npm', args, { cwd, env: cleanEnv(), maxBuffer: 64 << 20 });
  return stdout;
}

/** The exact installed version of one of our devDependencies. */
export function ourVersion(name: string): string {
  return JSON.parse(readFileSync(join(REPO, 'node_modules', name, 'package.json'), 'utf8')).version;
}

export interface Packed {
  tarball: string;
  /** Tarball bytes (gzip). */
  size: number;
  unpackedSize: number;
  files: string[];
}

/**
 * `npm pack` of the built repository into `dir`. Scripts are skipped: the
 * build already ran (pretest), and `prepack` would rebuild dist/ under the
 * feet of test files running in parallel.
 */
export async function pack(dir: string): Promise<Packed> {
  const out = await npm(['pack', '--ignore-scripts', '--json', '--pack-destination', dir], REPO);
  const info = JSON.parse(out.slice(out.indexOf('[')))[0];
  return {
    tarball: join(dir, info.filename),
    size: info.size,
    unpackedSize: info.unpackedSize,
    files: info.files.map((f: { path: string }) => f.path).sort(),
  };
}

/** A fresh temporary project with the tarball (and `deps`) installed. */
export async function freshProject(prefix: string, tarball: string, deps: string[], pkg: object = {}): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, ...pkg }, null, 2));
  await npm(['install', tarball, ...deps, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], dir);
  return dir;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
