// ScriptingEndToEndTest: one behaviour per name of the lab's demo.test zone. hooks.lua is its twin.
const blocked = newNMG();
blocked.addMask("127.0.0.3/32");

const siteB = newNMG(["127.0.0.2/32"]);

function ipfilter(remoteaddr, localaddr, dh) {
  return blocked.match(remoteaddr) && dh.getRD();
}

function preresolve(dq) {
  dq.data = { seen: "preresolve:" + dq.qname.toString() };
  if (dq.qname.equal("scripted.demo.test") && dq.qtype === pdns.A) {
    dq.addAnswer(pdns.A, "192.0.2.99", 60);
    dq.addAnswer(pdns.A, "192.0.2.98");
    dq.rcode = pdns.NOERROR;
    return true;
  }
  if (dq.qname.equal("refused.demo.test")) {
    dq.rcode = pdns.REFUSED;
    return true;
  }
  if (dq.qname.equal("boom.demo.test")) {
    throw new Error("deliberate failure");
  }
  if (dq.qname.equal("spin.demo.test")) {
    while (true) {}
  }
  if (dq.qname.equal("follow.demo.test") && dq.qtype === pdns.A) {
    dq.addAnswer(pdns.CNAME, "v4only.demo.test.", 60);
    dq.followupFunction = "followCNAMERecords";
    return true;
  }
  if (dq.qtype === pdns.PTR && dq.qname.isPartOf(newDN("b.9.f.f.4.6.0.0.ip6.arpa"))) {
    dq.followupFunction = "getFakePTRRecords";
    dq.followupPrefix = "64:ff9b::";
    dq.followupName = dq.qname;
    return true;
  }
  return false;
}

function nxdomain(dq) {
  if (dq.qtype === pdns.A && dq.qname.isPartOf(newDN("demo.test"))) {
    dq.rcode = pdns.NOERROR;
    dq.addAnswer(pdns.A, "192.0.2.250", 30);
    return true;
  }
  return false;
}

function nodata(dq) {
  if (dq.qtype !== pdns.AAAA) {
    return false;
  }
  dq.variable = true;
  dq.followupFunction = "getFakeAAAARecords";
  dq.followupName = dq.qname;
  dq.followupPrefix = siteB.match(dq.remoteaddr) ? "2001:db8:64::" : "64:ff9b::";
  return true;
}

function postresolve(dq) {
  if (dq.qname.equal("dual.demo.test") && dq.qtype === pdns.A) {
    const records = dq.getRecords();
    for (const r of records) {
      if (r.type === pdns.A && r.place === pdns.place.ANSWER) {
        r.changeContent("192.0.2.21");
        r.ttl = 42;
      }
    }
    dq.setRecords(records);
    dq.addRecord(pdns.TXT, '"' + dq.data.seen + '"', pdns.place.ANSWER, 42);
    return true;
  }
  return false;
}
