
-- reserve: KEYS[3] = the new reservation's hash; then per request j the counter's hash
-- (KEYS[2 + 2j]) and rolling log (KEYS[3 + 2j]). ARGV[6] = reservation id, ARGV[7] =
-- deadline (µs), ARGV[8] = number of requests, ARGV[8 + j] = request j as an entry.
-- Reply: {swept, 1} granted; {swept, 0, index, used, retry_after_us or -1} limited;
-- {swept, 2} the id is taken (the caller draws another).
local swept = sweep()
local rkey, seq, deadline = KEYS[3], ARGV[6], tonumber(ARGV[7])
if redis.call('EXISTS', rkey) == 1 then return {swept, 2} end
local n = tonumber(ARGV[8])
local es = {}
for j = 1, n do es[j] = decode(ARGV[8 + j]) end

-- Check every request before writing anything (all-or-nothing). Requests for the same
-- counter in one call add up; the counter's hash key names it.
local claimed = {}
for j = 1, n do
  local e, hkey = es[j], KEYS[2 + 2 * j]
  local used
  if e.kind == 'c' then
    used = cal_used(hkey, e.at)
  else
    used = roll_used(KEYS[3 + 2 * j], e.len)
  end
  local prior = claimed[hkey] or 0
  if used + prior + e.units <= e.max then
    claimed[hkey] = prior + e.units
  else
    local own = prior + e.units
    local retry = -1
    if own <= e.max then
      if e.kind == 'c' then
        retry = e.at + e.len - now
      else
        -- When the oldest entries holding enough units have left the window.
        local need, freed = used + own - e.max, 0
        retry = e.len
        for _, x in ipairs(live(KEYS[3 + 2 * j], e.len)) do
          freed = freed + x[2]
          if freed >= need then
            retry = x[1] + e.len - now
            break
          end
        end
      end
      if retry < 0 then retry = 0 end
    end
    return {swept, 0, j - 1, used + prior, retry}
  end
end

-- Everything fits: charge it and record the claims.
local fields = {'s', 'p', 'd', ARGV[7]}
local last = deadline
for j = 1, n do
  local e, hkey = es[j], KEYS[2 + 2 * j]
  if e.kind == 'c' then
    cal_add(hkey, e.at, e.len, e.units, e.max, true)
  else
    redis.call('ZREMRANGEBYSCORE', KEYS[3 + 2 * j], '-inf', fmt(now - e.len))
    roll_add(hkey, e.at, e.len, member(seq, j - 1, e.units), e.max)
  end
  fields[#fields + 1] = 'e' .. fmt(j - 1)
  fields[#fields + 1] = ARGV[8 + j]
  if e.at + e.len > last then last = e.at + e.len end
end
redis.call('HSET', rkey, unpack(fields))
keep(rkey, last)
redis.call('ZADD', pidx, ARGV[7], seq)
keep(pidx, last)
return {swept, 1}
