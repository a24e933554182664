-- DNS64 with a NAT64 prefix per client network, and PTR synthesis for every prefix.
--
-- Runs unchanged on gate64 and on PowerDNS Recursor 4.x/5.x:
--   gate64:    lua-dns-script = "contrib/dns64.lua"           (conf/recursor.conf)
--   PowerDNS:  lua-dns-script=/etc/powerdns/dns64.lua         (recursor.conf)
-- Leave dns64-prefix empty when you use this script: the script decides who gets which prefix.
-- The JavaScript twin is contrib/dns64.js; docs/scripting.md describes the API.
--
-- How it works
--   gettag      runs first, before the packet cache is asked: AAAA questions get the number of the client's view
--               as their tag, so the packet cache keeps one answer per view instead of one for everybody.
--   nodata      an AAAA question came back NOERROR without AAAA records: pick the client's prefix and ask the
--               resolver to fetch the A records and embed them ("getFakeAAAARecords", RFC 6147 §5.1).
--   preresolve  a PTR question for an address inside one of the prefixes: answer it from the IPv4 address's
--               in-addr.arpa name ("getFakePTRRecords", RFC 6147 §5.3.1), whichever client asks.
--
-- Things to know
--   * Prefixes are written as PowerDNS takes them: an IPv6 address, used as a /96 (its first 96 bits). gate64
--     also accepts "2001:db8:64::/64" style prefixes of the other RFC 6052 lengths (32, 40, 48, 56, 64).
--   * Answers depend on the client. Without gettag, the packet cache (whose key has no client address) would hand
--     the first client's prefix to everybody; the alternative, dq.variable = true in nodata, keeps such answers out
--     of the packet cache altogether, which costs a full pass through the resolver for every AAAA query. The record
--     cache only ever holds the real A records; synthesis happens per query.
--   * An AAAA lookup that fails (SERVFAIL) does not reach nodata, so it gets no synthesis here. gate64's native
--     dns64-prefix / dns64-clients do synthesise in that case (RFC 6147 §5.1.2), and keep answers packet-cacheable.
--   * Validation: a Bogus answer is never used for synthesis (RFC 6147 §5.5).

-- Edit this table. The first entry whose networks contain the client decides; clients that match none get
-- the real answer without synthesis. "!" excludes a network from an entry.
local views = {
  -- example: site B and the test lab's second client (127.0.0.2) use their own NAT64 gateway
  { networks = { "10.2.0.0/16", "fd00:2::/48", "127.0.0.2/32" }, prefix = "2001:db8:64::" },
  -- everyone else: the well-known prefix (RFC 6052 §2.1)
  { networks = { "0.0.0.0/0", "::/0" },                          prefix = "64:ff9b::" },
}

-- The ip6.arpa zone of a /96 prefix: its first 24 nibbles, reversed.
local function reverseZone(prefix)
  local raw = newCA(prefix):getRaw()       -- the 16 address bytes
  local labels = {}
  for i = 12, 1, -1 do
    local b = raw:byte(i)
    labels[#labels + 1] = string.format("%x.%x", b % 16, math.floor(b / 16))
  end
  return newDN(table.concat(labels, ".") .. ".ip6.arpa.")
end

for _, v in ipairs(views) do
  v.clients = newNMG()
  for _, n in ipairs(v.networks) do
    v.clients:addMask(n)
  end
  v.reverse = reverseZone(v.prefix)
  pdnslog("dns64.lua: " .. table.concat(v.networks, ", ") .. " -> " .. v.prefix .. " (PTR under " .. v.reverse:toString() .. ")",
          pdns.loglevels.Info)
end

local function viewFor(client)
  for i, v in ipairs(views) do
    if v.clients:match(client) then
      return v, i
    end
  end
  return nil, 0
end

-- gettag runs for every AAAA query, packet-cache hits included, so each client's view is looked up once and
-- remembered (the memo starts over when it holds 10000 clients).
local viewOf, remembered = {}, 0
local function viewIndex(client)
  local key = client:getRaw()
  local index = viewOf[key]
  if index == nil then
    local _
    _, index = viewFor(client)
    if remembered >= 10000 then
      viewOf, remembered = {}, 0
    end
    viewOf[key] = index
    remembered = remembered + 1
  end
  return index
end

function gettag(remote, ednssubnet, localaddr, qname, qtype, ednsoptions, tcp)
  if qtype ~= pdns.AAAA then
    return 0                                -- other answers are the same for every client
  end
  return viewIndex(remote)
end

function nodata(dq)
  if dq.qtype ~= pdns.AAAA then
    return false
  end
  if dq.validationState == pdns.validationstates.Bogus then
    return false                            -- never synthesise from forged data
  end
  local v = viewFor(dq.remoteaddr)
  if v == nil then
    return false
  end
  dq.followupFunction = "getFakeAAAARecords"
  dq.followupPrefix = v.prefix
  dq.followupName = dq.qname
  return true
end

function preresolve(dq)
  if dq.qtype ~= pdns.PTR then
    return false
  end
  for _, v in ipairs(views) do
    if dq.qname:isPartOf(v.reverse) then
      dq.followupFunction = "getFakePTRRecords"
      dq.followupPrefix = v.prefix
      dq.followupName = dq.qname
      return true
    end
  end
  return false
end
