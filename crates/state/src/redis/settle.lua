
-- settle: KEYS[3] = the reservation's hash; ARGV[6] = reservation id, ARGV[7] = 'commit'
-- or 'refund'. Reply: {swept, outcome} with outcome 0 = not pending, 1 = committed,
-- 2 = refunded, 3 = committed after expiry.
local swept = sweep()
local seq, commit = ARGV[6], ARGV[7] == 'commit'
local r = load(seq)
if r and r.state == 'p' and r.deadline <= now then
  -- Past its TTL but not reached by the bounded sweep: expire it first, like the sweep would.
  expire(seq, r)
  swept = swept + 1
  r = load(seq)
end
if not r then return {swept, 0} end
local outcome = 0
if r.state == 'p' then
  redis.call('ZREM', pidx, seq)
  if commit then
    -- Calendar amounts stay in the totals and leave the pending total; rolling entries
    -- stay in their logs and are final once the reservation is gone.
    for _, e in pairs(r.entries) do
      if e.kind == 'c' then cal_take(e.hkey, e.at, e.units, false) end
    end
    outcome = 1
  else
    for idx, e in pairs(r.entries) do refund(seq, idx, e) end
    outcome = 2
  end
else
  redis.call('ZREM', xidx, seq)
  if commit then
    for idx, e in pairs(r.entries) do reapply(seq, idx, e) end
    outcome = 3
  end
end
redis.call('DEL', KEYS[3])
return {swept, outcome}
