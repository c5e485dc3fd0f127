--[[
  Learns what the server allows from one of its answers. An announced limit (RateLimit-Limit or X-RateLimit-Limit) is
  taken as it is and holds until the server announces another. A bare 429 is a measurement: a sliding-window server
  rejects a request when it has accepted its limit in the window before it, so the requests sent in that window less
  the ones rejected is the server's limit as it stood. The limit in force becomes that measurement (never higher
  than before: a measurement just after the server lowered its limit still counts what the old one let through,
  and the next 429 measures again). The first measurement is also the ceiling, the level a later dip is probed back
  to (includes/probeLimit.lua), unless it is a lone 429 far below the limit in force until another confirms it; a
  429 that ends a probe lengthens the wait before the next one of its kind.
    KEYS[1] learnt-limit hash (fields: includes/learntLimit.lua)
    KEYS[2] rate log (sorted set of grant rounds stamped when sent)
    KEYS[3] rate log tail (the rounds trimmed from KEYS[2] lately)
    KEYS[4] rejected requests (sorted set: one member per 429, scored with when its request was sent)
    KEYS[5] learnt-limit history (list of JSON entries)
    ARGV[1] configured limit
    ARGV[2] announced limit, or '' for a bare 429
    ARGV[3] window in µs, slack included
    ARGV[4] µs since the rejected request's stamp: its send, or its answer less the allowed round trip when later,
            as the log stamps rounds ('' when unknown: now)
    ARGV[5] a member naming this 429 (unique per request)
    ARGV[6] the server's window in µs (the window without the slack)
    ARGV[7] first gap before a dip is probed (µs)
    ARGV[8] first gap before probing above the ceiling (µs)
  Returns:
    {limit, told, why}: the limit now in force; an announced change is told at once (told = the limit, why
    'announced'; else told = 0), a measured one at the first grant after the burst (acquireSlots-7.lua).
]]
--- @include "rateLog"
--- @include "learntLimit"

local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local configured, announced, window = math.max(1, math.floor(tonumber(ARGV[1]))), tonumber(ARGV[2]), tonumber(ARGV[3])
local dipGap0, upGap0 = tonumber(ARGV[7]), tonumber(ARGV[8])
if announced then
  local n = math.max(1, math.min(configured, math.floor(announced)))
  if n >= configured then
    if forgetLimit(KEYS[1], KEYS[5], now, configured, 'announced') == 1 then return {configured, configured, 'announced'} end
    return {configured, 0, ''}
  end
  redis.call('HDEL', KEYS[1], 'probing')
  setLimit(KEYS[1], now, n, 'announced', { 'announced', 1 })
  local told, why = tell(KEYS[1], KEYS[5], now)
  return {n, told, why}
end

local sent = now - (tonumber(ARGV[4]) or 0)
redis.call('ZADD', KEYS[4], sent, ARGV[5])
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now - 3 * window)
redis.call('PEXPIRE', KEYS[4], ttlOf(window) * 2)
-- The request's own round (stamped with its latest send, a few ms after this request's) counts as sent before it, and
-- `sent` is late by the time this call took to reach Redis: the window's far end gets the slack.
local from, to = sent - tonumber(ARGV[6]), sent + (window - tonumber(ARGV[6]))
local rejected = redis.call('ZCOUNT', KEYS[4], '(' .. from, to)
local accepted = slotsBetween(KEYS[2], from, to) + slotsBetween(KEYS[3], from, to) - rejected
local measured = math.max(1, math.min(configured, accepted))

local f = redis.call('HMGET', KEYS[1], 'limit', 'ceiling', 'probing', 'dipGap', 'upGap', 'provisional', 'burstAt', 'ceilingAt')
local current = math.min(configured, tonumber(f[1] or '') or configured)
local n = math.min(current, measured)
local fields = { 'last429', now }
local function put(k, v)
  fields[#fields + 1] = k
  fields[#fields + 1] = v
end
-- The 429s of one burst (within a window of its first) each measure, a little lower as more of its rejections are
-- known; the burst that set the ceiling refines it, a later one (a dip) leaves it.
local burstAt = tonumber(f[7] or '')
if not burstAt or now - burstAt > window then
  burstAt = now
  put('burstAt', burstAt)
end
local ceiling = tonumber(f[2] or '')
if not ceiling then
  -- A lone 429 far below the limit in force looks more like a hiccup (or a quota others used) than the server's
  -- limit: it is taken, but as a dip from the limit in force, probed back soon, unless another 429 of its burst
  -- confirms it (a real limit rejects in numbers; the others of a burst come a moment after the first).
  if rejected == 1 and n < current / 4 then
    ceiling = current
    put('provisional', 1)
  else
    ceiling = n
  end
  put('ceiling', ceiling)
  put('ceilingAt', burstAt)
elseif tonumber(f[8] or '') == burstAt and n < ceiling and (not f[6] or rejected > 1) then
  ceiling = n
  put('ceiling', ceiling)
  redis.call('HDEL', KEYS[1], 'provisional')
end
if f[3] == 'up' then
  local gap = math.max(upGap0, (tonumber(f[5] or '') or upGap0) * 2)
  put('upGap', math.min(gap, 30 * upGap0))
elseif f[3] == 'dip' then
  local gap = (tonumber(f[4] or '') or dipGap0) * 1.5
  if gap > 20 * dipGap0 then
    -- A dip that outlasted every probe is where the server is now: stop probing back to the old level.
    put('ceiling', n)
    gap = dipGap0
  end
  put('dipGap', gap)
elseif n < 0.9 * ceiling and current >= 0.9 * ceiling then
  -- A new dip (the limit was at its ceiling until this 429): probe it back quickly at first. The later 429s of the
  -- same burst refine the dip's measurement; they must not undo the longer wait a failed probe earned.
  put('dipGap', dipGap0)
end
redis.call('HDEL', KEYS[1], 'probing', 'announced')
setLimit(KEYS[1], now, n, 'measured', fields)
return {n, 0, ''}
