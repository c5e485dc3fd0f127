--[[
  Puts failed rows back to work (for `retry`): their outcome byte becomes 'r' (retrying, counted as pending) and the
  counters move back. The failure detail stays until the new outcome replaces it, so a retry interrupted between
  this and the enqueue can be found again (by its 'r' byte) and finished by running `retry` again.
    KEYS[1] batch hash (counters)
    KEYS[2] outcomes string (one byte per file line)
    KEYS[3] failures hash (line -> JSON detail)
    KEYS[4] failed lines index (sorted set, score = line)
    KEYS[5] reasons hash ("outcome|reason" -> count)
    ARGV[1...] lines
  Returns:
    the number of rows moved back to pending.
]]
local n = 0
for i = 1, #ARGV do
  local line = tonumber(ARGV[i])
  local old = redis.call('GETRANGE', KEYS[2], line, line)
  if old == 'f' then
    local d = redis.call('HGET', KEYS[3], ARGV[i])
    local reason = ''
    if d then reason = cjson.decode(d).reason or '' end
    redis.call('SETRANGE', KEYS[2], line, 'r')
    redis.call('HINCRBY', KEYS[1], 'failed', -1)
    redis.call('HINCRBY', KEYS[5], 'failed|' .. reason, -1)
    redis.call('ZREM', KEYS[4], ARGV[i])
    n = n + 1
  end
end
if n > 0 then redis.call('HDEL', KEYS[1], 'finishedAt') end
return n
