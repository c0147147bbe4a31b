# Merge aid for the `abi` branch (delete after the merge): rewrites calls of
# the core exports that branch removed or merged into their new form, in the
# TypeScript files given, e.g.
#   python3 .merge-tools/rewrite-abi-calls.py src/table/*.ts src/maps/*.ts
# `X.ex.size(t)` becomes `X.h32(t, H_ITEMS)`, a bare `ex.size(t)` uses the
# core of the nearest `const ex = Y.ex;` above it. Add the imports from
# './abi.js' that tsc then asks for. Prints the export names it rewrote.
import re, sys
# templates: name -> function(core, args) -> replacement string
T = {
 'size': lambda c,a: f"{c}.h32({a[0]}, H_ITEMS)",
 'walk_slots': lambda c,a: f"{c}.h32({a[0]}, H_GROUPS) * GROUP",
 'tombstone_count': lambda c,a: f"{c}.h32({a[0]}, H_TOMBSTONES)",
 'arena_bytes': lambda c,a: f"{c}.h32({a[0]}, H_ARENA_USED)",
 'arena_garbage': lambda c,a: f"{c}.h32({a[0]}, H_GARBAGE)",
 'arena_capacity': lambda c,a: f"{c}.h32({a[0]}, H_ARENA_CAP)",
 'table_version': lambda c,a: f"{c}.h32({a[0]}, H_VERSION)",
 'table_rebuilds': lambda c,a: f"{c}.h32({a[0]}, H_REBUILDS)",
 'seed_lo': lambda c,a: f"{c}.h32({a[0]}, H_SEED)",
 'seed_hi': lambda c,a: f"{c}.h32({a[0]}, H_SEED + 4)",
 'layout_id': lambda c,a: f"{c}.view()[{a[0]} + H_LAYOUT]!",
 'capacity_slots': lambda c,a: f"{c}.stat({a[0]}, R_CAPACITY_SLOTS)",
 'table_bytes': lambda c,a: f"{c}.stat({a[0]}, R_TABLE_BYTES)",
 'held_bytes': lambda c,a: f"{c}.stat({a[0]}, R_HELD_BYTES)",
 'count_total': lambda c,a: f"{c}.ex.table_stats({a[0]}, STATS_TOTAL)",
 'advice': lambda c,a: f"{c}.ex.table_stats({a[0]}, STATS_ADVICE)",
 'bump_version': lambda c,a: f"{c}.ex.table_mark({a[0]}, MARK_VERSION, 0, 0)",
 'count_rebuild': lambda c,a: f"{c}.ex.table_mark({a[0]}, MARK_REBUILD, 0, 0)",
 'set_seed': lambda c,a: f"{c}.ex.table_mark({a[0]}, MARK_SEED, {a[1]}, {a[2]})",
 'next_seed': lambda c,a: f"{c}.ex.table_mark({a[0]}, MARK_NEXT_SEED, 0, 0)",
 'arena_need': lambda c,a: f"{c}.result(R_ARENA_NEED)",
 'refused_bytes': lambda c,a: f"{c}.result(R_REFUSED_BYTES)",
 'err_index': lambda c,a: f"{c}.result(R_ERR_INDEX)",
 'chunk_count': lambda c,a: f"{c}.result(R_CHUNK_COUNT)",
 'chunk_bytes': lambda c,a: f"{c}.result(R_CHUNK_BYTES)",
 'records_bytes': lambda c,a: f"{c}.result(R_CHUNK_BYTES)",
 'records_stop': lambda c,a: f"{c}.result(R_RECORDS_STOP)",
 'topk_chunk': lambda c,a: f"{c}.result(R_CHUNK_COUNT)",
 'tokens_done': lambda c,a: f"{c}.result(R_TOKENS_DONE)",
 'token_err_at': lambda c,a: f"{c}.result(R_TOKEN_ERR_AT)",
 'segment_tokens': lambda c,a: f"{c}.result(R_SEGMENT_TOKENS)",
 'tally_ptr': lambda c,a: f"{c}.result(R_TALLY_PTR)",
 'tally_entries': lambda c,a: f"{c}.result(R_TALLY_ENTRIES)",
 'tally_next': lambda c,a: f"{c}.result(R_TALLY_NEXT)",
 'heap_in_use': lambda c,a: f"({c}.ex.table_stats(0, STATS_HEAP), {c}.result(R_HEAP_IN_USE))",
 'heap_top': lambda c,a: f"({c}.ex.table_stats(0, STATS_HEAP), {c}.result(R_HEAP_TOP))",
 'candidate_at': lambda c,a: f"{c}.h32({c}.scratch + SCRATCH_BYTES + R_CANDIDATES_AT, 4 * {a[0]})",
 'slot_key_ptr': lambda c,a: f"({c}.ex.slot_read({a[0]}, {a[1]}), {c}.result(R_SLOT_KEY_PTR))",
 'slot_key_len': lambda c,a: f"({c}.ex.slot_read({a[0]}, {a[1]}), {c}.result(R_SLOT_KEY_LEN))",
 'slot_count': lambda c,a: f"({c}.ex.slot_read({a[0]}, {a[1]}), {c}.result(R_SLOT_COUNT))",
 'slot_incr': lambda c,a: f"{c}.ex.slot_write({a[0]}, {a[1]}, {a[2]}, WRITE_INCR)",
 'slot_set': lambda c,a: f"{c}.ex.slot_write({a[0]}, {a[1]}, {a[2]}, WRITE_SET)",
 'slot_delete': lambda c,a: f"{c}.ex.slot_write({a[0]}, {a[1]}, 0, WRITE_DELETE)",
 'int_set': lambda c,a: f"{c}.ex.int_write({a[0]}, {a[1]}, {a[2]}, WRITE_SET)",
 'int_delete': lambda c,a: f"{c}.ex.int_write({a[0]}, {a[1]}, 0, WRITE_DELETE)",
 'str_set': lambda c,a: f"{c}.ex.str_write({a[0]}, {a[1]}, {a[2]}, {a[3]}, WRITE_SET)",
 'str_delete': lambda c,a: f"{c}.ex.str_write({a[0]}, {a[1]}, {a[2]}, 0, WRITE_DELETE)",
 'short_set': lambda c,a: f"{c}.ex.short_write({a[0]}, {a[1]}, {a[2]}, {a[3]}, WRITE_SET)",
 'short_delete': lambda c,a: f"{c}.ex.short_write({a[0]}, {a[1]}, {a[2]}, 0, WRITE_DELETE)",
 'long_update': lambda c,a: f"{c}.ex.long_update({a[0]}, false)",
 'long_finish': lambda c,a: f"{c}.ex.long_update({a[0]}, true)",
 'records_load': lambda c,a: f"{c}.ex.records_apply({a[0]}, {a[1]}, {a[2]}, 1, true)",
 'records_apply': lambda c,a: f"{c}.ex.records_apply({a[0]}, {a[1]}, {a[2]}, {a[3]}, false)" if len(a)==4 else None,
 'topk_capacity': lambda c,a: f"{c}.h32({a[0]}, TOPK_H_CAPACITY)",
 'topk_inserted': lambda c,a: f"{c}.hf64({a[0]}, TOPK_H_INSERTED)",
 'topk_deleted': lambda c,a: f"{c}.hf64({a[0]}, TOPK_H_DELETED)",
 'topk_floor': lambda c,a: f"{c}.hf64({a[0]}, TOPK_H_FLOOR)",
 'topk_swap': lambda c,a: f"{c}.ex.topk_move({a[0]}, {a[1]}, true)",
 'topk_copy': lambda c,a: f"{c}.ex.topk_move({a[0]}, {a[1]}, false)",
 'topk_int_incr': lambda c,a: f"{c}.ex.topk_int({a[0]}, TOPK_INCR, {a[1]}, {a[2]}, 0)",
 'topk_str_incr': lambda c,a: f"{c}.ex.topk_str({a[0]}, TOPK_INCR, {a[1]}, {a[2]}, {a[3]}, 0)",
 'topk_short_incr': lambda c,a: f"{c}.ex.topk_short({a[0]}, TOPK_INCR, {a[1]}, {a[2]}, {a[3]})",
 'topk_int_find': lambda c,a: f"{c}.ex.topk_int({a[0]}, TOPK_FIND, {a[1]}, 0, 0)",
 'topk_str_find': lambda c,a: f"{c}.ex.topk_str({a[0]}, TOPK_FIND, {a[1]}, {a[2]}, 0, 0)",
 'topk_int_get': lambda c,a: f"({c}.ex.topk_int({a[0]}, TOPK_FIND, {a[1]}, 0, 0) === 0 ? 0 : {c}.result(R_TOPK_ESTIMATE))",
 'topk_str_get': lambda c,a: f"({c}.ex.topk_str({a[0]}, TOPK_FIND, {a[1]}, {a[2]}, 0, 0) === 0 ? 0 : {c}.result(R_TOPK_ESTIMATE))",
 'topk_short_get': lambda c,a: f"({c}.ex.topk_short({a[0]}, TOPK_FIND, {a[1]}, {a[2]}, 0) === 0 ? 0 : {c}.result(R_TOPK_ESTIMATE))",
 'topk_int_put': lambda c,a: f"{c}.ex.topk_int({a[0]}, TOPK_PUT, {a[1]}, {a[2]}, {a[3]})",
 'topk_str_put': lambda c,a: f"{c}.ex.topk_str({a[0]}, TOPK_PUT, {a[1]}, {a[2]}, {a[3]}, {a[4]})",
 'topk_estimate': lambda c,a: f"{c}.result(R_TOPK_ESTIMATE)",
 'topk_error': lambda c,a: f"{c}.result(R_TOPK_ERROR)",
}
def split_args(s):
    out=[];depth=0;cur=''
    for ch in s:
        if ch in '([{': depth+=1
        if ch in ')]}': depth-=1
        if ch==',' and depth==0: out.append(cur.strip()); cur=''
        else: cur+=ch
    if cur.strip(): out.append(cur.strip())
    return out
used=set()
def rewrite(src, localcore):
    # localcore: function(pos)-> core expr for bare `ex.`
    out='';i=0
    pat=re.compile(r'((?:[\w$]+(?:\(\))?(?:!)?\.)*?[\w$]+(?:\(\))?!?)\.ex\.(\w+)\(|(?<![\w.])ex\.(\w+)\(')
    while True:
        m=pat.search(src,i)
        if not m: out+=src[i:]; break
        name=m.group(2) or m.group(3)
        if name not in T: out+=src[i:m.end()]; i=m.end(); continue
        # find args
        j=m.end();depth=1
        while depth: 
            if src[j]=='(': depth+=1
            elif src[j]==')': depth-=1
            j+=1
        args=split_args(src[m.end():j-1])
        core = m.group(1) if m.group(2) else localcore(m.start())
        r=T[name](core,args)
        if r is None: out+=src[i:m.end()]; i=m.end(); continue
        used.add(name)
        out+=src[i:m.start()]+r; i=j
    return out
for p in sys.argv[1:]:
    s=open(p).read()
    decls=[(m.start(), m.group(1)) for m in re.finditer(r'const ex = (.+?)\.ex;', s)]
    def lc(pos):
        best=None
        for st,c in decls:
            if st<pos: best=c
        if best is None: raise Exception(f'{p}: no local ex at {s[:pos].count(chr(10))+1}')
        return best
    n=rewrite(s, lc)
    if n!=s: open(p,'w').write(n); print(p)
print(sorted(used))
