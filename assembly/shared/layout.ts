// The layout of a shared counter map's memory. Every thread runs its own
// instance of this module over the same imported shared memory, so nothing
// that all threads must agree on lives in a module global: it is all here,
// at fixed addresses.
//
//   HDR            header: key, seed, table address and capacity
//   HDR + 64       the stop-the-world word (0, or the owning thread slot + 1)
//   HDR + 128      live entries (size)
//   HDR + 192      used slots (live + dead + being claimed)
//   HDR + 256      arena top (next free byte)
//   THREADS        MAX_THREADS thread records, one 64-byte line each
//   SCRATCH        MAX_THREADS scratch blocks, where JS writes a key's bytes
//   DATA           the table (16-byte slots), then the key arena up to arena top
//
// Words that many threads write sit on lines of their own, so that an
// increment of an existing key touches only its slot's line and its own
// thread record.

/**
 * First byte of the header: past the module's static data (8 bytes at 1024;
 * init() refuses to run if that ever grows past HDR). A constant, so every
 * access folds into an immediate offset.
 */
// @ts-ignore: decorator
@inline export const HDR: usize = 4096;

// Header fields.
// @ts-ignore: decorator
@inline export const H_MAGIC: usize = 0;
// @ts-ignore: decorator
@inline export const H_KIND: usize = 4;
// @ts-ignore: decorator
@inline export const H_KEY0: usize = 8;
// @ts-ignore: decorator
@inline export const H_KEY1: usize = 16;
// @ts-ignore: decorator
@inline export const H_SEED: usize = 24;
// @ts-ignore: decorator
@inline export const H_TABLE: usize = 32;
// @ts-ignore: decorator
@inline export const H_CAP: usize = 36;
// @ts-ignore: decorator
@inline export const H_EPOCH: usize = 40;
// @ts-ignore: decorator
@inline export const H_HANDLES: usize = 44;
// @ts-ignore: decorator
@inline export const H_STW: usize = 64;
// @ts-ignore: decorator
@inline export const H_LIVE: usize = 128;
// @ts-ignore: decorator
@inline export const H_USED: usize = 192;
// @ts-ignore: decorator
@inline export const H_TOP: usize = 256;

/** "\x89THM": a memory that was laid out by init(). */
// @ts-ignore: decorator
@inline export const MAGIC: u32 = 0x4d485489;

/** Handles (one per thread that opened the map) at once. */
// @ts-ignore: decorator
@inline export const MAX_THREADS: u32 = 64;
/** Bytes of one thread record: a cache line, so that no two threads' active words share one. */
// @ts-ignore: decorator
@inline export const THREAD_BYTES: usize = 64;
// Thread record fields.
// @ts-ignore: decorator
@inline export const T_OWNER: usize = 0;
// @ts-ignore: decorator
@inline export const T_ACTIVE: usize = 4;
// @ts-ignore: decorator
@inline export const T_CAN_WAIT: usize = 8;

/** Bytes of a thread's scratch: the longest key in UTF-8. */
// @ts-ignore: decorator
@inline export const SCRATCH_BYTES: usize = 4096;

// @ts-ignore: decorator
@inline export const THREADS: usize = HDR + 512;
// @ts-ignore: decorator
@inline export const SCRATCH: usize = THREADS + <usize>MAX_THREADS * THREAD_BYTES;
// @ts-ignore: decorator
@inline export const DATA: usize = SCRATCH + <usize>MAX_THREADS * SCRATCH_BYTES;

/** Bytes of a slot: the key word, then the count word. */
// @ts-ignore: decorator
@inline export const SLOT_BYTES: usize = 16;
/** Slots of a new or cleared table. */
// @ts-ignore: decorator
@inline export const MIN_CAP: u32 = 64;

// A slot's key word:
//   0                  EMPTY: never claimed since the last rebuild
//   bit 63 clear       the key itself: an integer key offset by 2^53, or a
//                      short ASCII string in its packed form (never 0: a
//                      packed key has its length or a char >= 8 in byte 7)
//   bit 63 set         a key in the arena: bits 32-62 are hash bits (a
//                      filter before comparing bytes), bits 0-31 the
//                      address of its record [u32 length][bytes]
// @ts-ignore: decorator
@inline export const ARENA_REF: u64 = 0x8000000000000000;

// A slot's count word:
//   > 0      a live count
//   0        claimed, its first count not yet written (only inside the
//            operation that claimed it): reads as absent
//   DEAD     deleted: never revived; the key's next insert claims a new slot
// @ts-ignore: decorator
@inline export const DEAD: i64 = -1;

/** Largest count: Number.MAX_SAFE_INTEGER. */
// @ts-ignore: decorator
@inline export const MAX_COUNT: i64 = 9007199254740991;

/** Slots a table of `cap` may have claimed (live, dead or being claimed): 3/4, linear probing stays short. */
// @ts-ignore: decorator
@inline export function usedLimit(cap: u32): u32 {
  return cap - (cap >> 2);
}
