/**
 * The Lua scripts of the Redis stores. Each runs atomically on the server (Redis executes one
 * script at a time), which is what makes `rotate` a compare-and-set across processes.
 *
 * Every script gets `ARGV[1]` = the write fence (milliseconds, see `RedisExecutor`) and
 * `ARGV[2]` = the key prefix; writes return `{'late'}` and change nothing past the fence.
 *
 * Keys of the refresh-token store (contract v2), under the prefix `p`:
 * - `p..'rt:family:'..familyId`: HASH, one per family, the whole session: `subject`, `hash` (of the
 *   current token), `tag` (the tag key), `gen`, `created`, `rotated`, `expires`, `idle`, `claims`
 *   (JSON), `jkt`, `seq` (see below), and `revoked` = the first reason once revoked; an empty
 *   string stands for `null`. A family of contract v1 has only `subject` and `revoked` here (no
 *   `gen`: no state of contract v2) until `adoptLegacy` adds the rest, keeping `revoked`.
 *   TTL: `expiresAt` plus {@link FAMILY_GRACE_SECONDS}, measured from the call. Rotations rewrite
 *   five fields in place: nothing grows with the number of rotations.
 * - `p..'rt:subject-state:'..subject`: HASH `seq` (the last sequence number given to a family of
 *   the subject at `insert`), `legacy` (the last, negative, number given to a family of contract
 *   v1 entering the index: it predates every cut-off), and once `revokeSubject` ran, `cutoff` (a
 *   `seq`) and `reason`: every family with `seq <= cutoff` reads as revoked with `reason`, and
 *   `rotate` refuses it (and flags it), even before the batches of `revokeSubject` have reached it.
 *   A family inserted later gets a larger `seq`, so a login right after a logout-everywhere works,
 *   within the same second too.
 * - `p..'rt:subject-families:'..subject`: ZSET familyId → `seq`: every family of the subject,
 *   revoked or not, until it expires (so `revokeSubject` can answer the ones revoked before).
 *   `revokeSubject` walks it in batches of at most `batch` families, by `seq`, up to its cutoff.
 * - `p..'rt:subject-live:'..subject`: ZSET familyId → `created`, and
 *   `p..'rt:subject-live-expiry:'..subject`: ZSET familyId → `expires`: the subject's families not
 *   revoked (a revocation removes them). The session cap counts them with one `ZCOUNT` of the
 *   second (expiry after the new family's `created`); only over the cap does it read them, oldest
 *   first by the first (`created`, then familyId: the order of a ZSET's ties), dropping those past
 *   their idle expiry, and revoke the oldest. It never reads a revoked family. The four subject
 *   keys live as long as the subject's longest-lived family.
 *
 * No script reads or writes more families than its `batch` argument (the store passes 500), but
 * the new one of an insert; `revokeSubject`, a cap over `batch` live families and `deleteExpired`
 * go on in further scripts.
 * - `p..'rt:family-expiry'`: ZSET `familyId..' '..subject` → `expires`, read by `deleteExpired`
 *   (the caller's clock decides expiry, so the TTLs alone cannot serve it). No TTL.
 *
 * Keys of contract v1, read (and trimmed by `deleteExpired`) until they expire, never written
 * anew: `p..'rt:token:'..hash` (HASH `subject`, `family`, `parent`, `created`, `expires`, `idle`,
 * `claims`, `used`), `p..'rt:family-tokens:'..familyId` (SET of hashes), `p..'rt:subject:'..subject`
 * (SET of family ids; `revokeSubject` moves them into `rt:subject-families:` in batches, with
 * negative numbers from `legacy`), `p..'rt:expiry'` (ZSET hash → `expires`).
 *
 * Keys of the revocation store:
 * - `p..'revoked:jti:'..jti` and `p..'revoked:session:'..sid`: STRING `expiresAt` of a revoked
 *   access-token id or session. TTL: until `expiresAt`, measured from the call (`expiresAt - now`).
 * - `p..'revoked:cutoff:'..subject`: STRING `'<cutoff> <expiresAt>'`. TTL as for a jti.
 * - `p..'revoked:jti-expiry'`, `p..'revoked:session-expiry'` and `p..'revoked:cutoff-expiry'`:
 *   ZSETs id (subject) → `expiresAt`, read by `deleteExpired` (as `rt:family-expiry` is).
 *
 * @module
 * @internal
 */
import { luaScript, type LuaScript } from './client.js';

/**
 * How long a family's key outlives its `expiresAt` (seconds), so that a token presented just
 * after expiry reads as `expired` rather than `unknown` (see `RefreshTokenStore.deleteExpired`).
 * @internal
 */
export const FAMILY_GRACE_SECONDS = 60;

/** Shared functions: the fence, TTLs, the key names of a subject, and reading a family. */
const PRELUDE = `
local GRACE = ${FAMILY_GRACE_SECONDS}
local function fenced()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) > tonumber(ARGV[1])
end
local function extend(key, ttl)
  if redis.call('TTL', key) < ttl then redis.call('EXPIRE', key, ttl) end
end
-- Sets a string key to value with a TTL of at least ttl seconds, never shortening the TTL it had.
local function put(key, value, ttl)
  ttl = math.max(1, math.ceil(ttl), redis.call('TTL', key))
  redis.call('SET', key, value, 'EX', ttl)
end
local function fields(flat)
  local map = {}
  for i = 1, #flat, 2 do map[flat[i]] = flat[i + 1] end
  return map
end
-- state, families (by seq), live (by created), live (by expires)
local function subjectKeys(p, subject)
  return p .. 'rt:subject-state:' .. subject, p .. 'rt:subject-families:' .. subject,
    p .. 'rt:subject-live:' .. subject, p .. 'rt:subject-live-expiry:' .. subject
end
local function familyKey(p, id)
  return p .. 'rt:family:' .. id
end
-- Why a family reads as revoked: its own flag, or its subject's cut-off when that covers its seq.
local function revokedReason(p, family)
  if family.revoked then return family.revoked end
  if not family.seq then return false end
  local state = redis.call('HMGET', p .. 'rt:subject-state:' .. family.subject, 'cutoff', 'reason')
  if state[1] and tonumber(family.seq) <= tonumber(state[1]) then return state[2] end
  return false
end
-- Takes a family out of its subject's live sets (it was revoked, or it is gone).
local function unlive(p, subject, id)
  local _, _, live, liveExpiry = subjectKeys(p, subject)
  redis.call('ZREM', live, id)
  redis.call('ZREM', liveExpiry, id)
end
-- Enforces the subject's cap at time at (the new family's created): revokes the oldest live
-- families but newId with session_limit until max remain. Live: not revoked (by its flag or the
-- subject's cut-off), not past its absolute or idle expiry. The live sets leave out revoked
-- families, so one ZCOUNT (families not past their absolute expiry) answers "at most max" without
-- reading any family. Otherwise each live entry is read once, oldest first (idle expiry, cut-off),
-- dropping those no longer live, then the oldest are revoked. At most batch families are read or
-- revoked per call: 'more', with checked (how many entries, oldest first, were found live), lets
-- the next call go on. → {'ok', 'done' or 'more', checked, id, expires, ...}
local function enforceCap(p, subject, newId, at, max, batch, checked)
  local state, _, live, liveExpiry = subjectKeys(p, subject)
  local gone = redis.call('ZRANGEBYSCORE', liveExpiry, '-inf', at, 'LIMIT', 0, batch)
  if #gone > 0 then
    redis.call('ZREM', live, unpack(gone))
    redis.call('ZREM', liveExpiry, unpack(gone))
  end
  local out = {'ok', 'done', '0'}
  if redis.call('ZCOUNT', liveExpiry, '(' .. at, '+inf') <= max then return out end
  local cut = redis.call('HMGET', state, 'cutoff', 'reason')
  local budget, seen = batch, {}
  while budget > 0 do
    local page = redis.call('ZRANGE', live, checked, checked + budget - 1)
    if #page == 0 then break end
    for _, id in ipairs(page) do
      budget = budget - 1
      seen[id] = true
      local key = familyKey(p, id)
      local f = redis.call('HMGET', key, 'expires', 'idle', 'revoked', 'seq')
      local covered = cut[1] and f[4] and tonumber(f[4]) <= tonumber(cut[1])
      if f[1] and tonumber(f[1]) > at and (f[2] == '' or tonumber(f[2]) > at) and not f[3] and not covered then
        checked = checked + 1
      else
        if covered and not f[3] then redis.call('HSETNX', key, 'revoked', cut[2]) end
        unlive(p, subject, id)
      end
    end
  end
  if budget == 0 and redis.call('ZCARD', live) > checked then
    out[2], out[3] = 'more', tostring(checked)
    return out
  end
  local excess = redis.call('ZCOUNT', liveExpiry, '(' .. at, '+inf') - max
  local kept = 0
  while excess > 0 do
    local page = redis.call('ZRANGE', live, kept, kept + math.min(excess, batch))
    if #page == 0 then break end
    for _, id in ipairs(page) do
      if id == newId then
        kept = kept + 1
      else
        if not seen[id] then
          if budget == 0 then
            out[2], out[3] = 'more', tostring(redis.call('ZCARD', live))
            return out
          end
          budget = budget - 1
        end
        local key = familyKey(p, id)
        if redis.call('EXISTS', key) == 1 then redis.call('HSETNX', key, 'revoked', 'session_limit') end
        out[#out + 1] = id
        out[#out + 1] = redis.call('ZSCORE', liveExpiry, id)
        unlive(p, subject, id)
        excess = excess - 1
        if excess == 0 then break end
      end
    end
  end
  return out
end
-- The expiry of a family of contract v1 (every token of a v1 family has its family's expiry).
local function legacyExpiry(p, id)
  local hash = redis.call('SRANDMEMBER', p .. 'rt:family-tokens:' .. id)
  if not hash then return false end
  return redis.call('HGET', p .. 'rt:token:' .. hash, 'expires')
end
`;

/**
 * ARGV: fence, prefix, familyId, subject, hash, tag, created, expires, idle, claims, jkt, max,
 * batch. Stores the family, then enforces the cap. → {'exists'} | enforceCap's reply
 */
export const INSERT_SCRIPT: LuaScript = luaScript(`${PRELUDE}
if fenced() then return {'late'} end
local p, id, subject = ARGV[2], ARGV[3], ARGV[4]
local key = familyKey(p, id)
if redis.call('EXISTS', key) == 1 then return {'exists'} end
local created, expires = tonumber(ARGV[7]), tonumber(ARGV[8])
local ttl = math.max(1, expires - created) + GRACE
local state, families, live, liveExpiry = subjectKeys(p, subject)
local seq = redis.call('HINCRBY', state, 'seq', 1)
redis.call('HSET', key, 'subject', subject, 'hash', ARGV[5], 'tag', ARGV[6], 'gen', '0', 'created', ARGV[7],
  'rotated', '', 'expires', ARGV[8], 'idle', ARGV[9], 'claims', ARGV[10], 'jkt', ARGV[11], 'seq', seq)
redis.call('EXPIRE', key, ttl)
redis.call('ZADD', families, seq, id)
redis.call('ZADD', live, created, id)
redis.call('ZADD', liveExpiry, expires, id)
redis.call('ZADD', p .. 'rt:family-expiry', expires, id .. ' ' .. subject)
for _, k in ipairs({state, families, live, liveExpiry}) do extend(k, ttl) end
return enforceCap(p, subject, id, created, tonumber(ARGV[12]), tonumber(ARGV[13]), 0)
`);

/** ARGV: fence, prefix, subject, newId, at, max, batch, checked. Continues an insert's cap. → enforceCap's reply */
export const ENFORCE_CAP_SCRIPT: LuaScript = luaScript(`${PRELUDE}
if fenced() then return {'late'} end
return enforceCap(ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8]))
`);

/** ARGV: fence, prefix, familyId. → {'none'} | {'found', revokedReason or '', ...HGETALL} (reads only) */
export const FIND_SCRIPT: LuaScript = luaScript(`${PRELUDE}
local p = ARGV[2]
local flat = redis.call('HGETALL', familyKey(p, ARGV[3]))
local family = fields(flat)
if not family.gen then return {'none'} end
return {'found', revokedReason(p, family) or '', unpack(flat)}
`);

/**
 * ARGV: fence, prefix, familyId, generation, hash, now, then the successor: hash, idle, claims.
 * → {'unknown'} | {status, revokedReason or '', ...HGETALL of the family after the call}, status one
 * of revoked | used | expired | rotated. Writes the family key only (it reads the subject's cut-off).
 */
export const ROTATE_SCRIPT: LuaScript = luaScript(`${PRELUDE}
if fenced() then return {'late'} end
local p = ARGV[2]
local key = familyKey(p, ARGV[3])
local flat = redis.call('HGETALL', key)
local family = fields(flat)
if not family.gen then return {'unknown'} end
local generation, presented = tonumber(family.gen), tonumber(ARGV[4])
if presented > generation or (presented == generation and family.hash ~= ARGV[5]) then return {'unknown'} end
local reason = revokedReason(p, family)
if reason then
  if not family.revoked then redis.call('HSET', key, 'revoked', reason) end
  return {'revoked', reason, unpack(flat)}
end
if presented < generation then return {'used', '', unpack(flat)} end
local now = tonumber(ARGV[6])
if now >= tonumber(family.expires) or (family.idle ~= '' and now >= tonumber(family.idle)) then
  return {'expired', '', unpack(flat)}
end
redis.call('HINCRBY', key, 'gen', 1)
redis.call('HSET', key, 'hash', ARGV[7], 'idle', ARGV[8], 'claims', ARGV[9], 'rotated', ARGV[6])
return {'rotated', '', unpack(redis.call('HGETALL', key))}
`);

/**
 * ARGV: fence, prefix, familyId, reason. Sets the family's first reason if the family exists (of
 * contract v1 too), and takes it out of its subject's live sets.
 */
export const REVOKE_FAMILY_SCRIPT: LuaScript = luaScript(`${PRELUDE}
if fenced() then return {'late'} end
local p = ARGV[2]
local key = familyKey(p, ARGV[3])
local family = fields(redis.call('HGETALL', key))
if not family.subject then return {'ok'} end
redis.call('HSETNX', key, 'revoked', revokedReason(p, family) or ARGV[4])
if family.gen then unlive(p, family.subject, ARGV[3]) end
return {'ok'}
`);

/**
 * ARGV: fence, prefix, subject, reason. The first step of revokeSubject: sets the subject's cut-off
 * to its last `seq`, so that no family inserted before can rotate from now on. Touches no family.
 * → {'ok', cutoff} | {'ok', 'none'} when the subject has no family of either contract.
 */
export const REVOKE_SUBJECT_START_SCRIPT: LuaScript = luaScript(`${PRELUDE}
if fenced() then return {'late'} end
local p = ARGV[2]
local state = subjectKeys(p, ARGV[3])
local legacyTtl = redis.call('TTL', p .. 'rt:subject:' .. ARGV[3])
if redis.call('EXISTS', state) == 0 and legacyTtl == -2 then return {'ok', 'none'} end
local cutoff = redis.call('HGET', state, 'seq') or '0'
redis.call('HSET', state, 'cutoff', cutoff, 'reason', ARGV[4])
extend(state, legacyTtl)
if redis.call('TTL', state) < 0 then redis.call('EXPIRE', state, 1) end
return {'ok', cutoff}
`);

/**
 * ARGV: fence, prefix, subject, reason, cutoff, cursor (a seq, or '-inf'), now, batch. One batch of
 * revokeSubject. While the subject has a SET of contract v1, moves up to `batch` of its family ids
 * into the family index (touching no family) → {'legacy'}. Otherwise revokes the next families
 * of the index with cursor < seq <= cutoff, at most `batch` of them →
 * {'ok', last seq, how many, id, expires, ...} listing those with expires > now.
 */
export const REVOKE_SUBJECT_BATCH_SCRIPT: LuaScript = luaScript(`${PRELUDE}
if fenced() then return {'late'} end
local p, subject, reason = ARGV[2], ARGV[3], ARGV[4]
local batch = tonumber(ARGV[8])
local state, families, live, liveExpiry = subjectKeys(p, subject)
local legacy = p .. 'rt:subject:' .. subject
local ttl = math.max(redis.call('TTL', legacy), redis.call('TTL', state))
local moved = redis.call('SPOP', legacy, batch)
if #moved > 0 then
  for _, id in ipairs(moved) do
    if not redis.call('ZSCORE', families, id) then
      redis.call('ZADD', families, redis.call('HINCRBY', state, 'legacy', -1), id)
    end
  end
  extend(families, ttl)
  extend(state, ttl)
  return {'legacy'}
end
local min = ARGV[6] == '-inf' and '-inf' or '(' .. ARGV[6]
local page = redis.call('ZRANGEBYSCORE', families, min, ARGV[5], 'WITHSCORES', 'LIMIT', 0, batch)
local now = tonumber(ARGV[7])
local out = {'ok', page[#page] or '', tostring(#page / 2)}
local gone, revoked = {}, {}
for i = 1, #page, 2 do
  local id = page[i]
  local key = familyKey(p, id)
  local family = redis.call('HMGET', key, 'subject', 'gen', 'expires')
  if not family[1] then
    gone[#gone + 1] = id
  else
    redis.call('HSETNX', key, 'revoked', reason)
    local expires
    if family[2] then
      expires = family[3]
      revoked[#revoked + 1] = id
    else
      expires = legacyExpiry(p, id)
    end
    if expires and tonumber(expires) > now then
      out[#out + 1] = id
      out[#out + 1] = expires
    end
  end
end
if #gone > 0 then redis.call('ZREM', families, unpack(gone)) end
for _, ids in ipairs({gone, revoked}) do
  if #ids > 0 then
    redis.call('ZREM', live, unpack(ids))
    redis.call('ZREM', liveExpiry, unpack(ids))
  end
end
return out
`);

/**
 * ARGV: fence, prefix, now, batch. Removes up to `batch` families with `expires <= now` (their key
 * and index entries; a subject's state once it has no family left), then with what is left of the
 * batch, tokens of contract v1 with `expires <= now` (and a v1 family once its last token is
 * gone). → {'ok', removed (family keys still present), scanned}
 */
export const DELETE_EXPIRED_FAMILIES_SCRIPT: LuaScript = luaScript(`${PRELUDE}
if fenced() then return {'late'} end
local p = ARGV[2]
local now, batch = tonumber(ARGV[3]), tonumber(ARGV[4])
local removed = 0
local function forget(subject, id)
  local state, families = subjectKeys(p, subject)
  redis.call('ZREM', families, id)
  unlive(p, subject, id)
  if redis.call('EXISTS', families, p .. 'rt:subject:' .. subject) == 0 then redis.call('DEL', state) end
end
local index = p .. 'rt:family-expiry'
local entries = redis.call('ZRANGEBYSCORE', index, '-inf', now, 'LIMIT', 0, batch)
for _, entry in ipairs(entries) do
  local space = string.find(entry, ' ', 1, true)
  local id, subject = string.sub(entry, 1, space - 1), string.sub(entry, space + 1)
  local key = familyKey(p, id)
  local expires = redis.call('HGET', key, 'expires')
  if expires and tonumber(expires) <= now then removed = removed + redis.call('DEL', key) end
  forget(subject, id)
  redis.call('ZREM', index, entry)
end
local legacyIndex = p .. 'rt:expiry'
local hashes = {}
if #entries < batch then
  hashes = redis.call('ZRANGEBYSCORE', legacyIndex, '-inf', now, 'LIMIT', 0, batch - #entries)
end
for _, hash in ipairs(hashes) do
  local key = p .. 'rt:token:' .. hash
  local token = redis.call('HMGET', key, 'family', 'subject')
  local id, subject = token[1], token[2]
  if id and subject then
    redis.call('DEL', key)
    local tokens = p .. 'rt:family-tokens:' .. id
    redis.call('SREM', tokens, hash)
    if redis.call('SCARD', tokens) == 0 then
      redis.call('SREM', p .. 'rt:subject:' .. subject, id)
      local family = familyKey(p, id)
      if redis.call('HEXISTS', family, 'gen') == 0 then
        removed = removed + redis.call('DEL', family)
        forget(subject, id)
      end
    end
  end
  redis.call('ZREM', legacyIndex, hash)
end
return {'ok', tostring(removed), tostring(#entries + #hashes)}
`);

/**
 * ARGV: fence, prefix, hash, tag, now. → {'none'} | {'used', familyId, usedAt, subject} | {'current', familyId}.
 * Reads the record of contract v1 with this hash; gives an unused one's family its state of
 * contract v2 (generation 0) unless it has one, keeping its `revoked` flag.
 */
export const ADOPT_LEGACY_SCRIPT: LuaScript = luaScript(`${PRELUDE}
if fenced() then return {'late'} end
local p = ARGV[2]
local token = fields(redis.call('HGETALL', p .. 'rt:token:' .. ARGV[3]))
if not token.family then return {'none'} end
local id = token.family
if token.used then return {'used', id, token.used, token.subject} end
local key = familyKey(p, id)
if redis.call('HEXISTS', key, 'gen') == 1 then return {'current', id} end
local subject = token.subject
local state, families, live, liveExpiry = subjectKeys(p, subject)
local seq = redis.call('ZSCORE', families, id)
if not seq then
  seq = redis.call('HINCRBY', state, 'legacy', -1)
  redis.call('ZADD', families, seq, id)
end
redis.call('HSET', key, 'subject', subject, 'hash', ARGV[3], 'tag', ARGV[4], 'gen', '0', 'created', token.created,
  'rotated', '', 'expires', token.expires, 'idle', token.idle, 'claims', token.claims, 'jkt', '', 'seq', seq)
local ttl = math.max(1, tonumber(token.expires) - tonumber(ARGV[5])) + GRACE
extend(key, ttl)
if not redis.call('HGET', key, 'revoked') then
  redis.call('ZADD', live, token.created, id)
  redis.call('ZADD', liveExpiry, token.expires, id)
end
redis.call('ZADD', p .. 'rt:family-expiry', token.expires, id .. ' ' .. subject)
for _, k in ipairs({state, families, live, liveExpiry}) do extend(k, ttl) end
return {'current', id}
`);

/** ARGV: fence, prefix, kind ('jti' or 'session'), id, expiresAt, now. Keeps the later expiry. */
export const REVOKE_ENTRY_SCRIPT: LuaScript = luaScript(`${PRELUDE}
if fenced() then return {'late'} end
local p, kind = ARGV[2], ARGV[3]
local key = p .. 'revoked:' .. kind .. ':' .. ARGV[4]
local expires = ARGV[5]
local current = redis.call('GET', key)
if current and tonumber(current) > tonumber(expires) then expires = current end
put(key, expires, tonumber(expires) - tonumber(ARGV[6]))
redis.call('ZADD', p .. 'revoked:' .. kind .. '-expiry', expires, ARGV[4])
return {'ok'}
`);

/** ARGV: fence, prefix, subject, cutoff, expiresAt, now. Keeps the later cutoff and the later expiry. */
export const REVOKE_ISSUED_BEFORE_SCRIPT: LuaScript = luaScript(`${PRELUDE}
if fenced() then return {'late'} end
local p = ARGV[2]
local key = p .. 'revoked:cutoff:' .. ARGV[3]
local cutoff, expires = ARGV[4], ARGV[5]
local current = redis.call('GET', key)
if current then
  local space = string.find(current, ' ', 1, true)
  local oldCutoff, oldExpires = string.sub(current, 1, space - 1), string.sub(current, space + 1)
  if tonumber(oldCutoff) > tonumber(cutoff) then cutoff = oldCutoff end
  if tonumber(oldExpires) > tonumber(expires) then expires = oldExpires end
end
put(key, cutoff .. ' ' .. expires, tonumber(expires) - tonumber(ARGV[6]))
redis.call('ZADD', p .. 'revoked:cutoff-expiry', expires, ARGV[3])
return {'ok'}
`);

/**
 * ARGV: fence, prefix, now, batch. Removes up to `batch` denylisted ids, `batch` revoked sessions
 * and `batch` cutoffs with `expiresAt <= now` (and their index entries). → {'ok', removed, scanned}:
 * removed counts the keys still present (not those Redis already expired by their TTL), scanned
 * the largest of the three batches.
 */
export const DELETE_EXPIRED_REVOCATIONS_SCRIPT: LuaScript = luaScript(`${PRELUDE}
if fenced() then return {'late'} end
local p = ARGV[2]
local batch = tonumber(ARGV[4])
local removed = 0
local function trim(kind)
  local indexKey = p .. 'revoked:' .. kind .. '-expiry'
  local members = redis.call('ZRANGEBYSCORE', indexKey, '-inf', ARGV[3], 'LIMIT', 0, batch)
  for _, member in ipairs(members) do
    removed = removed + redis.call('DEL', p .. 'revoked:' .. kind .. ':' .. member)
    redis.call('ZREM', indexKey, member)
  end
  return #members
end
local scanned = math.max(trim('jti'), trim('session'), trim('cutoff'))
return {'ok', tostring(removed), tostring(scanned)}
`);
