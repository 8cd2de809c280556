-- wrk script of scripts/bench.sh: POSTs one fixed request (the file named by
-- the BODY environment variable) as JSON -- or, without BODY, GETs the URL --
-- and at the end prints one line of JSON with the throughput, latency
-- percentiles (microseconds) and errors.
local body_file = os.getenv("BODY")
if body_file and body_file ~= "" then
  local f = assert(io.open(body_file, "rb"))
  wrk.method = "POST"
  wrk.body = f:read("*a")
  f:close()
  wrk.headers["Content-Type"] = "application/json"
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"requests_per_second":%.1f,"p50_us":%d,"p90_us":%d,"p99_us":%d,' ..
    '"max_us":%d,"bytes":%d,"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}}\n',
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    summary.bytes, e.connect, e.read, e.write, e.status, e.timeout))
end
