-- ScriptingEndToEndTest: shows dq.validationState as a TXT answer (postresolve sees the resolution's state).
function postresolve(dq)
  if dq.qtype ~= pdns.TXT then
    return false
  end
  dq:setRecords({})
  dq.rcode = pdns.NOERROR
  dq:addAnswer(pdns.TXT, '"' .. dq.validationState .. '"', 5)
  return true
end
