-- GET /apis?limit=100: the first page of the collection.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "common.lua")

wrk.method = "GET"
wrk.path = "/apis?limit=100"
wrk.headers["Accept"] = "application/json"
