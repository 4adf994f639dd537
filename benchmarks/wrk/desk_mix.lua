-- A desk at work: reviewers read their queue and, one request in BENCH_WRITE_EVERY, submit a
-- review with If-Match (each item's version kept from the answers, as review.lua does). Every
-- review changes the desk, so the queue reads that follow it are computed again.
-- Configured by the environment: BENCH_IDS (claim ids with versions), BENCH_TOKENS, BENCH_WRITE_EVERY.
local all_ids, tokens = {}, {}
-- BENCH_IDS lists "id:version" pairs (the version each claim has when the run starts).
local start_versions = {}
for id, version in string.gmatch(os.getenv("BENCH_IDS"), "(%d+):(%d+)") do
  all_ids[#all_ids + 1] = id
  start_versions[id] = '"' .. version .. '"'
end
for token in string.gmatch(os.getenv("BENCH_TOKENS"), "[^,]+") do tokens[#tokens + 1] = token end
local write_every = tonumber(os.getenv("BENCH_WRITE_EVERY") or "10")
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
  local token = tokens[counter % #tokens + 1]
  if counter % write_every ~= 0 then
    return wrk.format("GET", "/api/v1/queue/", { ["Authorization"] = "Token " .. token })
  end
  local id = ids[math.floor(counter / write_every) % #ids + 1]
  local body = string.format('{"verdict": "%s", "rationale": "benchmark"}', verdicts[counter % 3 + 1])
  return wrk.format("POST", "/api/v1/claims/" .. id .. "/reviews/", {
    ["Authorization"] = "Token " .. token,
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
