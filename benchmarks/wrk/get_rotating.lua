-- GET a path template with {id} replaced by ids in turn, one token per request in turn.
-- Configured by the environment: BENCH_PATH, BENCH_IDS (comma-separated), BENCH_TOKENS.
local path = os.getenv("BENCH_PATH")
local ids, tokens = {}, {}
for id in string.gmatch(os.getenv("BENCH_IDS") or "0", "[^,]+") do ids[#ids + 1] = id end
for token in string.gmatch(os.getenv("BENCH_TOKENS") or "", "[^,]+") do tokens[#tokens + 1] = token end
local counter = 0

setup = function(thread) thread:set("offset", math.random(1, 1000)) end

request = function()
  counter = counter + 1
  local id = ids[(counter + (offset or 0)) % #ids + 1]
  local headers = {}
  if #tokens > 0 then headers["Authorization"] = "Token " .. tokens[(counter + (offset or 0)) % #tokens + 1] end
  return wrk.format("GET", string.gsub(path, "{id}", id), headers)
end
