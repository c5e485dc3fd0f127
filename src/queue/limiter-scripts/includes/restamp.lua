--[[
  restamp(logKey, countKey, tailKey, now, window, first): moves grant rounds to the moment the client worked out for each (its
  latest send, or a late answer less the slack; ARGV triples from `first`: round nonce, slots granted, age of that
  moment in µs at the call). Never earlier than before. An entry already trimmed into the tail (its request waited
  more than a window for a socket) is put back while that moment still falls inside the window, so later grants
  count it. One that is in neither is not: a command sent again after a reconnect can name a round by a count it
  no longer has (includes/giveBack.lua renamed it), and adding it back would count its slots twice.
  Returns: the number of slots moved.
]]
--- @include "rateLog"

local function restamp(logKey, countKey, tailKey, now, window, first)
  local moved = 0
  for i = first, #ARGV - 2, 3 do
    local member = ARGV[i] .. ':' .. ARGV[i + 1]
    local slots = tonumber(ARGV[i + 1])
    local stamp = now - tonumber(ARGV[i + 2])
    local old = redis.call('ZSCORE', logKey, member)
    if old then
      if stamp > tonumber(old) then
        redis.call('ZADD', logKey, stamp, member)
        moved = moved + slots
      end
    elseif stamp > now - window and redis.call('ZSCORE', tailKey, member) then
      redis.call('ZREM', tailKey, member)
      used(logKey, countKey, window)
      add(logKey, countKey, stamp, member, slots)
      moved = moved + slots
    end
  end
  return moved
end
