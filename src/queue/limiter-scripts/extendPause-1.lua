--[[
  Extends the global pause to at least ARGV[1] ms from now; never shortens it.
    KEYS[1] pause key
    ARGV[1] ms
  Returns:
    ARGV[1] as a number.
]]
local ms = tonumber(ARGV[1])
local cur = redis.call('PTTL', KEYS[1])
if cur < ms then redis.call('SET', KEYS[1], '1', 'PX', ms) end
return ms
