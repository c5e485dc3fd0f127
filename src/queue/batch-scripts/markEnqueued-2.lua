--[[
  After an import's addBulk: its rows' outcome bytes go from 0 (pending, never queued) to 'e' (pending, queued), so
  an import of the same batch run later (or waiting on this one's lock) knows they are queued and does not count
  them as its own again. Rows that already have an outcome (a worker was quicker) are left as they are. Marking after
  the jobs exist means a crash in between only makes a re-run count those rows again, never lose one.
    KEYS[1] batch hash (the expiry the outcomes string takes; nothing is written when it is gone)
    KEYS[2] outcomes string (one byte per file line)
    ARGV[1...] lines
  Returns:
    the number of rows marked, or -1 when the batch hash does not exist.
]]
--- @include "keepLikeBatch"

if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local marked = 0
for i = 1, #ARGV do
  local line = tonumber(ARGV[i])
  local old = redis.call('GETRANGE', KEYS[2], line, line)
  if old == '' or old == '\0' then
    redis.call('SETRANGE', KEYS[2], line, 'e')
    marked = marked + 1
  end
end
if marked > 0 then keepLikeBatch(KEYS[1], KEYS[2]) end
return marked
