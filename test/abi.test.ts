// The core's interface is declared once in assembly/ and generated into
// src/table/abi.ts: the committed file must be what the generator makes now, and
// the compiled module must export exactly the functions it lists.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without declarations
import { generate, readConstants, OUT, MODULES } from '../scripts/gen-abi.mjs';
import * as abi from '../src/table/abi.js';
import { coreModule } from '../src/table/wasm.js';
import { Core } from '../src/table/core.js';
import * as sharedAbi from '../src/shared/abi.js';
import { sharedModule, instantiate } from '../src/shared/core.js';

type Mod = { dir: string; out: string };
const gen = generate as (read?: (f: string) => string, mod?: Mod) => string;
const mods = MODULES as Mod[];

describe('the generated ABI', () => {
  it('src/table/abi.ts is current: regenerating it from assembly/ gives the same text', () => {
    expect(readFileSync(OUT as string, 'utf8')).toBe(gen());
  });

  it('the compiled core exports exactly the functions src/table/abi.ts lists, at most 56', () => {
    const fns = WebAssembly.Module.exports(coreModule()).filter((e) => e.kind === 'function').map((e) => e.name);
    expect([...fns].sort()).toEqual([...abi.CORE_FUNCTIONS].sort());
    expect(fns.length).toBeLessThanOrEqual(56);
    const ex = new Core().ex as unknown as Record<string, unknown>;
    for (const name of abi.CORE_FUNCTIONS) expect(typeof ex[name]).toBe('function');
  });

  it('every constant of assembly/abi.ts is in src/table/abi.ts with its value', () => {
    const consts = (readConstants as (s: string) => Array<{ name: string; value: string }>)(readFileSync('assembly/abi.ts', 'utf8'));
    expect(consts.length).toBeGreaterThan(50);
    for (const { name, value } of consts) expect((abi as Record<string, unknown>)[name]).toBe(Number(value));
  });

  it('a change on the assembly side shows as a stale file', () => {
    const edited = gen((f) => {
      const text = readFileSync(f, 'utf8');
      return f === 'assembly/abi.ts' ? text.replace('ERR_GROW: f64 = -1;', 'ERR_GROW: f64 = -11;') : text;
    });
    expect(edited).not.toBe(readFileSync(OUT as string, 'utf8'));
    expect(edited).toContain('export const ERR_GROW = -11;');
  });

  it('the header and result block offsets agree with what the core writes', () => {
    const c = new Core();
    const t = c.ex.header_new(abi.LAYOUT_STR32) >>> 0;
    expect(c.ex.short_incr(t, 0x78, 1 << 24, 1)).toBe(abi.ERR_GROW);
    expect(c.ex.table_resize(t, abi.LAYOUT_STR32, 2, Number.MAX_SAFE_INTEGER)).toBe(0);
    expect(c.ex.short_incr(t, 0x78, 1 << 24, 3)).toBe(3);
    expect(c.h32(t, abi.H_ITEMS)).toBe(1);
    expect(c.h32(t, abi.H_GROUPS)).toBe(2);
    expect(c.view()[t + abi.H_LAYOUT]).toBe(abi.LAYOUT_STR32);
    expect(c.ex.table_stats(t, abi.STATS_TOTAL)).toBe(3);
    expect(c.stat(t, abi.R_CAPACITY_SLOTS)).toBe(2 * abi.GROUP);
    expect(c.stat(t, abi.R_TABLE_BYTES)).toBe(2 * abi.GROUP * (1 + abi.SLOT_BYTES_STR32));
    const v = c.h32(t, abi.H_VERSION);
    c.ex.table_mark(t, abi.MARK_VERSION, 0, 0);
    expect(c.h32(t, abi.H_VERSION)).toBe(v + 1);
    // A batch whose second word is no key stops there: R_ERR_INDEX says where.
    c.u32.set([0x78, 1 << 24, 0, abi.BYTES_WORD | 1]);
    expect(c.ex.str_incr_many(t, 2, 1)).toBe(abi.ERR_KEY);
    expect(c.result(abi.R_ERR_INDEX)).toBe(1);
  });

  it('the shared map\'s module: src/shared/abi.ts is current, lists its exports, and its constants agree', () => {
    const mod = mods.find((m) => m.dir === 'assembly/shared')!;
    expect(readFileSync(mod.out, 'utf8')).toBe(gen(undefined, mod));
    const fns = WebAssembly.Module.exports(sharedModule('test')).filter((e) => e.kind === 'function').map((e) => e.name);
    expect([...fns].sort()).toEqual([...sharedAbi.SHARED_FUNCTIONS].sort());
    const consts = (readConstants as (s: string) => Array<{ name: string; value: string }>)(readFileSync('assembly/shared/abi.ts', 'utf8'));
    for (const { name, value } of consts) expect((sharedAbi as Record<string, unknown>)[name]).toBe(Number(value));
    // FIRST_BYTES is a literal on the assembly side too: the layout must give exactly that.
    const memory = new WebAssembly.Memory({ initial: Math.ceil(sharedAbi.FIRST_BYTES / 65536), maximum: 64, shared: true });
    expect(instantiate(sharedModule('test'), memory).min_bytes()).toBe(sharedAbi.FIRST_BYTES);
  });
});
