/**
 * The Lua scripts of the Redis stores. Each runs atomically on the server (Redis executes one
 * script at a time), which is what makes `rotate` a compare-and-set across processes.
 *
 * Every script gets `ARGV[1]` = the write fence (milliseconds, see `RedisExecutor`) and
 * `ARGV[2]` = the key prefix; writes return `{'late'}` and change nothing past the fence.
 *
 * Keys, under the prefix `p`:
 * - `p..'rt:token:'..hash`: HASH of one refresh token (`subject`, `family`, `parent`, `created`,
 *   `expires`, `idle`, `claims`, and `used` once rotated; an empty string stands for `null`).
 *   TTL: until `expires`, measured from the call.
 * - `p..'rt:family:'..familyId`: HASH `subject`, and `revoked` = the first reason once revoked.
 * - `p..'rt:family-tokens:'..familyId`: SET of the family's token hashes.
 * - `p..'rt:subject:'..subject`: SET of the subject's family ids (so revoking a subject reads one set).
 *   The three family/subject keys live as long as the longest-lived token they index.
 * - `p..'rt:expiry'`: ZSET token hash → `expires`, read by `deleteExpired` (the caller's clock
 *   decides expiry, so the TTLs alone cannot serve it).
 * - `p..'revoked:jti:'..jti`: STRING `expiresAt` of a denylisted id. TTL: until `expiresAt`,
 *   measured from the call (`expiresAt - now`).
 * - `p..'revoked:cutoff:'..subject`: STRING `'<cutoff> <expiresAt>'`. TTL as for a jti.
 * - `p..'revoked:jti-expiry'` and `p..'revoked:cutoff-expiry'`: ZSETs jti (subject) → `expiresAt`,
 *   read by `deleteExpired` (as `rt:expiry` is).
 *
 * @module
 * @internal
 */
import { luaScript, type LuaScript } from './client.js';

/** Shared functions: the fence, TTL extension, and storing one token with its index entries. */
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
local function store(p, hash, subject, family, parent, created, expires, idle, claims, ttl)
  ttl = math.max(1, math.ceil(ttl))
  local key = p .. 'rt:token:' .. hash
  redis.call('HSET', key, 'subject', subject, 'family', family, 'parent', parent, 'created', created,
    'expires', expires, 'idle', idle, 'claims', claims)
  redis.call('EXPIRE', key, ttl)
  local familyKey = p .. 'rt:family:' .. family
  redis.call('HSETNX', familyKey, 'subject', subject)
  extend(familyKey, ttl)
  local tokensKey = p .. 'rt:family-tokens:' .. family
  redis.call('SADD', tokensKey, hash)
  extend(tokensKey, ttl)
  local subjectKey = p .. 'rt:subject:' .. subject
  redis.call('SADD', subjectKey, family)
  extend(subjectKey, ttl)
  redis.call('ZADD', p .. 'rt:expiry', expires, hash)
end
local function fields(flat)
  local map = {}
  for i = 1, #flat, 2 do map[flat[i]] = flat[i + 1] end
  return map
end
`;

/** ARGV: fence, prefix, hash, subject, family, parent, created, expires, idle, claims. → ok | exists */
export const INSERT_SCRIPT: LuaScript = luaScript(`${PRELUDE}
if fenced() then return {'late'} end
local p = ARGV[2]
if redis.call('EXISTS', p .. 'rt:token:' .. ARGV[3]) == 1 then return {'exists'} end
store(p, ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8], ARGV[9], ARGV[10], tonumber(ARGV[8]) - tonumber(ARGV[7]))
return {'ok'}
`);

/** ARGV: fence, prefix, hash. → {'none'} | {'found', revokedReason or '', ...HGETALL} */
export const FIND_SCRIPT: LuaScript = luaScript(`${PRELUDE}
local p = ARGV[2]
local flat = redis.call('HGETALL', p .. 'rt:token:' .. ARGV[3])
if #flat == 0 then return {'none'} end
local reason = redis.call('HGET', p .. 'rt:family:' .. fields(flat).family, 'revoked') or ''
return {'found', reason, unpack(flat)}
`);

/**
 * ARGV: fence, prefix, old hash, now, then the successor: hash, subject, family, parent, created,
 * expires, idle, claims. → {status, revokedReason or '', ...HGETALL of the old record after the call},
 * status one of unknown | revoked | used | expired | rotated, or {'exists'} (successor hash taken).
 */
export const ROTATE_SCRIPT: LuaScript = luaScript(`${PRELUDE}
if fenced() then return {'late'} end
local p = ARGV[2]
local now = tonumber(ARGV[4])
local oldKey = p .. 'rt:token:' .. ARGV[3]
local flat = redis.call('HGETALL', oldKey)
if #flat == 0 then return {'unknown'} end
local old = fields(flat)
local reason = redis.call('HGET', p .. 'rt:family:' .. old.family, 'revoked')
if reason then return {'revoked', reason, unpack(flat)} end
if old.used then return {'used', '', unpack(flat)} end
if now >= tonumber(old.expires) or (old.idle ~= '' and now >= tonumber(old.idle)) then
  return {'expired', '', unpack(flat)}
end
if redis.call('EXISTS', p .. 'rt:token:' .. ARGV[5]) == 1 then return {'exists'} end
redis.call('HSET', oldKey, 'used', ARGV[4])
store(p, ARGV[5], ARGV[6], ARGV[7], ARGV[8], ARGV[9], ARGV[10], ARGV[11], ARGV[12], tonumber(ARGV[10]) - now)
return {'rotated', '', unpack(redis.call('HGETALL', oldKey))}
`);

/** ARGV: fence, prefix, family, reason. Sets the family's first reason if the family exists. */
export const REVOKE_FAMILY_SCRIPT: LuaScript = luaScript(`${PRELUDE}
if fenced() then return {'late'} end
local key = ARGV[2] .. 'rt:family:' .. ARGV[3]
if redis.call('EXISTS', key) == 1 then redis.call('HSETNX', key, 'revoked', ARGV[4]) end
return {'ok'}
`);

/** ARGV: fence, prefix, subject, reason. Revokes each family in the subject's set. */
export const REVOKE_SUBJECT_SCRIPT: LuaScript = luaScript(`${PRELUDE}
if fenced() then return {'late'} end
local p = ARGV[2]
local subjectKey = p .. 'rt:subject:' .. ARGV[3]
for _, family in ipairs(redis.call('SMEMBERS', subjectKey)) do
  local key = p .. 'rt:family:' .. family
  if redis.call('EXISTS', key) == 1 then
    redis.call('HSETNX', key, 'revoked', ARGV[4])
  else
    redis.call('SREM', subjectKey, family)
  end
end
return {'ok'}
`);

/**
 * ARGV: fence, prefix, now, batch size. Removes up to `batch` tokens with `expires <= now`, and a
 * family (flag, token set, subject-set entry) once its last token is gone. → {'ok', removed, scanned}
 */
export const DELETE_EXPIRED_TOKENS_SCRIPT: LuaScript = luaScript(`${PRELUDE}
if fenced() then return {'late'} end
local p = ARGV[2]
local expiryKey = p .. 'rt:expiry'
local hashes = redis.call('ZRANGEBYSCORE', expiryKey, '-inf', ARGV[3], 'LIMIT', 0, tonumber(ARGV[4]))
local removed = 0
for _, hash in ipairs(hashes) do
  local key = p .. 'rt:token:' .. hash
  local family = redis.call('HGET', key, 'family')
  if family then
    removed = removed + redis.call('DEL', key)
    local tokensKey = p .. 'rt:family-tokens:' .. family
    redis.call('SREM', tokensKey, hash)
    if redis.call('SCARD', tokensKey) == 0 then
      local familyKey = p .. 'rt:family:' .. family
      local subject = redis.call('HGET', familyKey, 'subject')
      redis.call('DEL', familyKey, tokensKey)
      if subject then redis.call('SREM', p .. 'rt:subject:' .. subject, family) end
    end
  end
  redis.call('ZREM', expiryKey, hash)
end
return {'ok', tostring(removed), tostring(#hashes)}
`);

/** ARGV: fence, prefix, jti, expiresAt, now. Keeps the later expiry. */
export const REVOKE_JTI_SCRIPT: LuaScript = luaScript(`${PRELUDE}
if fenced() then return {'late'} end
local p = ARGV[2]
local key = p .. 'revoked:jti:' .. ARGV[3]
local expires = ARGV[4]
local current = redis.call('GET', key)
if current and tonumber(current) > tonumber(expires) then expires = current end
put(key, expires, tonumber(expires) - tonumber(ARGV[5]))
redis.call('ZADD', p .. 'revoked:jti-expiry', expires, ARGV[3])
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
 * ARGV: fence, prefix, now, batch size. Removes up to `batch` denylisted ids and `batch` cutoffs
 * with `expiresAt <= now` (and their index entries). → {'ok', removed, scanned}: removed counts the
 * keys still present (not those Redis already expired by their TTL), scanned the larger batch.
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
local scanned = math.max(trim('jti'), trim('cutoff'))
return {'ok', tostring(removed), tostring(scanned)}
`);
