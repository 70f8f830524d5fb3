-- POST /apis with a body that is unique per request: every response should be 201.
-- Names and base paths are "<run>-t<thread>-<counter>", so threads never collide.
-- Arguments (after wrk's "--"): <run-tag> (letters and digits).
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "common.lua")

local run_tag = "load"
local counter = 0

function init(args)
   run_tag = args[1] or run_tag
   wrk.headers["Content-Type"] = "application/json"
   wrk.headers["Accept"] = "application/json"
end

function request()
   counter = counter + 1
   local key = string.format("%s-t%d-%d", run_tag, tid or 0, counter)
   local body = string.format(
      '{"name":"%s","description":"Created by the benchmark","base_path":"/load/%s",' ..
      '"upstream_url":"http://127.0.0.1:9000/%s","methods":["GET","POST"],' ..
      '"auth_type":"api_key","rate_limit_per_minute":600,"tags":["bench","load"]}',
      key, key, key)
   return wrk.format("POST", "/apis", nil, body)
end
