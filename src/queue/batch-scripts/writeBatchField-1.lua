--[[
  One write to a batch's hash, made only while the batch exists: a late job (Redis restarted empty, the batch
  expired) must not re-create the hash, which would then live without an expiry.
    KEYS[1] batch hash
    ARGV[1] operation: 'incr' (HINCRBY by 1), 'setnx' (HSETNX) or 'set' (HSET)
    ARGV[2] field
    ARGV[3] value (for 'setnx' and 'set')
  Returns:
    -1 when the batch hash does not exist (nothing written); else what HINCRBY, HSETNX or HSET returned.
]]
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local op = ARGV[1]
if op == 'incr' then return redis.call('HINCRBY', KEYS[1], ARGV[2], 1) end
if op == 'setnx' then return redis.call('HSETNX', KEYS[1], ARGV[2], ARGV[3]) end
return redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
