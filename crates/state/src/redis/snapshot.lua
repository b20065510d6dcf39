
-- snapshot: KEYS[3..] = counter hashes (found by SCAN); ARGV[5 + j] = the window of
-- KEYS[2 + j] as kind|len. Reply: {swept, {{j - 1, used, pending, start or 0, end, max},
-- ...}} for the counters with usage in their current window.
local swept = sweep()
local out = {}
for j = 1, #KEYS - 2 do
  local hkey = KEYS[2 + j]
  local kind, len = string.match(ARGV[5 + j], '^(%a)|(%d+)$')
  len = tonumber(len)
  local h = redis.call('HMGET', hkey, 'max', 'start', 'used', 'pend')
  local max = num(h[1])
  if max and kind == 'c' then
    local start = num(h[2])
    local used = num(h[3]) or 0
    if start and start <= now and now < start + len and used > 0 then
      out[#out + 1] = {j - 1, used, num(h[4]) or 0, start, start + len, max}
    end
  elseif max then
    local used, pending, newest = 0, 0, nil
    for _, x in ipairs(live(logkey(hkey), len)) do
      used = used + x[2]
      if redis.call('ZSCORE', pidx, member_seq(x[3])) then pending = pending + x[2] end
      if not newest or x[1] > newest then newest = x[1] end
    end
    if newest and used > 0 then
      out[#out + 1] = {j - 1, used, pending, 0, newest + len, max}
    end
  end
end
return {swept, out}
