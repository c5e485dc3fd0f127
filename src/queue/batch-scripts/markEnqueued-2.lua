--[[
  After an import's addBulk: its rows' outcome bytes go from 0 (pending, never queued) to 'e' (pending, queued), so
  an import of the same batch run later (or waiting on this one's lock) knows they are queued and does not count
  them as its own again. Rows that already have an outcome (a worker was quicker) are left as they are. Marking after
  the jobs exist means a crash in between only makes a re-run count those rows again, never lose one.
  The lines come as runs of consecutive lines, as an import's chunks hold them: one GETRANGE and one SETRANGE per run
  of still-pending rows instead of two calls per row (a million-row import sends 4,000 of these calls).
    KEYS[1] batch hash (the expiry the outcomes string takes; nothing is written when it is gone)
    KEYS[2] outcomes string (one byte per file line)
    ARGV[1...] pairs: first line of a run, number of lines in it (runs do not overlap)
  Returns:
    the number of rows marked, or -1 when the batch hash does not exist.
]]
--- @include "keepLikeBatch"

if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local marked = 0
local function mark(from, count)
  if count > 0 then
    redis.call('SETRANGE', KEYS[2], from, string.rep('e', count))
    marked = marked + count
  end
end
for i = 1, #ARGV, 2 do
  local first = tonumber(ARGV[i])
  local count = tonumber(ARGV[i + 1])
  local old = redis.call('GETRANGE', KEYS[2], first, first + count - 1)
  -- A stretch of pending rows starts at `from`; a row with an outcome ends it.
  local from = first
  for line = first, first + count - 1 do
    local byte = string.byte(old, line - first + 1)
    if byte ~= nil and byte ~= 0 then
      mark(from, line - from)
      from = line + 1
    end
  end
  mark(from, first + count - from)
end
if marked > 0 then keepLikeBatch(KEYS[1], KEYS[2]) end
return marked
