--[[
  Re-stamps grant rounds (see includes/restamp.lua) and hands back slots granted ahead and never sent
  (includes/giveBack.lua) when no grant round is due to carry them.
    KEYS[1] rate log
    KEYS[2] slot count
    KEYS[3] rate log tail (entries trimmed from KEYS[1] lately)
    ARGV[1] window in µs, slack included
    ARGV[2] k, then k triples of slots handed back, then re-stamps as nonce, slots, ageUs triples
  Returns:
    how many slots moved.
]]
--- @include "restamp"
--- @include "giveBack"

local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local window = tonumber(ARGV[1])
local restamps, handedBack = giveBack(KEYS[1], KEYS[2], 2)
local moved = restamp(KEYS[1], KEYS[2], KEYS[3], now, window, restamps)
if moved > 0 or handedBack > 0 then keep(KEYS[1], KEYS[2], window) end
return moved
