// The PowerDNS-documented DNS64 script (pdns/recursordist/contrib/dns64.lua, powerdns-dns64.lua here), line for
// line in JavaScript.
const prefix = "fe80::21b:77ff:0:0";

function nodata(dq) {
  if (dq.qtype != pdns.AAAA) {
    return false;
  }  //  only AAAA records

  // don't fake AAAA records if DNSSEC validation failed
  if (dq.validationState == pdns.validationstates.Bogus) {
    return false;
  }

  dq.followupFunction = "getFakeAAAARecords";
  dq.followupPrefix = prefix;
  dq.followupName = dq.qname;
  return true;
}

// the ip6.arpa address is the reverse of the prefix address above
function preresolve(dq) {
  if (dq.qtype == pdns.PTR && dq.qname.isPartOf(newDN("f.f.7.7.b.1.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.e.f.ip6.arpa."))) {
    dq.followupFunction = "getFakePTRRecords";
    dq.followupPrefix = prefix;
    dq.followupName = dq.qname;
    return true;
  }
  return false;
}
