--[[
  The global sliding-window limiter. Grants up to ARGV[2] request slots now if the log has room, all stamped with
  Redis' own clock (one clock for every worker on every machine); each round is stamped again once its requests
  are written to the socket, and later still if answered late (restampSlots-2.lua, or the re-stamps carried by this
  call), so the log holds when requests reached the server as nearly as the client can tell, not when they were
  allowed to. Besides the window (at most `limit` in any window), grants are paced: at most ceil(limit/10) in any
  pace interval. Bursts of a whole window's worth of requests contend for sockets and CPU and reach the server with
  uneven delays; paced ones arrive as sent. The pace counts grants (KEYS[4], one entry per round) rather than the
  log, so moving a round's stamp later only keeps its slots longer, without holding back the next round.
  The limit is the configured one, or lower while the learnt limit (KEYS[3], see learnLimit-1.lua) says the server
  allows less; a limit learnt from bare 429s creeps back up by 2% of the configured one (at least 1) every two
  windows without a 429; an announced one holds until the server announces another.
    KEYS[1] rate log (sorted set, see includes/rateLog.lua)
    KEYS[2] pause key (string with a TTL: no grant while it exists)
    KEYS[3] learnt-limit hash
    KEYS[4] pace log (sorted set, one entry per grant round, scored with its grant time)
    KEYS[5] slot count (the slots of the rounds in the rate log)
    ARGV[1] configured limit (requests per window)
    ARGV[2] slots wanted
    ARGV[3] window in µs, slack included
    ARGV[4] round nonce
    ARGV[5] pace interval in µs
    ARGV[6...] re-stamps as nonce, slots, ageUs triples (applied first, whatever the answer)
  Returns:
    {granted, waitMs}: waitMs is how long until a slot frees up (or the pause ends) when none was granted.
    Granted slots are the log entry `<nonce>:<granted>`.
]]
--- @include "rateLog"
--- @include "restamp"

local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local limit, wanted, window, pace = math.max(1, math.floor(tonumber(ARGV[1]))), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[5])
if restamp(KEYS[1], KEYS[5], now, window, 6) > 0 then keep(KEYS[1], KEYS[5], window) end
local pause = redis.call('PTTL', KEYS[2])
if pause > 0 then return {0, pause} end
local learnt = tonumber(redis.call('HGET', KEYS[3], 'limit') or '')
if learnt then
  local changed = tonumber(redis.call('HGET', KEYS[3], 'changedAt') or '0')
  -- A limit the server announced holds until it announces another; one learnt from bare 429s creeps back up.
  if redis.call('HEXISTS', KEYS[3], 'announced') == 0 and now - changed > 2 * window then
    learnt = learnt + math.max(1, limit * 0.02)
    if learnt >= limit then
      redis.call('DEL', KEYS[3])
      learnt = nil
    else
      redis.call('HSET', KEYS[3], 'limit', tostring(learnt), 'changedAt', now)
    end
  end
  if learnt then limit = math.max(1, math.floor(learnt)) end
end
local inWindow = used(KEYS[1], KEYS[5], window)
inWindow = inWindow - trim(KEYS[1], KEYS[5], now - window)
local free = limit - inWindow
local wait = 0
if free <= 0 then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  wait = tonumber(oldest[2]) + window - now
else
  local perPace = math.ceil(limit / 10)
  redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now - pace)
  -- Every round of the pace interval is still in the window's log (the interval is shorter than the window), so
  -- with fewer slots in the log than the pace allows, the pace cannot bind: no need to read its rounds.
  if inWindow + wanted > perPace then
    -- At most one entry per round, and rounds are at least a slot each: a tenth of the limit at the very most.
    local rounds = redis.call('ZRANGE', KEYS[4], 0, -1, 'WITHSCORES')
    local inPace = 0
    for i = 1, #rounds, 2 do inPace = inPace + slotsOf(rounds[i]) end
    if inPace >= perPace then
      wait = tonumber(rounds[2]) + pace - now
    else
      free = math.min(free, perPace - inPace)
    end
  end
end
if wait > 0 then
  wait = math.ceil(wait / 1000)
  if wait < 1 then wait = 1 end
  return {0, wait}
end
local n = math.min(free, wanted)
add(KEYS[1], KEYS[5], now, ARGV[4] .. ':' .. n, n)
keep(KEYS[1], KEYS[5], window)
redis.call('ZADD', KEYS[4], now, ARGV[4] .. ':' .. n)
redis.call('PEXPIRE', KEYS[4], math.ceil(pace / 1000) * 2)
return {n, 0}
