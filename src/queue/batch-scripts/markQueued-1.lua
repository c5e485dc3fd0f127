--[[
  After a retry's jobs are enqueued: 'r' (reset, no job yet) becomes 'q' (queued), so running `retry` again does not
  enqueue the row twice. A row that already has its new outcome is left alone.
    KEYS[1] outcomes string (one byte per file line)
    ARGV[1...] lines
  Returns:
    the number of lines given.
]]
for i = 1, #ARGV do
  local line = tonumber(ARGV[i])
  if redis.call('GETRANGE', KEYS[1], line, line) == 'r' then redis.call('SETRANGE', KEYS[1], line, 'q') end
end
return #ARGV
