--[[
  The global sliding-window limiter. Grants up to ARGV[2] request slots now if the log has room, all stamped with
  Redis' own clock (one clock for every worker on every machine); each round is stamped again once its requests
  are written to the socket, and later still if answered late (restampSlots-3.lua, or the re-stamps carried by this
  call), so the log holds when requests reached the server as nearly as the client can tell, not when they were
  allowed to. Besides the window (at most `limit` in any window), grants are paced: at most ceil(limit/20) in any
  pace interval. Bursts of a whole window's worth of requests contend for sockets and CPU and reach the server with
  uneven delays; paced ones arrive as sent. The pace counts grants (KEYS[4], one entry per round) rather than the
  log, so moving a round's stamp later only keeps its slots longer, without holding back the next round.
  The limit is the configured one, or the learnt one while the server allows less (KEYS[3], includes/learntLimit.lua,
  learnLimit-5.lua). A limit learnt from bare 429s is probed upward here, at the first grant after enough time
  without a 429: back to the ceiling (the level before a dip) after ARGV[6], or a quarter above it after ARGV[7]; a
  probe holds once it was used for a window without a 429 (a 429 sends it back to the measurement, learnLimit-5.lua).
  An announced limit holds until the server announces another.
  Granting ahead: while the limit in force is at least ARGV[9] and no bare 429 came in the last three windows, a
  call may grant up to ARGV[8] slots beyond those wanted, which the calling process keeps for its next requests for
  a few ms (outbound-rate-limiter.ts) instead of asking again for each. They come only from room that leaves at
  least half the window and half the pace interval free after them, so another worker does not wait on them; they
  are logged like any other slot, and those never used are handed back (includes/giveBack.lua). A busy process asks
  for its next slots ahead before its stock runs out, with nothing wanted (a refill, ahead-stock.ts).
    KEYS[1] rate log (sorted set, see includes/rateLog.lua)
    KEYS[2] pause key (string with a TTL: no grant while it exists)
    KEYS[3] learnt-limit hash
    KEYS[4] pace log (sorted set, one entry per grant round, scored with its grant time)
    KEYS[5] slot count (the slots of the rounds in the rate log)
    KEYS[6] rate log tail (the entries trimmed from KEYS[1] in the last windows, for measuring at a 429)
    KEYS[7] learnt-limit history (list of JSON entries)
    ARGV[1] configured limit (requests per window)
    ARGV[2] slots wanted (0: a refill, only slots ahead)
    ARGV[3] window in µs, slack included
    ARGV[4] round nonce
    ARGV[5] pace interval in µs
    ARGV[6] µs without a 429 before a dip is probed back to the ceiling (first gap)
    ARGV[7] µs without a 429 before the limit is probed above the ceiling (first gap)
    ARGV[8] slots that may be granted ahead, beyond those wanted
    ARGV[9] the lowest limit in force at which slots are granted ahead
    ARGV[10] k, then k triples of slots handed back (includes/giveBack.lua), then re-stamps as nonce, slots, ageUs
            triples: both applied first, whatever the answer
  Returns:
    {granted, waitMs, newLimit, why}: waitMs is how long until a slot frees up (or the pause ends) when none was
    granted; newLimit is a change of the limit in force this call tells (0: none; each change is told by exactly
    one call, see includes/learntLimit.lua) and why 'measured', 'announced', 'probe' or 'configured'.
    Granted slots (those ahead included) are the log entry `<nonce>:<granted>`.
]]
--- @include "rateLog"
--- @include "restamp"
--- @include "giveBack"
--- @include "probeLimit"

local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local configured, wanted, window, pace = math.max(1, math.floor(tonumber(ARGV[1]))), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[5])
local restamps, handedBack = giveBack(KEYS[1], KEYS[5], 10)
-- Kept alive also after a hand-back: one that emptied the log and added its entry again left the key without a TTL.
if restamp(KEYS[1], KEYS[5], KEYS[6], now, window, restamps) > 0 or handedBack > 0 then keep(KEYS[1], KEYS[5], window) end
local pause = redis.call('PTTL', KEYS[2])
if pause > 0 then return {0, pause, 0, ''} end
local limit, probing, newLimit, why = probeLimit(KEYS[3], KEYS[7], configured, now, window, tonumber(ARGV[6]), tonumber(ARGV[7]))
local inWindow = used(KEYS[1], KEYS[5], window)
inWindow = inWindow - trim(KEYS[1], KEYS[5], now - window, KEYS[6], 2 * window)
local ahead = 0
if limit >= tonumber(ARGV[9]) and tonumber(ARGV[8]) > 0 then
  -- Right after a 429 the server is full and its limit is being measured: slots nobody asked for would only muddy that.
  local last429 = tonumber(redis.call('HGET', KEYS[3], 'last429') or '')
  if not (last429 and now - last429 < 3 * window) then ahead = tonumber(ARGV[8]) end
end
local free = limit - inWindow
local wait = 0
if free <= 0 then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  wait = tonumber(oldest[2]) + window - now
else
  local perPace = math.ceil(limit / 20)
  redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now - pace)
  -- Every round of the pace interval is still in the window's log (the interval is shorter than the window), so
  -- with fewer slots in the log than the pace allows, the pace cannot bind: no need to read its rounds.
  if inWindow + wanted + ahead > perPace then
    -- At most one entry per round, and rounds are at least a slot each: a twentieth of the limit at the very most.
    local rounds = redis.call('ZRANGE', KEYS[4], 0, -1, 'WITHSCORES')
    local inPace = 0
    for i = 1, #rounds, 2 do inPace = inPace + slotsOf(rounds[i]) end
    if inPace >= perPace then
      wait = tonumber(rounds[2]) + pace - now
    else
      free = math.min(free, perPace - inPace)
      -- Ahead only from the first half of the pace interval's allowance too.
      ahead = math.max(0, math.min(ahead, perPace - inPace - wanted - math.ceil(perPace / 2)))
    end
  end
end
if wait > 0 then
  wait = math.ceil(wait / 1000)
  if wait < 1 then wait = 1 end
  return {0, wait, newLimit, why}
end
local asked = math.min(free, wanted)
local n = asked
if ahead > 0 then n = n + math.max(0, math.min(ahead, free - n, limit - inWindow - n - math.ceil(limit / 2))) end
-- A refill (nothing wanted, only slots ahead) that finds no room for them grants nothing and logs nothing.
if n == 0 then return {0, 0, newLimit, why} end
add(KEYS[1], KEYS[5], now, ARGV[4] .. ':' .. n, n)
keep(KEYS[1], KEYS[5], window)
redis.call('ZADD', KEYS[4], now, ARGV[4] .. ':' .. n)
redis.call('PEXPIRE', KEYS[4], math.ceil(pace / 1000) * 2)
-- A probe is judged on traffic that used it: the most slots in the window while it lasts (none granted ahead).
if probing and inWindow + asked > probing then redis.call('HSET', KEYS[3], 'peak', inWindow + asked) end
return {n, 0, newLimit, why}
