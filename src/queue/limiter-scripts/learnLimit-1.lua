--[[
  Learns that the server allows less than configured. With a limit announced by the server (RateLimit-Limit or
  X-RateLimit-Limit), that limit is taken as it is. Without one (a bare 429), the current limit shrinks by a quarter,
  at most once per window: the 429s of one overload episode arrive together and must count once.
    KEYS[1] learnt-limit hash (limit, changedAt, announced)
    ARGV[1] configured limit
    ARGV[2] announced limit, or '' for a bare 429
    ARGV[3] window in µs, slack included
  Returns:
    the limit now in force, as a string.
]]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local configured, announced, window = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local current = tonumber(redis.call('HGET', KEYS[1], 'limit') or '') or configured
if announced then
  local n = math.min(configured, announced)
  if n >= configured then
    redis.call('DEL', KEYS[1])
  else
    redis.call('HSET', KEYS[1], 'limit', tostring(n), 'changedAt', now, 'announced', 1)
    redis.call('PEXPIRE', KEYS[1], 3600000)
  end
  return tostring(n)
end
local changed = tonumber(redis.call('HGET', KEYS[1], 'changedAt') or '0')
if now - changed < window then return tostring(current) end
local n = math.max(1, current * 0.75)
redis.call('HSET', KEYS[1], 'limit', tostring(n), 'changedAt', now)
redis.call('HDEL', KEYS[1], 'announced')
redis.call('PEXPIRE', KEYS[1], 3600000)
return tostring(n)
