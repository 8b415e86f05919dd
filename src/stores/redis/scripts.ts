/**
 * The Lua scripts of the Redis stores. Each runs atomically on the node that owns its keys, which
 * is what makes `rotate` a compare-and-set across processes. Every script declares the keys it
 * touches (`KEYS`), all in one hash slot (see `keys.ts`), so it runs on a Redis Cluster as on a
 * single node; what spans slots (a subject and its sessions, a session and the expiry index) is
 * done by several scripts in a row, in the order the store's documentation explains.
 *
 * Every script gets `ARGV[1]` = the write fence (milliseconds, see `RedisExecutor`); writes return
 * `{'late'}` and change nothing past the fence.
 *
 * Keys of the refresh-token store (contract v2), under the prefix `p`:
 * - `p..'rt:{'..familyId..'}'`: HASH, one per family, the whole session: `subject`, `hash` (of the
 *   current token), `tag` (the tag key), `gen`, `created`, `rotated`, `expires`, `idle`, `claims`
 *   (JSON), `jkt`, `seq` (see below), and `revoked` = the first reason once revoked; an empty
 *   string stands for `null`. TTL: `expiresAt` plus {@link FAMILY_GRACE_SECONDS}, measured from
 *   the call. Rotations rewrite five fields in place: nothing grows with the number of rotations.
 * - `p..'rt:subj:{s:'..subject..'}:state'`: HASH `seq` (the last sequence number given to a family
 *   of the subject at `insert`), `legacy` (the last, negative, number given to a family of
 *   contract v1 entering the index), and once `revokeSubject` ran, `cutoff` (a `seq`) and
 *   `reason`: every family with `seq <= cutoff` reads as revoked with `reason`, and `rotate`
 *   refuses it, even before the revocations of `revokeSubject` have reached it.
 * - `...:families`: ZSET familyId → `seq`, every family of the subject until it expires.
 * - `...:live`: ZSET familyId → `created`, and `...:live-expiry`: ZSET familyId → `expires`: the
 *   subject's families not known to be revoked (a revocation removes them, after the fact).
 *   The four subject keys live as long as the subject's longest-lived family.
 * - `p..'rt:expiry:{e'..bucket..'}'`: ZSET `familyId..' '..subject` → `expires`, in 64 buckets (by
 *   family id), read by `deleteExpired` (the caller's clock decides expiry, so TTLs alone cannot
 *   serve it). No TTL.
 *
 * Keys of contract v1 (read until they expire, single node only): `p..'rt:token:'..hash`,
 * `p..'rt:family:'..familyId` (HASH `subject`, and `revoked` once revoked),
 * `p..'rt:family-tokens:'..familyId`, `p..'rt:subject:'..subject`, `p..'rt:expiry'`.
 *
 * Keys of the revocation store: `p..'revoked:{r'..bucket..'}:'..kind..':'..id` (STRING `expiresAt`,
 * or `'<cutoff> <expiresAt>'` for a cutoff; TTL `expiresAt - now` from the call) and the bucket's
 * index `p..'revoked:{r'..bucket..'}:'..kind..'-expiry'` (ZSET id → `expiresAt`), kind one of
 * `jti`, `session`, `cutoff`, bucket one of 64 (by id). Those of jwtkit 0.1 (single node only, read
 * until they expire): `p..'revoked:'..kind..':'..id`, and their index `p..'revoked:'..kind..'-expiry'`.
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

/** Shared functions: the fence and TTLs. */
const PRELUDE = `
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
if fenced() then return {'late'} end
`;

/** The session cap's count and first page, on the subject's slot (see {@link INDEX_FAMILY_SCRIPT}). */
const CAP_PAGE = `
-- Drops entries past their absolute expiry at 'at' from the live sets (at most batch), counts the
-- rest with one ZCOUNT, and when more than max remain, answers a page of them, oldest first
-- (created, then familyId), with the subject's cut-off: {'over', count, cutoff or '', id, ...}.
local function capPage(at, max, batch)
  local gone = redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', at, 'LIMIT', 0, batch)
  if #gone > 0 then
    redis.call('ZREM', KEYS[3], unpack(gone))
    redis.call('ZREM', KEYS[4], unpack(gone))
  end
  local count = redis.call('ZCOUNT', KEYS[4], '(' .. at, '+inf')
  if count <= max then return {'ok'} end
  local out = {'over', tostring(count), redis.call('HGET', KEYS[1], 'cutoff') or ''}
  for _, id in ipairs(redis.call('ZRANGE', KEYS[3], 0, batch - 1)) do out[#out + 1] = id end
  return out
end
`;

/**
 * The first step of `insert`, on the subject's slot. KEYS: state, families, live, live-expiry.
 * ARGV: fence, familyId, created, expires, ttl, max, batch. Gives the family the subject's next
 * `seq`, indexes it, and counts the subject's live families for the cap (at `created`).
 * → {'exists'} (already indexed) | {seq, 'ok'} | {seq, 'over', count, cutoff or '', id, ...}
 */
export const INDEX_FAMILY_SCRIPT: LuaScript = luaScript(`${PRELUDE}${CAP_PAGE}
local id = ARGV[2]
if redis.call('ZSCORE', KEYS[2], id) then return {'exists'} end
local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
redis.call('ZADD', KEYS[2], seq, id)
redis.call('ZADD', KEYS[3], ARGV[3], id)
redis.call('ZADD', KEYS[4], ARGV[4], id)
for i = 1, 4 do extend(KEYS[i], tonumber(ARGV[5])) end
local out = capPage(tonumber(ARGV[3]), tonumber(ARGV[6]), tonumber(ARGV[7]))
table.insert(out, 1, tostring(seq))
return out
`);

/**
 * Undoes {@link INDEX_FAMILY_SCRIPT} for a family id that turned out to be taken (its key exists).
 * KEYS: state, families, live, live-expiry. ARGV: fence, familyId. → {'ok'}
 */
export const UNINDEX_FAMILY_SCRIPT: LuaScript = luaScript(`${PRELUDE}
for i = 2, 4 do redis.call('ZREM', KEYS[i], ARGV[2]) end
return {'ok'}
`);

/**
 * The second step of `insert`, on the family's slot. KEYS: family. ARGV: fence, subject, hash, tag,
 * created, expires, idle, claims, jkt, seq, ttl. → {'exists'} | {'ok'}
 */
export const CREATE_FAMILY_SCRIPT: LuaScript = luaScript(`${PRELUDE}
if redis.call('EXISTS', KEYS[1]) == 1 then return {'exists'} end
redis.call('HSET', KEYS[1], 'subject', ARGV[2], 'hash', ARGV[3], 'tag', ARGV[4], 'gen', '0', 'created', ARGV[5],
  'rotated', '', 'expires', ARGV[6], 'idle', ARGV[7], 'claims', ARGV[8], 'jkt', ARGV[9], 'seq', ARGV[10])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[11]))
return {'ok'}
`);

/** Adds an entry to a bucket of the expiry index. KEYS: bucket. ARGV: fence, expires, member. → {'ok'} */
export const INDEX_EXPIRY_SCRIPT: LuaScript = luaScript(`${PRELUDE}
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
return {'ok'}
`);

/**
 * Takes families out of the subject's live sets (revoked, or no longer live), and with `forget`
 * out of its index too (removed), deleting the subject's state once no family is left.
 * KEYS: state, families, live, live-expiry. ARGV: fence, 'live' | 'forget', id, ... → {'ok'}
 */
export const UNLIVE_SCRIPT: LuaScript = luaScript(`${PRELUDE}
if #ARGV < 3 then return {'ok'} end
local ids = {unpack(ARGV, 3)}
redis.call('ZREM', KEYS[3], unpack(ids))
redis.call('ZREM', KEYS[4], unpack(ids))
if ARGV[2] == 'forget' then
  redis.call('ZREM', KEYS[2], unpack(ids))
  if redis.call('EXISTS', KEYS[2]) == 0 then redis.call('DEL', KEYS[1]) end
end
return {'ok'}
`);

/**
 * Revokes one family if it is the subject's (cap, revokeSubject), keeping a first reason.
 * KEYS: family. ARGV: fence, subject, reason, 'live' (only if not revoked yet) | 'any'.
 * → {'gone'} | {'skipped'} (already revoked, with 'live') | {'ok', expires}
 */
export const REVOKE_MEMBER_SCRIPT: LuaScript = luaScript(`${PRELUDE}
local f = redis.call('HMGET', KEYS[1], 'subject', 'gen', 'expires', 'revoked')
if f[1] ~= ARGV[2] or not f[2] then return {'gone'} end
if f[4] then
  if ARGV[4] == 'live' then return {'skipped'} end
else
  redis.call('HSET', KEYS[1], 'revoked', ARGV[3])
end
return {'ok', f[3]}
`);

/**
 * KEYS: family. ARGV: fence, generation, hash, now, then the successor: hash, idle, claims, then the
 * subject's cut-off and its reason as read before the call ('' when none).
 * → {'unknown'} | {status, revokedReason or '', ...HGETALL of the family after the call}, status one
 * of revoked | used | expired | rotated. Writes the family key only.
 */
export const ROTATE_SCRIPT: LuaScript = luaScript(`${PRELUDE}
local key = KEYS[1]
local flat = redis.call('HGETALL', key)
local family = fields(flat)
if not family.gen then return {'unknown'} end
local generation, presented = tonumber(family.gen), tonumber(ARGV[2])
if presented > generation or (presented == generation and family.hash ~= ARGV[3]) then return {'unknown'} end
local reason = family.revoked
if not reason and ARGV[8] ~= '' and tonumber(family.seq) <= tonumber(ARGV[8]) then
  reason = ARGV[9]
  redis.call('HSET', key, 'revoked', reason)
end
if reason then return {'revoked', reason, unpack(flat)} end
if presented < generation then return {'used', '', unpack(flat)} end
local now = tonumber(ARGV[4])
if now >= tonumber(family.expires) or (family.idle ~= '' and now >= tonumber(family.idle)) then
  return {'expired', '', unpack(flat)}
end
redis.call('HINCRBY', key, 'gen', 1)
redis.call('HSET', key, 'hash', ARGV[5], 'idle', ARGV[6], 'claims', ARGV[7], 'rotated', ARGV[4])
return {'rotated', '', unpack(redis.call('HGETALL', key))}
`);

/**
 * KEYS: family. ARGV: fence, reason, the subject's cut-off and reason as read before ('' when none).
 * Sets the family's first reason (the cut-off's when it covers the family). → {'none'} | {'ok', subject}
 */
export const REVOKE_FAMILY_SCRIPT: LuaScript = luaScript(`${PRELUDE}
local f = redis.call('HMGET', KEYS[1], 'subject', 'gen', 'seq')
if not f[2] then return {'none'} end
local reason = ARGV[2]
if ARGV[3] ~= '' and tonumber(f[3]) <= tonumber(ARGV[3]) then reason = ARGV[4] end
redis.call('HSETNX', KEYS[1], 'revoked', reason)
return {'ok', f[1]}
`);

/**
 * Sets the revocation flag of a family of contract v1 (its `rt:family:` key), if it has one.
 * KEYS: the legacy family key. ARGV: fence, reason. → {'none'} | {'ok'}
 */
export const REVOKE_LEGACY_FAMILY_SCRIPT: LuaScript = luaScript(`${PRELUDE}
if redis.call('EXISTS', KEYS[1]) == 0 then return {'none'} end
redis.call('HSETNX', KEYS[1], 'revoked', ARGV[2])
return {'ok'}
`);

/**
 * The first step of revokeSubject, on the subject's slot: sets the cut-off to the subject's last
 * `seq`, so that no family inserted before can rotate from now on. Touches no family.
 * KEYS: state, families. ARGV: fence, reason, TTL of the subject's set of contract v1 (-2: none).
 * → {'ok', cutoff} | {'ok', 'none'} when the subject has no family of either contract.
 */
export const REVOKE_SUBJECT_START_SCRIPT: LuaScript = luaScript(`${PRELUDE}
local legacyTtl = tonumber(ARGV[3])
if redis.call('EXISTS', KEYS[1]) == 0 and legacyTtl == -2 then return {'ok', 'none'} end
local cutoff = redis.call('HGET', KEYS[1], 'seq') or '0'
redis.call('HSET', KEYS[1], 'cutoff', cutoff, 'reason', ARGV[2])
extend(KEYS[1], legacyTtl)
if redis.call('TTL', KEYS[1]) < 0 then redis.call('EXPIRE', KEYS[1], 1) end
return {'ok', cutoff}
`);

/**
 * Moves up to `batch` family ids of the subject's SET of contract v1 into its index, with negative
 * numbers (they predate every cut-off). Single node only: the SET has no hash tag.
 * KEYS: legacy subject SET, state, families. ARGV: fence, batch. → {'ok', moved}
 */
export const MOVE_LEGACY_SUBJECT_SCRIPT: LuaScript = luaScript(`${PRELUDE}
local ttl = math.max(redis.call('TTL', KEYS[1]), redis.call('TTL', KEYS[2]))
local moved = redis.call('SPOP', KEYS[1], tonumber(ARGV[2]))
for _, id in ipairs(moved) do
  if not redis.call('ZSCORE', KEYS[3], id) then
    redis.call('ZADD', KEYS[3], redis.call('HINCRBY', KEYS[2], 'legacy', -1), id)
  end
end
extend(KEYS[3], ttl)
extend(KEYS[2], ttl)
return {'ok', tostring(#moved)}
`);

/**
 * Removes a family whose `expires <= now`. KEYS: family. ARGV: fence, now.
 * → {'ok', removed (1 when the key was still there, else 0)}
 */
export const DELETE_FAMILY_SCRIPT: LuaScript = luaScript(`${PRELUDE}
local expires = redis.call('HGET', KEYS[1], 'expires')
if expires and tonumber(expires) <= tonumber(ARGV[2]) then return {'ok', tostring(redis.call('DEL', KEYS[1]))} end
return {'ok', '0'}
`);

/**
 * Removes entries of one expiry-index bucket, if still due. KEYS: bucket. ARGV: fence, now, member, ...
 * → {'ok'}
 */
export const TRIM_EXPIRY_SCRIPT: LuaScript = luaScript(`${PRELUDE}
local now = tonumber(ARGV[2])
for i = 3, #ARGV do
  local score = redis.call('ZSCORE', KEYS[1], ARGV[i])
  if score and tonumber(score) <= now then redis.call('ZREM', KEYS[1], ARGV[i]) end
end
return {'ok'}
`);

/**
 * The records of contract v1 with `expires <= now`, at most `batch`: removes each token (and a v1
 * family key once its last token is gone, and its subject entries unless it was adopted). Single
 * node only: it reads keys it derives from the index (contract v1 keys carry no hash tag).
 * KEYS: the v1 expiry index. ARGV: fence, prefix, now, batch. → {'ok', removed, scanned}
 */
export const DELETE_EXPIRED_LEGACY_SCRIPT: LuaScript = luaScript(`${PRELUDE}
local p, now, batch = ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local removed = 0
local hashes = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, batch)
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
      local gone = redis.call('DEL', p .. 'rt:family:' .. id)
      -- An adopted family lives on in its key of contract v2 (removed and counted by its own expiry).
      if redis.call('EXISTS', p .. 'rt:{' .. id .. '}') == 0 then
        removed = removed + gone
        local base = p .. 'rt:subj:{s:' .. subject .. '}:'
        redis.call('ZREM', base .. 'families', id)
        redis.call('ZREM', base .. 'live', id)
        redis.call('ZREM', base .. 'live-expiry', id)
        if redis.call('EXISTS', base .. 'families') == 0 then redis.call('DEL', base .. 'state') end
      end
    end
  end
  redis.call('ZREM', KEYS[1], hash)
end
return {'ok', tostring(removed), tostring(#hashes)}
`);

/**
 * Single node only. KEYS: token (v1), family (v1), family (v2), state, families, live, live-expiry,
 * expiry bucket. ARGV: fence, hash, tag, now.
 * → {'none'} | {'used', familyId, usedAt, subject} | {'current', familyId}.
 * Reads the record of contract v1 with this hash; gives an unused one's family its state of
 * contract v2 (generation 0) unless it has one, keeping the revocation of its v1 family key.
 */
export const ADOPT_LEGACY_SCRIPT: LuaScript = luaScript(`${PRELUDE}
local token = fields(redis.call('HGETALL', KEYS[1]))
if not token.family then return {'none'} end
local id = token.family
if token.used then return {'used', id, token.used, token.subject} end
if redis.call('EXISTS', KEYS[3]) == 1 then return {'current', id} end
local subject = token.subject
local seq = redis.call('ZSCORE', KEYS[5], id)
if not seq then
  seq = redis.call('HINCRBY', KEYS[4], 'legacy', -1)
  redis.call('ZADD', KEYS[5], seq, id)
end
redis.call('HSET', KEYS[3], 'subject', subject, 'hash', ARGV[2], 'tag', ARGV[3], 'gen', '0', 'created', token.created,
  'rotated', '', 'expires', token.expires, 'idle', token.idle, 'claims', token.claims, 'jkt', '', 'seq', seq)
local revoked = redis.call('HGET', KEYS[2], 'revoked')
if revoked then
  redis.call('HSET', KEYS[3], 'revoked', revoked)
else
  redis.call('ZADD', KEYS[6], token.created, id)
  redis.call('ZADD', KEYS[7], token.expires, id)
end
local ttl = math.max(1, tonumber(token.expires) - tonumber(ARGV[4])) + ${FAMILY_GRACE_SECONDS}
for i = 3, 7 do extend(KEYS[i], ttl) end
redis.call('ZADD', KEYS[8], token.expires, id .. ' ' .. subject)
return {'current', id}
`);

/**
 * KEYS: entry, its bucket's index. ARGV: fence, id, expiresAt, now. Keeps the later expiry. → {'ok'}
 */
export const REVOKE_ENTRY_SCRIPT: LuaScript = luaScript(`${PRELUDE}
local expires = ARGV[3]
local current = redis.call('GET', KEYS[1])
if current and tonumber(current) > tonumber(expires) then expires = current end
put(KEYS[1], expires, tonumber(expires) - tonumber(ARGV[4]))
redis.call('ZADD', KEYS[2], expires, ARGV[2])
return {'ok'}
`);

/**
 * KEYS: entry, its bucket's index. ARGV: fence, subject, cutoff, expiresAt, now. Keeps the later
 * cutoff and the later expiry. → {'ok'}
 */
export const REVOKE_ISSUED_BEFORE_SCRIPT: LuaScript = luaScript(`${PRELUDE}
local cutoff, expires = ARGV[3], ARGV[4]
local current = redis.call('GET', KEYS[1])
if current then
  local space = string.find(current, ' ', 1, true)
  local oldCutoff, oldExpires = string.sub(current, 1, space - 1), string.sub(current, space + 1)
  if tonumber(oldCutoff) > tonumber(cutoff) then cutoff = oldCutoff end
  if tonumber(oldExpires) > tonumber(expires) then expires = oldExpires end
end
put(KEYS[1], cutoff .. ' ' .. expires, tonumber(expires) - tonumber(ARGV[5]))
redis.call('ZADD', KEYS[2], expires, ARGV[2])
return {'ok'}
`);

/**
 * Removes revocation entries of one bucket, if still due. KEYS: index, then the entry of each id.
 * ARGV: fence, now, id, ... → {'ok', removed (entries still present)}
 */
export const DELETE_EXPIRED_REVOCATIONS_SCRIPT: LuaScript = luaScript(`${PRELUDE}
local now = tonumber(ARGV[2])
local removed = 0
for i = 3, #ARGV do
  local score = redis.call('ZSCORE', KEYS[1], ARGV[i])
  if score and tonumber(score) <= now then
    removed = removed + redis.call('DEL', KEYS[i - 1])
    redis.call('ZREM', KEYS[1], ARGV[i])
  end
end
return {'ok', tostring(removed)}
`);
