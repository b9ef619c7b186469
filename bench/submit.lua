-- wrk script: POST /api/v1/reports with a valid anonymous report. Each request comes from its
-- own address (X-Forwarded-For; the server runs with --trust-proxy), as many reporters would,
-- so the per-address limit does not stop the run.
local n = 0
request = function()
  n = n + 1
  local body = '{"reporter_type":"self","narrative":"Benchmark report number ' .. n ..
    '. The landlord refused to rent to me because of where I come from.",' ..
    '"event_period":"spring 2025","municipality":"Oslo","place_kind":"housing",' ..
    '"area":"housing","grounds":["ethnicity"],"party_kind":"landlord",' ..
    '"wishes":["advice"],"contact_mode":"none","consent":true}'
  local headers = {
    ["Content-Type"] = "application/json",
    ["X-Forwarded-For"] = string.format("10.%d.%d.%d", math.random(0, 255), math.random(0, 255),
                                        math.random(1, 254)),
  }
  return wrk.format("POST", "/api/v1/reports", headers, body)
end
