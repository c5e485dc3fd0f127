--[[
  Records rows' outcomes idempotently: counters move only when a row's outcome changes, so a job that runs twice
  (stall, crash after the call) is counted once. A success is never replaced: the assignment exists. Rows are
  applied in order, exactly as the same number of one-row calls would be; one call carries many rows because a
  busy worker finishes many in the same turn of its event loop, and one script call per row was a large share of
  its Redis traffic. Counters in the batch hash are named after outcomes; `h:<status>` counts HTTP calls by answer.
    KEYS[1] batch hash (counters)
    KEYS[2] outcomes string (one byte per file line: the outcome code; 0 pending, e queued by an import, r/q retried)
    KEYS[3] failures hash (line -> JSON detail)
    KEYS[4] failed lines index (sorted set, score = line)
    KEYS[5] reasons hash ("outcome|reason" -> count)
    ARGV[1] now, ms since epoch
    ARGV[2...] one value per row, its fields joined by tabs: line, code, mode ('set' | 'if-absent'), countAs (the
            HTTP status or transport failure of the call that led here, counted whatever the outcome; '' = none),
            reason, detailJson ('' for successes). One value rather than six: the arguments of a call were its
            largest cost in the worker (ioredis converts and frames each one).
  Returns:
    one changed flag (0/1) per row, then done (1 when this call completed the batch); or {-1} when the batch hash
    does not exist (expired, or Redis restarted empty): nothing is written, so no key is made without an expiry.
]]
--- @include "checkDone"
--- @include "keepLikeBatch"

local names = { a = 'assigned', m = 'already-member', f = 'failed', i = 'invalid', d = 'duplicate' }
-- A row is one argument, its fields separated by tabs (JSON never holds a raw tab; the other fields are codes).
local function fields(row)
  local out, from = {}, 1
  for k = 1, 5 do
    local to = string.find(row, '\t', from, true)
    out[k] = string.sub(row, from, to - 1)
    from = to + 1
  end
  out[6] = string.sub(row, from)
  return out
end
local function record(row)
  local f = fields(row)
  local lineText, code, mode, countAs, reason, detail = f[1], f[2], f[3], f[4], f[5], f[6]
  local outcome = names[code]
  if countAs ~= '' then redis.call('HINCRBY', KEYS[1], 'h:' .. countAs, 1) end
  local line = tonumber(lineText)
  local old = redis.call('GETRANGE', KEYS[2], line, line)
  if old == 'r' or old == 'q' then
    -- Being retried: it already left the failed count; only its old failure detail goes.
    redis.call('HDEL', KEYS[3], lineText)
    old = ''
  elseif old == 'e' then
    -- Queued by an import, no outcome yet (markEnqueued-1.lua).
    old = ''
  end
  if old ~= '' and old ~= '\0' then
    if mode == 'if-absent' then return 0 end
    -- A success is final: the pair is in place, whatever a later run of the same job hears.
    if old == 'a' or old == 'm' then return 0 end
    local oldDetail = redis.call('HGET', KEYS[3], lineText)
    local oldReason = ''
    if oldDetail then oldReason = cjson.decode(oldDetail).reason or '' end
    if old == code and oldReason == reason then return 0 end
    redis.call('HINCRBY', KEYS[1], names[old], -1)
    if oldReason ~= '' then redis.call('HINCRBY', KEYS[5], names[old] .. '|' .. oldReason, -1) end
    if oldDetail then
      redis.call('HDEL', KEYS[3], lineText)
      redis.call('ZREM', KEYS[4], lineText)
    end
  end
  redis.call('SETRANGE', KEYS[2], line, code)
  redis.call('HINCRBY', KEYS[1], outcome, 1)
  -- Only outcomes that have a reason are counted by reason (an assignment has none): one call less per success.
  if reason ~= '' then redis.call('HINCRBY', KEYS[5], outcome .. '|' .. reason, 1) end
  if detail ~= '' then
    redis.call('HSET', KEYS[3], lineText, detail)
    redis.call('ZADD', KEYS[4], line, lineText)
  end
  return 1, reason ~= '', detail ~= ''
end
if redis.call('EXISTS', KEYS[1]) == 0 then return { -1 } end
local changed = {}
local any, reasons, details = false, false, false
for i = 2, #ARGV do
  local c, hasReason, hasDetail = record(ARGV[i])
  changed[#changed + 1] = c
  if c == 1 then
    any = true
    if hasReason then reasons = true end
    if hasDetail then details = true end
  end
end
if any then keepLikeBatch(KEYS[1], KEYS[2]) end
if reasons then keepLikeBatch(KEYS[1], KEYS[5]) end
if details then
  keepLikeBatch(KEYS[1], KEYS[3])
  keepLikeBatch(KEYS[1], KEYS[4])
end
changed[#changed + 1] = checkDone(KEYS[1], ARGV[1])
return changed
