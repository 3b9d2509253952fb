/// The Lua scripts of ``RedisJobQueue``. Redis runs each one atomically, so a job moves between
/// `waiting`, `delayed` and `active` in one step and only the holder of a claim's token can
/// settle it. Job hashes live at `<prefix>job:<id>`; `ARGV[1]` is always the prefix.
enum RedisJobScripts {
    /// KEYS: waiting. ARGV: prefix, then id, type, payload, created (ms) per job.
    /// Adds the jobs Redis does not hold yet (a relay repeated after a crash adds nothing twice).
    static let add = """
        local added = 0
        for i = 2, #ARGV, 4 do
          local key = ARGV[1] .. 'job:' .. ARGV[i]
          if redis.call('EXISTS', key) == 0 then
            redis.call('HSET', key, 'type', ARGV[i + 1], 'payload', ARGV[i + 2], 'created', ARGV[i + 3], 'attempts', 0)
            redis.call('LPUSH', KEYS[1], ARGV[i])
            added = added + 1
          end
        end
        return added
        """

    /// KEYS: waiting, delayed, active. ARGV: prefix, now (ms), limit, lease end (ms), token.
    /// Moves due delayed jobs to the waiting list, then claims jobs whose lease ran out (their
    /// worker died) and the oldest waiting ones. Returns {id, type, payload, created, attempts}.
    static let claim = """
        local limit = tonumber(ARGV[3])
        for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[2], 'LIMIT', 0, 1000)) do
          redis.call('ZREM', KEYS[2], id)
          redis.call('LPUSH', KEYS[1], id)
        end
        local ids = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', '(' .. ARGV[2], 'LIMIT', 0, limit)
        while #ids < limit do
          local id = redis.call('RPOP', KEYS[1])
          if not id then break end
          ids[#ids + 1] = id
        end
        local claimed = {}
        for _, id in ipairs(ids) do
          local key = ARGV[1] .. 'job:' .. id
          if redis.call('EXISTS', key) == 1 then
            local attempts = redis.call('HINCRBY', key, 'attempts', 1)
            redis.call('HSET', key, 'token', ARGV[5])
            redis.call('ZADD', KEYS[3], ARGV[4], id)
            local job = redis.call('HMGET', key, 'type', 'payload', 'created')
            claimed[#claimed + 1] = {id, job[1], job[2], job[3], attempts}
          else
            redis.call('ZREM', KEYS[3], id)
          end
        end
        return claimed
        """

    /// KEYS: active, completed counter. ARGV: prefix, id, token. 1 if the claim was still ours.
    static let complete = """
        local key = ARGV[1] .. 'job:' .. ARGV[2]
        if redis.call('HGET', key, 'token') ~= ARGV[3] then return 0 end
        redis.call('ZREM', KEYS[1], ARGV[2])
        redis.call('DEL', key)
        redis.call('INCR', KEYS[2])
        return 1
        """

    /// KEYS: active, delayed. ARGV: prefix, id, token, run at (ms), error.
    static let retry = """
        local key = ARGV[1] .. 'job:' .. ARGV[2]
        if redis.call('HGET', key, 'token') ~= ARGV[3] then return 0 end
        redis.call('ZREM', KEYS[1], ARGV[2])
        redis.call('HDEL', key, 'token')
        redis.call('HSET', key, 'error', ARGV[5])
        redis.call('ZADD', KEYS[2], ARGV[4], ARGV[2])
        return 1
        """

    /// KEYS: active. ARGV: prefix, id, token. Drops a claimed job (it goes to the dead letters).
    static let remove = """
        local key = ARGV[1] .. 'job:' .. ARGV[2]
        if redis.call('HGET', key, 'token') ~= ARGV[3] then return 0 end
        redis.call('ZREM', KEYS[1], ARGV[2])
        redis.call('DEL', key)
        return 1
        """
}
