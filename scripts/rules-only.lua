-- rules-only.lua: the rules' own cost, with I/O excluded.
--
--   lua5.4 scripts/rules-only.lua RULES LEDGER.csv AS_OF
--
-- Reads the whole ledger first into a Lua array of app tables (with the reader of
-- scripts/plain-lua-classify.lua, so the values are exactly what the rules get there), then
-- times only the loop that calls policy.classify(app, as_of) for every row, with os.clock
-- (CPU time of this process), by the stock interpreter: no sandbox, no instruction hook.
-- Prints one line:  rows=N seconds=S rows_per_s=R
-- scripts/bench.sh compares S with govrules' one-worker wall time (the host overhead).

local rules_dir, ledger_path, as_of_text = arg[1], arg[2], arg[3]
if not (rules_dir and ledger_path and as_of_text) then
  io.stderr:write("usage: lua5.4 rules-only.lua RULES LEDGER.csv AS_OF\n")
  os.exit(64)
end
local here = arg[0]:match("^(.*)/[^/]*$") or "."
local lib = assert(loadfile(here .. "/plain-lua-classify.lua"))("--module")

local as_of = lib.parse_date(as_of_text) or error("AS_OF: not a date: " .. as_of_text)
local policy, cal = lib.setup(rules_dir)
local _, next_row = lib.open_ledger(ledger_path, policy, cal)

local apps, n = {}, 0
while true do
  local app, fields, line, problems = next_row()
  if not fields then break end
  if not app then
    io.stderr:write(("%s:%d: %s\n"):format(ledger_path, line, table.concat(problems, "；")))
    os.exit(1)
  end
  n = n + 1
  apps[n] = app
end

collectgarbage("collect")
local classify = policy.classify
local counts = {}
local t0 = os.clock()
for i = 1, n do
  local r = classify(apps[i], as_of)
  local o = r.outcome
  counts[o] = (counts[o] or 0) + 1
end
local seconds = os.clock() - t0

io.write(("rows=%d seconds=%.3f rows_per_s=%.0f\n"):format(n, seconds, seconds > 0 and n / seconds or 0))
