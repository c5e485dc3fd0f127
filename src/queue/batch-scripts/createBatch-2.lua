--[[
  Creates a batch record or recognises a re-import of the same file. Refuses a different file under the same id.
    KEYS[1] batch hash
    KEYS[2] batches index (sorted set by creation time)
    ARGV[1] batch id
    ARGV[2] file fingerprint
    ARGV[3] source path
    ARGV[4] data rows in the file
    ARGV[5] now, ms since epoch
    ARGV[6] looseIds (1/0)
    ARGV[7...] extra field/value pairs, stored as meta:<field>
  Returns:
    'created', 'resumed', or 'conflict:<source of the batch already there>'.
]]
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
