-- wrk script for scripts/bench.py: POST /v1/search with a mix of questions, stop after a fixed number of responses.
--
--   wrk -t1 -c32 -d600s -s scripts/bench_load.lua http://127.0.0.1:8000 -- BODIES_FILE REQUESTS
--
-- BODIES_FILE holds one JSON request body per line, sent in turn (cycling). wrk runs for a duration, not a count:
-- after REQUESTS responses the script sends itself SIGINT, which makes wrk stop and report (its Ctrl-C path), so
-- the duration and rate cover exactly those requests. Use one wrk thread (-t1): the count is per thread.
-- The last line printed is `BENCH {json}` with latency percentiles in microseconds and error counts.

local ffi = require("ffi")
ffi.cdef [[
  int kill(int pid, int sig);
  int getpid(void);
]]

local bodies = {}
local next_body = 0
local responses = 0
local limit = 0
local headers = { ["Content-Type"] = "application/json" }

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then bodies[#bodies + 1] = line end
  end
  limit = tonumber(args[2])
  assert(#bodies > 0 and limit and limit > 0, "usage: -- BODIES_FILE REQUESTS")
end

function request()
  next_body = next_body % #bodies + 1
  return wrk.format("POST", "/v1/search", headers, bodies[next_body])
end

function response(status, _, _)
  responses = responses + 1
  if responses == limit then
    ffi.C.kill(ffi.C.getpid(), 2)
  end
end

function done(summary, latency, _)
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.max, e.connect, e.read, e.write, e.status, e.timeout))
end
