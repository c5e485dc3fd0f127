--[[
  probeLimit(hashKey, historyKey, configured, now, window, dipGap0, upGap0): the limit in force for this grant, after
  probing a limit learnt from bare 429s upward when its time has come (fields: includes/learntLimit.lua).
    - A probe under way holds once a full window passed without a 429 while the window held at least 90% of it: the
      server allows it. One above the ceiling raises the ceiling and is followed by the next a window later (+25% per
      clean window, multiplicative while no 429 is seen); one back to the ceiling ends the dip.
    - Below the ceiling (a dip: the server allowed more until recently), the limit goes straight back to the ceiling
      after `dipGap` without a 429: a failed probe costs one Retry-After pause at the dip's low rate, a held one ends
      the dip at once instead of climbing back in small steps.
    - At the ceiling, the limit goes a quarter above it after `upGap` without a 429. Each probe that fails costs a
      whole Retry-After pause at the full rate (the server's window is full when it comes), so the gap starts long
      and doubles per failure (learnLimit-5.lua).
  Returns: limit, peak while probing (false otherwise), and the change this call tells (the limit and why: a probe,
  a return to the configured limit, or a measurement not told yet; 0, '' when there is nothing to tell). One read of
  the hash serves the decision and the telling.
]]
--- @include "learntLimit"

local function probeLimit(hashKey, historyKey, configured, now, window, dipGap0, upGap0)
  local f = redis.call('HMGET', hashKey, 'limit', 'announced', 'changedAt', 'last429', 'ceiling', 'probing', 'peak', 'dipGap', 'upGap', 'told', 'why')
  local learnt = tonumber(f[1] or '')
  if not learnt then return configured, false, 0, '' end
  learnt = math.min(learnt, configured)
  -- The limit in force, told if it has not been yet (a burst's measurement, at the first grant after its pause).
  local function unchanged(peak)
    return learnt, peak, tellIf(hashKey, historyKey, now, learnt, f[10], f[11] or 'measured')
  end
  if f[2] then return unchanged(false) end
  local quiet = now - math.max(tonumber(f[3] or '0'), tonumber(f[4] or '0'))
  local ceiling = math.min(tonumber(f[5] or '') or learnt, configured)
  if f[6] then
    local peak = tonumber(f[7] or '0')
    if quiet <= window or peak < 0.9 * learnt then return unchanged(peak) end
    if f[6] == 'up' then
      redis.call('HSET', hashKey, 'ceiling', learnt, 'upGap', window, 'dipGap', dipGap0)
    else
      redis.call('HSET', hashKey, 'dipGap', dipGap0)
    end
    redis.call('HDEL', hashKey, 'probing')
    return unchanged(false)
  end
  local target, kind
  if learnt < ceiling then
    if quiet < (tonumber(f[8] or '') or dipGap0) then return unchanged(false) end
    target, kind = ceiling, 'dip'
  else
    if quiet < (tonumber(f[9] or '') or upGap0) then return unchanged(false) end
    target, kind = math.max(learnt + 1, math.floor(learnt * 1.25)), 'up'
    if target >= configured then
      forgetLimit(hashKey, historyKey, now, configured, 'configured')
      return configured, false, configured, 'configured'
    end
  end
  setLimit(hashKey, now, target, 'probe', { 'probing', kind })
  return target, 0, tellIf(hashKey, historyKey, now, target, f[10], 'probe')
end
