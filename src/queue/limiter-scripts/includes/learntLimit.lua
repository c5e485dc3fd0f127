--[[
  The learnt-limit hash (KEYS of the caller: the hash and the history list) and the rules that move it. Fields:
    limit      the limit in force when below the configured one (absent: the configured limit is in force)
    announced  1 when the server announced it (RateLimit-Limit / X-RateLimit-Limit): it holds as it is
    changedAt  when `limit` last changed (µs, Redis' clock)
    last429    when the last bare 429 was learnt
    ceiling    the highest limit the server recently held: what a dip is probed back to
    provisional 1 while the ceiling is the limit in force before a lone 429 (learnLimit-5.lua)
    burstAt    the first 429 of the latest burst (the 429s within a window of it); ceilingAt  the burst that set the ceiling
    probing    'dip' (back to the ceiling) or 'up' (above it) while a raised limit has not yet held a window
    peak       the most slots in the log while probing: a probe that was never used proves nothing
    dipGap     µs without a 429 before probing a dip back to the ceiling (x1.5 per failed dip probe)
    upGap      µs without a 429 before probing above the ceiling (x2 per failed probe; one window after one held)
    why        what set `limit` ('measured', 'announced', 'probe'); told  the last limit told (logged, in the history)
  The history list holds one JSON entry per change ({at: ms, limit, why}, newest last) for the reports.
  Helpers: setLimit, tellIf, tell, forgetLimit.
]]
-- The state outlives an hour of quiet; after that the configured limit is tried again.
local LEARNT_TTL_MS = 3600000
local HISTORY_KEPT = 500
local HISTORY_TTL_MS = 30 * 86400000

local function remember(historyKey, now, limit, why)
  redis.call('RPUSH', historyKey, cjson.encode({ at = math.floor(now / 1000), limit = limit, why = why }))
  redis.call('LTRIM', historyKey, -HISTORY_KEPT, -1)
  redis.call('PEXPIRE', historyKey, HISTORY_TTL_MS)
end

-- Puts `limit` in force for `why` (changed or not, the hash's expiry is renewed); returns 1 when it changed.
local function setLimit(hashKey, now, limit, why, fields)
  local old = tonumber(redis.call('HGET', hashKey, 'limit') or '')
  redis.call('HSET', hashKey, 'limit', tostring(limit), unpack(fields))
  redis.call('PEXPIRE', hashKey, LEARNT_TTL_MS)
  if old == limit then return 0 end
  redis.call('HSET', hashKey, 'changedAt', now, 'peak', 0, 'why', why)
  return 1
end

-- Tells a change not yet told: remembered in the history, and returned (limit, why) for the one caller that logs it;
-- 0, '' when the limit in force was told already. The 429s of one burst each measure a little lower as the window
-- slides, so their changes are told once the burst is over (at the first grant after its pause), not one by one.
-- tellIf takes what the caller already read of the hash (the limit in force, the `told` and `why` fields).
local function tellIf(hashKey, historyKey, now, limit, told, why)
  if tonumber(told or '') == limit then return 0, '' end
  redis.call('HSET', hashKey, 'told', tostring(limit))
  remember(historyKey, now, limit, why)
  return limit, why
end
local function tell(hashKey, historyKey, now)
  local f = redis.call('HMGET', hashKey, 'limit', 'told', 'why')
  if not f[1] then return 0, '' end
  return tellIf(hashKey, historyKey, now, tonumber(f[1]), f[2], f[3] or 'measured')
end

-- Back to the configured limit, told at once; returns 1 when a learnt one was in force.
local function forgetLimit(hashKey, historyKey, now, configured, why)
  if redis.call('DEL', hashKey) == 0 then return 0 end
  remember(historyKey, now, configured, why)
  return 1
end
