-- ScriptingEndToEndTest: one behaviour per name of the lab's demo.test zone. hooks.js is its twin.
local blocked = newNMG()
blocked:addMask("127.0.0.3/32")

local siteB = newNMG({ "127.0.0.2/32" })

function ipfilter(remoteaddr, localaddr, dh)
  return blocked:match(remoteaddr) and dh:getRD()
end

function preresolve(dq)
  dq.data.seen = "preresolve:" .. dq.qname:toString()
  if dq.qname:equal("scripted.demo.test") and dq.qtype == pdns.A then
    dq:addAnswer(pdns.A, "192.0.2.99", 60)
    dq:addAnswer(pdns.A, "192.0.2.98")
    dq.rcode = pdns.NOERROR
    return true
  end
  if dq.qname:equal("refused.demo.test") then
    dq.rcode = pdns.REFUSED
    return true
  end
  if dq.qname:equal("boom.demo.test") then
    error("deliberate failure")
  end
  if dq.qname:equal("spin.demo.test") then
    while true do end
  end
  if dq.qname:equal("follow.demo.test") and dq.qtype == pdns.A then
    dq:addAnswer(pdns.CNAME, "v4only.demo.test.", 60)
    dq.followupFunction = "followCNAMERecords"
    return true
  end
  if dq.qtype == pdns.PTR and dq.qname:isPartOf(newDN("b.9.f.f.4.6.0.0.ip6.arpa")) then
    dq.followupFunction = "getFakePTRRecords"
    dq.followupPrefix = "64:ff9b::"
    dq.followupName = dq.qname
    return true
  end
  return false
end

function nxdomain(dq)
  if dq.qtype == pdns.A and dq.qname:isPartOf(newDN("demo.test")) then
    dq.rcode = pdns.NOERROR
    dq:addAnswer(pdns.A, "192.0.2.250", 30)
    return true
  end
  return false
end

function nodata(dq)
  if dq.qtype ~= pdns.AAAA then
    return false
  end
  dq.variable = true
  dq.followupFunction = "getFakeAAAARecords"
  dq.followupName = dq.qname
  if siteB:match(dq.remoteaddr) then
    dq.followupPrefix = "2001:db8:64::"
  else
    dq.followupPrefix = "64:ff9b::"
  end
  return true
end

function postresolve(dq)
  if dq.qname:equal("dual.demo.test") and dq.qtype == pdns.A then
    local records = dq:getRecords()
    for _, r in ipairs(records) do
      if r.type == pdns.A and r.place == pdns.place.ANSWER then
        r:changeContent("192.0.2.21")
        r.ttl = 42
      end
    end
    dq:setRecords(records)
    dq:addRecord(pdns.TXT, '"' .. dq.data.seen .. '"', pdns.place.ANSWER, 42)
    return true
  end
  return false
end
