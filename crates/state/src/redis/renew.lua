
-- renew: KEYS[3] = the reservation's hash; ARGV[6] = reservation id, ARGV[7] = the deadline
-- asked for (µs, the gateway's now + its TTL). Reply: {swept, 0} not pending (settled,
-- expired, or unknown); {swept, 1, deadline} still pending until `deadline` (the one asked
-- for, or the stored one if that is later: a deadline never moves earlier).
local swept = sweep()
local seq, want = ARGV[6], tonumber(ARGV[7])
local r = load(seq)
if r and r.state == 'p' and r.deadline <= now then
  -- Past its TTL but not reached by the bounded sweep: expire it like the sweep would, so
  -- its refund stands and it is never revived.
  expire(seq, r)
  swept = swept + 1
  r = load(seq)
end
if not r or r.state ~= 'p' then return {swept, 0} end
local deadline = r.deadline
if want > deadline then
  deadline = want
  redis.call('HSET', KEYS[3], 'd', ARGV[7])
  redis.call('ZADD', pidx, ARGV[7], seq)
end
-- The claims stay as they are (same windows, same rolling times); only the hash and the
-- pending index must outlive the new deadline.
keep(KEYS[3], deadline)
keep(pidx, deadline)
return {swept, 1, deadline}
