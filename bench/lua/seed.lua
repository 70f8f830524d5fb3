-- Seeding: POST /apis exactly <count> times in all, with unique names and base
-- paths ("seed-<k>", "/seed/<k>" for k = 1..count, threads interleaved).
-- Arguments (after wrk's "--"): <count> <threads> <marker-dir>.
--
-- wrk runs for a duration, not a number of requests. Here delay(), which wrk calls
-- before each request when it is defined, lets a thread's connections send only
-- that thread's share of POSTs and then holds them idle. Once every POST has had
-- its answer, the thread writes <marker-dir>/seed-<tid>.done ("<created> <failed>")
-- and stops; run.sh waits for every marker and then ends wrk with SIGINT.
--
-- wrk also calls request() once before the first thread starts, to check what it
-- returns, and throws that request away: a call not preceded by delay() is that
-- check and gets a harmless GET /health, so no POST or seed number is lost to it.
local count, nthreads, marker_dir
local quota, granted, pending, sent, created, failed = 0, 0, 0, 0, 0, 0
local finished = false
local health = nil

function setup(thread)
   -- Numbered in the order wrk creates threads (1..threads).
   seed_threads = (seed_threads or 0) + 1
   thread:set("tid", seed_threads)
end

local function finish()
   if finished then return end
   finished = true
   local path = string.format("%s/seed-%d.done", marker_dir, tid)
   local f = assert(io.open(path .. ".tmp", "w"))
   f:write(string.format("%d %d\n", created, failed))
   f:close()
   assert(os.rename(path .. ".tmp", path))
   wrk.thread:stop()
end

function init(args)
   count = tonumber(args[1])
   nthreads = tonumber(args[2])
   marker_dir = args[3]
   if not (count and nthreads and marker_dir) then
      error("seed.lua: arguments are <count> <threads> <marker-dir>")
   end
   quota = math.floor(count / nthreads)
   if tid <= count % nthreads then
      quota = quota + 1
   end
   wrk.headers["Content-Type"] = "application/json"
   -- run.sh --api-key: the POSTs carry the key (common.lua does this for the others).
   local bench_key = os.getenv("GATEWAY_BENCH_KEY")
   if bench_key and bench_key ~= "" then
      wrk.headers["Authorization"] = "Bearer " .. bench_key
   end
   health = wrk.format("GET", "/health")
   if quota == 0 then
      finish()
   end
end

function delay()
   if granted < quota then
      granted = granted + 1
      pending = pending + 1
      return 0
   end
   return 1000000000  -- this thread has sent its share: the connection stays idle
end

function request()
   if pending == 0 then
      return health
   end
   pending = pending - 1
   sent = sent + 1
   local k = tid + (sent - 1) * nthreads
   local body = string.format(
      '{"name":"seed-%d","description":"Seeded by the benchmark","base_path":"/seed/%d",' ..
      '"upstream_url":"http://127.0.0.1:9000","methods":["GET","POST"],"tags":["bench","seed"]}',
      k, k)
   return wrk.format("POST", "/apis", nil, body)
end

function response(status, headers, body)
   if status == 201 then
      created = created + 1
   elseif status == 200 then
      return  -- a GET /health (see above)
   else
      failed = failed + 1
      if failed <= 3 then
         io.stderr:write(string.format("seed: POST /apis answered %d: %s\n", status, body))
      end
   end
   if created + failed >= quota then
      finish()
   end
end
