--[[
  keepLikeBatch(batchKey, key): a batch's keys are created as rows get outcomes; each new one takes the batch hash's
  expiry, so a batch that never finishes still leaves nothing behind once its retention has passed.
]]
local function keepLikeBatch(batchKey, key)
  if redis.call('PTTL', key) == -1 then
    local ttl = redis.call('PTTL', batchKey)
    if ttl > 0 then redis.call('PEXPIRE', key, ttl) end
  end
end
