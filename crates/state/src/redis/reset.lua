
-- reset: KEYS[3..] = counter hashes whose keys start with the prefix (found by SCAN);
-- ARGV[5 + j] = the window of KEYS[2 + j] as kind|len; ARGV[6 + #KEYS - 2] = the prefix.
-- Reply: {swept, removed}, removed = how many had usage in their current window.
local swept = sweep()
local n = #KEYS - 2
local prefix = ARGV[6 + n]
local removed = 0
for j = 1, n do
  local hkey = KEYS[2 + j]
  local kind, len = string.match(ARGV[5 + j], '^(%a)|(%d+)$')
  len = tonumber(len)
  local used = 0
  if kind == 'c' then
    local start = cal_current(hkey, len)
    if start then used = cal_used(hkey, start) end
  else
    used = roll_used(logkey(hkey), len)
  end
  if used > 0 then removed = removed + 1 end
  redis.call('DEL', hkey, logkey(hkey))
end

-- Forget the claims of live reservations on counters that are gone, so a later refund or
-- late commit cannot touch a fresh counter of the same name. A counter created after the
-- SCAN (by a concurrent reserve) still exists and keeps its claims.
for _, idx in ipairs({pidx, xidx}) do
  for _, seq in ipairs(redis.call('ZRANGE', idx, 0, -1)) do
    local rkey = rbase .. seq
    local h = redis.call('HGETALL', rkey)
    for i = 1, #h, 2 do
      if string.sub(h[i], 1, 1) == 'e' then
        local e = decode(h[i + 1])
        if string.sub(e.hkey, e.off, e.off + #prefix - 1) == prefix
          and redis.call('EXISTS', e.hkey) == 0 then
          redis.call('HDEL', rkey, h[i])
        end
      end
    end
  end
end
return {swept, removed}
