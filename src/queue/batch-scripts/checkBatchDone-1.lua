--[[
  Stamps finishedAt when the import has finished and every row has an outcome (after an import whose rows were all
  recorded before it ended).
    KEYS[1] batch hash
    ARGV[1] now, ms since epoch
  Returns:
    1 when this call finished the batch, else 0.
]]
--- @include "checkDone"

return checkDone(KEYS[1], ARGV[1])
