-- toolgate-state Redis backend: helpers shared by every script (see src/redis/mod.rs).
--
-- Common arguments: KEYS[1] = pending index, KEYS[2] = expired index; ARGV[1] = now (µs
-- since the Unix epoch, from the gateway's clock), ARGV[2] = grace added to every key
-- expiry (ms), ARGV[3..5] = key bases of counters, rolling logs and reservations.
--
-- Numbers: Lua numbers are doubles, exact for integers below 2^53 (amounts are at most
-- 2^51 units, times about 2^51 µs). Lua turns a number into text with "%.14g", which
-- would round them, so every number sent back to Redis goes through fmt().

local now = tonumber(ARGV[1])
local grace = tonumber(ARGV[2])
local cbase, lbase, rbase = ARGV[3], ARGV[4], ARGV[5]
local pidx, xidx = KEYS[1], KEYS[2]

local function fmt(n)
  return string.format('%d', n)
end

-- A reply field as a number; nil for a missing field (Redis gives false).
local function num(v)
  if v then return tonumber(v) end
  return nil
end

-- Extends `key`'s expiry to `until_us` (gateway time) plus the grace; never shortens it.
local function keep(key, until_us)
  local ms = math.floor((until_us - now) / 1000) + grace
  if ms < 1 then ms = 1 end
  local cur = redis.call('PTTL', key)
  if cur == -1 or (cur >= 0 and cur < ms) then
    redis.call('PEXPIRE', key, fmt(ms))
  end
end

-- A reservation entry as stored: kind|len|at|units|max|off|hkey. kind is c (calendar) or
-- r (rolling); len the window length (µs); at the calendar window's start or the rolling
-- entry's time; off where the caller's key starts inside hkey (the counter's hash key).
local function decode(v)
  local kind, len, at, units, max, off, hkey =
    string.match(v, '^(%a)|(%d+)|(%-?%d+)|(%d+)|(%d+)|(%d+)|(.*)$')
  return {
    kind = kind, len = tonumber(len), at = tonumber(at), units = tonumber(units),
    max = tonumber(max), off = tonumber(off), hkey = hkey,
  }
end

local function logkey(hkey)
  return lbase .. string.sub(hkey, #cbase + 1)
end

-- Rolling-log member of entry `idx` of reservation `seq`; its units ride along.
local function member(seq, idx, units)
  return seq .. ':' .. fmt(idx) .. ':' .. fmt(units)
end

local function member_units(m)
  return tonumber(string.match(m, ':(%d+)$'))
end

local function member_seq(m)
  return string.match(m, '^([^:]+):')
end

-- Units used in the calendar window starting at `start` (0 if the hash holds another).
local function cal_used(hkey, start)
  local v = redis.call('HMGET', hkey, 'start', 'used')
  if v[1] and tonumber(v[1]) == start then return tonumber(v[2]) end
  return 0
end

-- Start of the calendar window the hash holds if it is the current one, else nil.
local function cal_current(hkey, len)
  local start = num(redis.call('HGET', hkey, 'start'))
  if start and start <= now and now < start + len then return start end
  return nil
end

-- Rolling entries still in the window (now - len, now], oldest first: {ts, units, member}.
local function live(lkey, len)
  local r = redis.call('ZRANGEBYSCORE', lkey, '(' .. fmt(now - len), '+inf', 'WITHSCORES')
  local out = {}
  for i = 1, #r, 2 do
    out[#out + 1] = {tonumber(r[i + 1]), member_units(r[i]), r[i]}
  end
  return out
end

local function roll_used(lkey, len)
  local sum = 0
  for _, e in ipairs(live(lkey, len)) do sum = sum + e[2] end
  return sum
end

-- Adds units to the calendar window [start, start + len); a hash holding another window
-- is restarted. `pending` also counts them in the window's pending total.
local function cal_add(hkey, start, len, units, max, pending)
  if num(redis.call('HGET', hkey, 'start')) ~= start then
    redis.call('HSET', hkey, 'start', fmt(start), 'used', '0', 'pend', '0')
  end
  redis.call('HINCRBY', hkey, 'used', fmt(units))
  if pending then redis.call('HINCRBY', hkey, 'pend', fmt(units)) end
  redis.call('HSET', hkey, 'max', fmt(max))
  keep(hkey, start + len)
end

local function roll_add(hkey, at, len, m, max)
  local lkey = logkey(hkey)
  redis.call('ZADD', lkey, fmt(at), m)
  redis.call('HSET', hkey, 'max', fmt(max))
  keep(lkey, at + len)
  keep(hkey, at + len)
end

-- Takes units out of the calendar total (and pending total) if the window is still the
-- one the hash holds; a window that ended keeps its count.
local function cal_take(hkey, at, units, from_used)
  local v = redis.call('HMGET', hkey, 'start', 'used', 'pend')
  if v[1] and tonumber(v[1]) == at then
    local pend = math.max(tonumber(v[3] or 0) - units, 0)
    redis.call('HSET', hkey, 'pend', fmt(pend))
    if from_used then
      redis.call('HSET', hkey, 'used', fmt(math.max(tonumber(v[2] or 0) - units, 0)))
    end
  end
end

-- Gives back what entry `idx` of reservation `seq` added.
local function refund(seq, idx, e)
  if e.kind == 'c' then
    cal_take(e.hkey, e.at, e.units, true)
  else
    redis.call('ZREM', logkey(e.hkey), member(seq, idx, e.units))
  end
end

-- Counts an expired (already refunded) entry again, in a window still open.
local function reapply(seq, idx, e)
  if e.kind == 'c' then
    if e.at <= now and now < e.at + e.len then
      cal_add(e.hkey, e.at, e.len, e.units, e.max, false)
    end
  elseif e.at + e.len > now then
    roll_add(e.hkey, e.at, e.len, member(seq, idx, e.units), e.max)
  end
end

-- A reservation: {state = 'p' | 'x', deadline, entries = {[idx] = entry}} or nil.
local function load(seq)
  local h = redis.call('HGETALL', rbase .. seq)
  if #h == 0 then return nil end
  local r = {entries = {}}
  for i = 1, #h, 2 do
    local f, v = h[i], h[i + 1]
    if f == 's' then
      r.state = v
    elseif f == 'd' then
      r.deadline = tonumber(v)
    elseif string.sub(f, 1, 1) == 'e' then
      r.entries[tonumber(string.sub(f, 2))] = decode(v)
    end
  end
  return r
end

-- Refunds a pending reservation whose TTL has passed; keeps it as a tombstone (state x)
-- until its last window closes, so a late commit can still count.
local function expire(seq, r)
  redis.call('ZREM', pidx, seq)
  local dead
  for idx, e in pairs(r.entries) do
    refund(seq, idx, e)
    local d = e.at + e.len
    if not dead or d > dead then dead = d end
  end
  if dead and dead > now then
    redis.call('HSET', rbase .. seq, 's', 'x')
    redis.call('ZADD', xidx, fmt(dead), seq)
    keep(xidx, dead)
  else
    redis.call('DEL', rbase .. seq)
  end
end

-- At the top of every script: refunds reservations past their TTL and forgets tombstones
-- whose windows have all closed. Bounded per call so one script never runs long; what is
-- left (only after a long outage) is taken by the next calls.
local SWEEP_BATCH = 1000
local function sweep()
  local swept = 0
  local due = redis.call('ZRANGEBYSCORE', pidx, '-inf', fmt(now), 'LIMIT', 0, SWEEP_BATCH)
  for _, seq in ipairs(due) do
    local r = load(seq)
    if r and r.state == 'p' then
      expire(seq, r)
      swept = swept + 1
    else
      redis.call('ZREM', pidx, seq)
    end
  end
  local gone = redis.call('ZRANGEBYSCORE', xidx, '-inf', fmt(now), 'LIMIT', 0, SWEEP_BATCH)
  for _, seq in ipairs(gone) do
    redis.call('ZREM', xidx, seq)
    local r = load(seq)
    if r and r.state == 'x' then redis.call('DEL', rbase .. seq) end
  end
  return swept
end
