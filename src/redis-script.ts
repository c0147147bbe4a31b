// The script that applies one batch of deltas to a Redis hash, atomically.
//
//   KEYS[1]  the counts hash
//   KEYS[2]  the writer key: the sequence number of the last batch this
//            writer (one RedisCounter) had applied
//   ARGV[1]  the batch's sequence number        ARGV[2] the writer key's life, ms
//   ARGV[3], ARGV[4], ...  field, delta pairs (deltas are non-zero safe integers)
//
// Returns 1 when it applied the batch, 0 when the writer key says it already
// had (a retry whose first reply was lost).
//
// A writer sends batch n+1 only after batch n was acknowledged, so "applied"
// is a high-water mark: sequence <= mark means applied before. A stale
// attempt that a client queued while Redis was unreachable and sent after a
// later batch is therefore skipped as well.
//
// Redis does not roll a script back when a command in it fails: writes made
// before the failure stay. So every check comes first (HMGET of the fields,
// each value an integer within ±(2^53 - 1), each sum too) and the writes
// after, which cannot fail: a batch is applied whole or not at all, and a
// refused batch leaves no trace for its retry to double. Sums are done in
// Lua's doubles, exact for integers of up to 2^53; a true sum past 2^53 - 1
// rounds to at least 2^53, so the check catches it.
//
// HMGET and HDEL take their fields in slices of 1,000: Lua's unpack() is
// limited by its C stack (LUAI_MAXCSTACK, 8,000).
export const APPLY_BATCH = `local seq = tonumber(ARGV[1])
local last = redis.call('GET', KEYS[2])
if last and tonumber(last) >= seq then return 0 end
local MAX = 9007199254740991
local n = (#ARGV - 2) / 2
local fields, sums = {}, {}
for i = 1, n do fields[i] = ARGV[1 + 2 * i] end
for from = 1, n, 1000 do
  local to = math.min(from + 999, n)
  local got = redis.call('HMGET', KEYS[1], unpack(fields, from, to))
  for i = from, to do
    local v = got[i - from + 1]
    local c = 0
    if v then
      c = tonumber(v)
      if not (v == '0' or string.match(v, '^%-?[1-9]%d*$')) or c > MAX or c < -MAX then
        return redis.error_reply('TOPHASH field "' .. fields[i] .. '" of ' .. KEYS[1] .. ' holds "' .. v .. '", not an integer count within 2^53 - 1: no delta of this batch was applied')
      end
    end
    local s = c + tonumber(ARGV[2 + 2 * i])
    if s > MAX then
      return redis.error_reply('TOPHASH field "' .. fields[i] .. '" of ' .. KEYS[1] .. ' would pass 2^53 - 1 (' .. (v or '0') .. ' + ' .. ARGV[2 + 2 * i] .. '): no delta of this batch was applied')
    end
    sums[i] = s
  end
end
local gone = {}
for i = 1, n do
  if sums[i] > 0 then redis.call('HINCRBY', KEYS[1], fields[i], ARGV[2 + 2 * i])
  else gone[#gone + 1] = fields[i] end
end
for from = 1, #gone, 1000 do
  redis.call('HDEL', KEYS[1], unpack(gone, from, math.min(from + 999, #gone)))
end
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
return 1
`;
