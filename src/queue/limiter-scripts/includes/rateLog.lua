--[[
  The rate log holds one entry per grant round, member `<round nonce>:<slots>`, scored with the round's stamp (µs,
  Redis' clock); the count key holds the sum of the slots of the entries in the log. One entry per round rather
  than one per slot: a round's slots always share one stamp anyway, and adding, re-stamping and trimming one entry
  per slot was most of the limiter's Redis time (a ZADD of 20 members into a 5,000-member set: ~55 µs here).
  Helpers: slotsOf, ttlOf, used, trim, add, keep, slotsBetween.
]]
local function slotsOf(member) return tonumber(string.match(member, ':(%d+)$')) end
-- The log and its count outlive the window (µs) twice over, in ms.
local function ttlOf(window) return math.ceil(window / 1000) * 2 end
-- Slots of the entries in the log. Recounted when the count is missing or disagrees with whether the log exists (one
-- key expired or was deleted without the other), so a lost key costs one recount, never a wrong window.
local function used(logKey, countKey, window)
  local c = tonumber(redis.call('GET', countKey) or '')
  if c and (c > 0) == (redis.call('EXISTS', logKey) == 1) then return c end
  local n = 0
  for _, m in ipairs(redis.call('ZRANGE', logKey, 0, -1)) do n = n + slotsOf(m) end
  redis.call('SET', countKey, n, 'PX', ttlOf(window))
  return n
end
-- Drops entries stamped before the window (bounds inclusive, as in ZREMRANGEBYSCORE) and their slots from the count;
-- returns how many slots left. The dropped entries move to the tail (KEYS of the caller), kept `tailUs` longer: a 429
-- is answered after its request left, and measuring the server's limit needs the whole window before that request.
local function trim(logKey, countKey, before, tailKey, tailUs)
  local old = redis.call('ZRANGEBYSCORE', logKey, '-inf', before, 'WITHSCORES')
  if #old == 0 then return 0 end
  local n = 0
  local moved = {}
  for i = 1, #old, 2 do
    n = n + slotsOf(old[i])
    moved[#moved + 1] = old[i + 1]
    moved[#moved + 1] = old[i]
    if #moved >= 1000 then
      redis.call('ZADD', tailKey, unpack(moved))
      moved = {}
    end
  end
  if #moved > 0 then redis.call('ZADD', tailKey, unpack(moved)) end
  redis.call('ZREMRANGEBYSCORE', tailKey, '-inf', before - tailUs)
  redis.call('PEXPIRE', tailKey, math.ceil(tailUs / 1000) * 2)
  redis.call('ZREMRANGEBYSCORE', logKey, '-inf', before)
  redis.call('DECRBY', countKey, n)
  return n
end
-- Adds a round's entry, counting its slots only if the entry is new: a call that ran twice (ioredis sends a command
-- again after a reconnect when its answer was lost) must not count its round twice.
local function add(logKey, countKey, stamp, member, slots)
  if redis.call('ZADD', logKey, stamp, member) == 1 then redis.call('INCRBY', countKey, slots) end
end
local function keep(logKey, countKey, window)
  redis.call('PEXPIRE', logKey, ttlOf(window))
  redis.call('PEXPIRE', countKey, ttlOf(window))
end
-- Slots of the entries of a log (or its tail) stamped in (from, to].
local function slotsBetween(logKey, from, to)
  local n = 0
  for _, m in ipairs(redis.call('ZRANGEBYSCORE', logKey, '(' .. from, to)) do n = n + slotsOf(m) end
  return n
end
