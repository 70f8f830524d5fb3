-- Shared by the benchmark scripts: per-thread response counters gathered in done().
--
-- wrk gives every thread its own Lua state, so a plain global counter would only
-- count one thread. setup() (run in the main state) keeps each thread object and
-- hands it a number; done() reads each thread's counters back with thread:get().
--
-- done() prints one machine-readable line that run.sh parses:
--   bench-result responses=<n> non2xx=<n> statuses=<code>:<n>,...

local threads = {}

-- run.sh --api-key: every request carries the key (each thread's state runs this line).
local bench_key = os.getenv("GATEWAY_BENCH_KEY")
if bench_key and bench_key ~= "" then
   wrk.headers["Authorization"] = "Bearer " .. bench_key
end

function setup(thread)
   table.insert(threads, thread)
   thread:set("tid", #threads)
end

responses = 0
non2xx = 0
statuses = {}

function response(status, headers, body)
   responses = responses + 1
   if status >= 300 or status < 200 then
      non2xx = non2xx + 1
   end
   statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
   local total, bad, codes = 0, 0, {}
   for _, thread in ipairs(threads) do
      total = total + (thread:get("responses") or 0)
      bad = bad + (thread:get("non2xx") or 0)
      for code, n in pairs(thread:get("statuses") or {}) do
         codes[code] = (codes[code] or 0) + n
      end
   end
   local keys = {}
   for code in pairs(codes) do table.insert(keys, code) end
   table.sort(keys)
   local parts = {}
   for _, code in ipairs(keys) do
      table.insert(parts, string.format("%d:%d", code, codes[code]))
   end
   io.write(string.format("bench-result responses=%d non2xx=%d statuses=%s\n",
                          total, bad, #parts > 0 and table.concat(parts, ",") or "-"))
end
