/**
 * Lua run atomically inside Redis. Kept next to each other because they share the batch layout of keys.ts.
 * Counters in the batch hash are named after outcomes; `rows` is the number of data rows the import read; `h:<status>`
 * counts HTTP calls by answer (their sum is the number of requests).
 */

// Shared tail: when every row has an outcome and the import has finished, stamp finishedAt exactly once.
const CHECK_DONE = `
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
`;

// A batch's keys are created as rows get outcomes; each new one takes the batch hash's expiry, so a batch that
// never finishes still leaves nothing behind once its retention has passed.
const KEEP_LIKE_BATCH = `
local function keepLikeBatch(batchKey, key)
  if redis.call('PTTL', key) == -1 then
    local ttl = redis.call('PTTL', batchKey)
    if ttl > 0 then redis.call('PEXPIRE', key, ttl) end
  end
end
`;

/**
 * Records rows' outcomes idempotently: counters move only when a row's outcome changes, so a job that runs twice
 * (stall, crash after the call) is counted once. A success is never replaced: the assignment exists. Rows are
 * applied in order, exactly as the same number of one-row calls would be; one call carries many rows because a
 * busy worker finishes many in the same turn of its event loop, and one script call per row was a large share of
 * its Redis traffic.
 * KEYS: batch, outcomes, failures, failIdx, reasons.
 * ARGV: nowMs, then one value per row, its fields joined by tabs: line, code, mode ('set' | 'if-absent'), countAs
 * (the HTTP status or transport failure of the call that led here, counted whatever the outcome; '' = none),
 * reason, detailJson ('' for successes). One value rather than six: the arguments of a call were its largest cost
 * in the worker (ioredis converts and frames each one).
 * Returns one changed flag (0/1) per row, then done (1 when this call completed the batch).
 */
export const RECORD_OUTCOMES = `${CHECK_DONE}${KEEP_LIKE_BATCH}
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
  end
  if old ~= '' and old ~= '\\0' then
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
`;

/**
 * Puts failed rows back to work (for `retry`): their outcome byte becomes 'r' (retrying, counted as pending) and the
 * counters move back. The failure detail stays until the new outcome replaces it, so a retry interrupted between
 * this and the enqueue can be found again (by its 'r' byte) and finished by running `retry` again.
 * KEYS: batch, outcomes, failures, failIdx, reasons. ARGV: lines... Returns the number moved.
 */
export const RESET_OUTCOMES = `
local n = 0
for i = 1, #ARGV do
  local line = tonumber(ARGV[i])
  local old = redis.call('GETRANGE', KEYS[2], line, line)
  if old == 'f' then
    local d = redis.call('HGET', KEYS[3], ARGV[i])
    local reason = ''
    if d then reason = cjson.decode(d).reason or '' end
    redis.call('SETRANGE', KEYS[2], line, 'r')
    redis.call('HINCRBY', KEYS[1], 'failed', -1)
    redis.call('HINCRBY', KEYS[5], 'failed|' .. reason, -1)
    redis.call('ZREM', KEYS[4], ARGV[i])
    n = n + 1
  end
end
if n > 0 then redis.call('HDEL', KEYS[1], 'finishedAt') end
return n
`;

/**
 * After a retry's jobs are enqueued: 'r' (reset, no job yet) becomes 'q' (queued), so running `retry` again does not
 * enqueue the row twice. A row that already has its new outcome is left alone. KEYS: outcomes. ARGV: lines...
 */
export const MARK_QUEUED = `
for i = 1, #ARGV do
  local line = tonumber(ARGV[i])
  if redis.call('GETRANGE', KEYS[1], line, line) == 'r' then redis.call('SETRANGE', KEYS[1], line, 'q') end
end
return #ARGV
`;

/** KEYS: batch. ARGV: nowMs. Returns 1 when this call finished the batch. */
export const CHECK_BATCH_DONE = `${CHECK_DONE}
return checkDone(KEYS[1], ARGV[1])
`;

/**
 * Creates a batch record or recognises a re-import of the same file. Refuses a different file under the same id.
 * KEYS: batch, batches. ARGV: batchId, fingerprint, source, rows, nowMs, looseIds, then extra field/value pairs.
 * Returns 'created', 'resumed', or 'conflict:<source>'.
 */
export const CREATE_BATCH = `
local fp = redis.call('HGET', KEYS[1], 'fingerprint')
if fp then
  if fp ~= ARGV[2] then return 'conflict:' .. (redis.call('HGET', KEYS[1], 'source') or '') end
  return 'resumed'
end
redis.call('HSET', KEYS[1], 'batchId', ARGV[1], 'fingerprint', ARGV[2], 'source', ARGV[3], 'rows', ARGV[4],
  'state', 'importing', 'createdAt', ARGV[5], 'looseIds', ARGV[6],
  'assigned', 0, 'already-member', 0, 'failed', 0, 'invalid', 0, 'duplicate', 0)
for i = 7, #ARGV, 2 do redis.call('HSET', KEYS[1], 'meta:' .. ARGV[i], ARGV[i + 1]) end
redis.call('ZADD', KEYS[2], ARGV[5], ARGV[1])
return 'created'
`;

// The rate log holds one entry per grant round, member `<round nonce>:<slots>`, scored with the round's stamp (µs,
// Redis' clock); the count key holds the sum of the slots of the entries in the log. One entry per round rather
// than one per slot: a round's slots always share one stamp anyway, and adding, re-stamping and trimming one entry
// per slot was most of the limiter's Redis time (a ZADD of 20 members into a 5,000-member set: ~55 µs here).
const RATE_LOG = `
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
-- returns how many slots left.
local function trim(logKey, countKey, before)
  local old = redis.call('ZRANGEBYSCORE', logKey, '-inf', before)
  if #old == 0 then return 0 end
  local n = 0
  for i = 1, #old do n = n + slotsOf(old[i]) end
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
`;

// Moves grant rounds to the moment the client worked out for each (its latest send, or a late answer less the
// slack; ARGV triples from `first`: round nonce, slots granted, age of that moment in µs at the call). Never earlier
// than before. An entry already trimmed (its request waited more than a window for a socket) is put back while that
// moment still falls inside the window, so later grants count it.
const RESTAMP = `
local function restamp(logKey, countKey, now, window, first)
  local moved = 0
  for i = first, #ARGV - 2, 3 do
    local member = ARGV[i] .. ':' .. ARGV[i + 1]
    local slots = tonumber(ARGV[i + 1])
    local stamp = now - tonumber(ARGV[i + 2])
    local old = redis.call('ZSCORE', logKey, member)
    if old then
      if stamp > tonumber(old) then
        redis.call('ZADD', logKey, stamp, member)
        moved = moved + slots
      end
    elseif stamp > now - window then
      used(logKey, countKey, window)
      add(logKey, countKey, stamp, member, slots)
      moved = moved + slots
    end
  end
  return moved
end
`;

/**
 * The global sliding-window limiter. Grants up to ARGV[2] request slots now if the log has room, all stamped with
 * Redis' own clock (one clock for every worker on every machine); each round is stamped again once its requests
 * are written to the socket, and later still if answered late (RESTAMP_SLOTS, or the re-stamps carried by this
 * call), so the log holds when requests reached the server as nearly as the client can tell, not when they were
 * allowed to. Besides the window (at most `limit` in any window), grants are paced: at most ceil(limit/10) in any
 * pace interval. Bursts of a whole window's worth of requests contend for sockets and CPU and reach the server with
 * uneven delays; paced ones arrive as sent. The pace counts grants (KEYS[4], one entry per round) rather than the
 * log, so moving a round's stamp later only keeps its slots longer, without holding back the next round.
 * The limit is the configured one, or lower while the learnt limit (KEYS[3], see LEARN_LIMIT) says the server
 * allows less; a limit learnt from bare 429s creeps back up by 2% of the configured one (at least 1) every two
 * windows without a 429; an announced one holds until the server announces another.
 * KEYS: rate log (see RATE_LOG), pause key, learnt-limit hash, pace log, slot count. ARGV: limit, wanted, windowUs
 * (slack included), nonce, paceUs, then re-stamps as nonce, slots, ageUs triples (applied first, whatever the answer).
 * Returns {granted, waitMs}: waitMs is how long until a slot frees up (or the pause ends) when none was granted.
 * Granted slots are the log entry `<nonce>:<granted>`.
 */
export const ACQUIRE_SLOTS = `${RATE_LOG}${RESTAMP}
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
`;

/**
 * Re-stamps grant rounds (see RESTAMP) when no grant round is due to carry them.
 * KEYS: rate log, slot count. ARGV: windowUs, then nonce, slots, ageUs triples. Returns how many slots moved.
 */
export const RESTAMP_SLOTS = `${RATE_LOG}${RESTAMP}
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local window = tonumber(ARGV[1])
local moved = restamp(KEYS[1], KEYS[2], now, window, 2)
if moved > 0 then keep(KEYS[1], KEYS[2], window) end
return moved
`;

/**
 * Learns that the server allows less than configured. With a limit announced by the server (RateLimit-Limit or
 * X-RateLimit-Limit), that limit is taken as it is. Without one (a bare 429), the current limit shrinks by a quarter,
 * at most once per window: the 429s of one overload episode arrive together and must count once.
 * KEYS: learnt-limit hash. ARGV: configured limit, announced limit or '', windowUs. Returns the limit now in force.
 */
export const LEARN_LIMIT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local configured, announced, window = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local current = tonumber(redis.call('HGET', KEYS[1], 'limit') or '') or configured
if announced then
  local n = math.min(configured, announced)
  if n >= configured then
    redis.call('DEL', KEYS[1])
  else
    redis.call('HSET', KEYS[1], 'limit', tostring(n), 'changedAt', now, 'announced', 1)
    redis.call('PEXPIRE', KEYS[1], 3600000)
  end
  return tostring(n)
end
local changed = tonumber(redis.call('HGET', KEYS[1], 'changedAt') or '0')
if now - changed < window then return tostring(current) end
local n = math.max(1, current * 0.75)
redis.call('HSET', KEYS[1], 'limit', tostring(n), 'changedAt', now)
redis.call('HDEL', KEYS[1], 'announced')
redis.call('PEXPIRE', KEYS[1], 3600000)
return tostring(n)
`;

/** Extends the global pause to at least ARGV[1] ms from now; never shortens it. KEYS: pause key. */
export const EXTEND_PAUSE = `
local ms = tonumber(ARGV[1])
local cur = redis.call('PTTL', KEYS[1])
if cur < ms then redis.call('SET', KEYS[1], '1', 'PX', ms) end
return ms
`;
