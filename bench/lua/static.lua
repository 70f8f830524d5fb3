-- GET of the static JSON body that nginx serves (the reference).
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "common.lua")

wrk.method = "GET"
wrk.path = "/api.json"
wrk.headers["Accept"] = "application/json"
