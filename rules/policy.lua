-- 规则入口（the entry module the host loads）
--
-- 《中华人民共和国政府信息公开条例》（2019年修订，国务院令第711号）的默认办理规则。
-- The host calls `classify` once per ledger row and `explain` for one row on request. Both are
-- plain Lua: `lua5.4 -e 'package.path="rules/?.lua;"..package.path'` can run them too.

local ledger = require "ledger"
local outcomes = require "outcomes"
local steps = require "steps"
local deadline = require "deadline"
local calendar = require "calendar"
local letters = require "letters"

local policy = {
  -- The rules-API version this policy is written for; the host refuses versions it does not know.
  api_version = 1,
  ledger = ledger,
  outcomes = outcomes,
  steps = steps,
  regimes = deadline.regimes,
  letters = letters,
  calendar = { first_year = calendar.first_year, last_year = calendar.last_year, files = calendar.files },
}

local nsteps = #steps

--- The first step that applies decides: returns the outcome key and the step.
function policy.decide(app)
  for i = 1, nsteps do
    local s = steps[i]
    local o = s.decide(app)
    if o ~= nil then return o, s end
  end
  error("没有任何决定步骤适用：最后一个步骤必须总能作出决定", 0)
end

--- The outcome and deadline of one application. The host passes the steps' decision (`outcome`,
-- `step`): it runs `policy.decide` on a read-only view of the row, or, when an earlier row read the
-- same cells with the same values, remembers what it gave (steps must therefore depend only on
-- the cells they read). Called with only (app, as_of), as plain Lua does, classify decides itself.
function policy.classify(app, as_of, outcome, step)
  if outcome == nil then outcome, step = policy.decide(app) end
  local r = deadline.compute(app, as_of)
  r.outcome = outcome
  r.step = step.id
  return r
end

--- Every step in order until the deciding one, with the ledger fields each step read.
function policy.explain(app, as_of)
  local trace = {}
  local decided
  for i = 1, nsteps do
    local s = steps[i]
    local read, seen = {}, {}
    local view = setmetatable({}, { __index = function(_, k)
      if not seen[k] then seen[k] = true; read[#read + 1] = k end
      return app[k]
    end })
    local o = s.decide(view)
    trace[i] = { step = s.id, applied = o ~= nil, outcome = o, read = read }
    if o ~= nil then decided = i; break end
  end
  local d = deadline.compute(app, as_of)
  local outcome = decided and trace[decided].outcome
  return { steps = trace, decided = decided, deadline = d,
           letters = decided and letters.for_row(app, outcome, steps[decided], d) or {} }
end

return policy
