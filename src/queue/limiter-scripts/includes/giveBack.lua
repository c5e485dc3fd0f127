--[[
  giveBack(logKey, countKey, from): takes slots granted ahead and never sent (outbound-rate-limiter.ts) out of the
  log, so it holds only slots that were or may yet be sent: other workers can have them, and a 429's measurement of
  the server's limit does not count them as accepted requests. ARGV from `from`: a count k, then k triples (round
  nonce, slots of its entry, slots handed back). The round's entry keeps its stamp under its smaller count; a round
  no longer in the log (trimmed, lost with a Redis restart, or already handed back by a call that ran twice) is left
  alone. Returns the index of the first ARGV after the list, and how many rounds were listed.
]]
--- @include "rateLog"

local function giveBack(logKey, countKey, from)
  local k = tonumber(ARGV[from])
  for i = from + 1, from + 3 * k, 3 do
    local member = ARGV[i] .. ':' .. ARGV[i + 1]
    local stamp = redis.call('ZSCORE', logKey, member)
    if stamp then
      local back = tonumber(ARGV[i + 2])
      local left = tonumber(ARGV[i + 1]) - back
      redis.call('ZREM', logKey, member)
      if left > 0 then redis.call('ZADD', logKey, stamp, ARGV[i] .. ':' .. left) end
      -- A count that goes wrong (its key expired meanwhile) is recounted by used().
      redis.call('DECRBY', countKey, back)
    end
  end
  return from + 1 + 3 * k, k
end
