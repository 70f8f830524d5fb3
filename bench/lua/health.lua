-- GET /health.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "common.lua")

wrk.method = "GET"
wrk.path = "/health"
wrk.headers["Accept"] = "application/json"
