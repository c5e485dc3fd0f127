--[[
  checkDone(batchKey, now): when every row has an outcome and the import has finished, stamps finishedAt exactly
  once.
  Returns: 1 when this call stamped it (finished the batch), else 0.
]]
local function checkDone(batchKey, now)
  local v = redis.call('HMGET', batchKey, 'rows', 'state', 'assigned', 'already-member', 'failed', 'invalid', 'duplicate', 'finishedAt')
  if v[2] ~= 'imported' or v[8] then return 0 end
  local sum = 0
  for i = 3, 7 do sum = sum + tonumber(v[i] or '0') end
  if sum >= tonumber(v[1] or '0') then
    redis.call('HSET', batchKey, 'finishedAt', now)
    return 1
  end
  return 0
end
