-- POST reviews with If-Match, keeping each item's version from the responses (the review's
-- "item" and the ETag; on 412 the "current" item's version). Items are split between threads.
-- Configured by the environment: BENCH_IDS (claim ids with versions), BENCH_TOKENS (reviewer tokens).
local all_ids, tokens = {}, {}
-- BENCH_IDS lists "id:version" pairs (the version each claim has when the run starts).
local start_versions = {}
for id, version in string.gmatch(os.getenv("BENCH_IDS"), "(%d+):(%d+)") do
  all_ids[#all_ids + 1] = id
  start_versions[id] = '"' .. version .. '"'
end
for token in string.gmatch(os.getenv("BENCH_TOKENS"), "[^,]+") do tokens[#tokens + 1] = token end
local thread_count = tonumber(os.getenv("BENCH_THREADS") or "2")
local next_thread = 0
local counter, versions, ids = 0, {}, {}
local verdicts = { "correct", "disputed", "unverified" }

setup = function(thread)
  thread:set("thread_index", next_thread)
  next_thread = next_thread + 1
end

init = function(args)
  for index, id in ipairs(all_ids) do
    if index % thread_count == thread_index then ids[#ids + 1] = id end
  end
end

request = function()
  counter = counter + 1
  local id = ids[counter % #ids + 1]
  local body = string.format('{"verdict": "%s", "rationale": "benchmark"}', verdicts[counter % 3 + 1])
  return wrk.format("POST", "/api/v1/claims/" .. id .. "/reviews/", {
    ["Authorization"] = "Token " .. tokens[counter % #tokens + 1],
    ["Content-Type"] = "application/json",
    ["If-Match"] = versions[id] or start_versions[id],
  }, body)
end

response = function(status, headers, body)
  local item = string.match(body, '"item":(%d+)')
  if status == 412 then
    item = string.match(body, '"current":{"id":(%d+)')
  end
  if item and headers["ETag"] then versions[item] = headers["ETag"] end
end
