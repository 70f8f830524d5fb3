-- GET /apis/{id}, cycling through the ids that run.sh collected after seeding.
-- Arguments (after wrk's "--"): <ids-file>, one id per line.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "common.lua")

local ids = {}
local next_index = 1

function init(args)
   local path = args[1]
   if not path then
      error("get_by_id.lua: the ids file is a required argument")
   end
   for line in io.lines(path) do
      if line ~= "" then
         table.insert(ids, line)
      end
   end
   if #ids == 0 then
      error("get_by_id.lua: no ids in " .. path)
   end
   -- Threads start at different places in the list so they do not walk in step.
   next_index = math.floor(((tid or 1) - 1) * #ids * 0.618) % #ids + 1
   wrk.headers["Accept"] = "application/json"
end

function request()
   local id = ids[next_index]
   next_index = next_index % #ids + 1
   return wrk.format("GET", "/apis/" .. id)
end
