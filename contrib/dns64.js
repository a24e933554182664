// DNS64 with a NAT64 prefix per client network, and PTR synthesis for every prefix: the JavaScript twin of
// contrib/dns64.lua, hook for hook (read that file for the operator notes; docs/scripting.md for the API).
//
//   gate64:  lua-dns-script = "contrib/dns64.js"   (a .js file selects the JavaScript engine)
//
// The PowerDNS API is the same as in Lua, with JavaScript syntax: methods use "." instead of ":"
// (dq.qname.isPartOf(zone)), and getRecords() returns an array.

// Edit this table. The first entry whose networks contain the client decides; "!" excludes a network.
const views = [
  // example: site B and the test lab's second client (127.0.0.2) use their own NAT64 gateway
  { networks: ["10.2.0.0/16", "fd00:2::/48", "127.0.0.2/32"], prefix: "2001:db8:64::" },
  // everyone else: the well-known prefix (RFC 6052 §2.1)
  { networks: ["0.0.0.0/0", "::/0"], prefix: "64:ff9b::" },
];

// The ip6.arpa zone of a /96 prefix: its first 24 nibbles, reversed.
function reverseZone(prefix) {
  const raw = newCA(prefix).getRaw();       // the 16 address bytes, one character each
  const labels = [];
  for (let i = 11; i >= 0; i--) {
    const b = raw.charCodeAt(i);
    labels.push((b % 16).toString(16) + "." + Math.floor(b / 16).toString(16));
  }
  return newDN(labels.join(".") + ".ip6.arpa.");
}

for (const v of views) {
  v.clients = newNMG();
  for (const n of v.networks) {
    v.clients.addMask(n);
  }
  v.reverse = reverseZone(v.prefix);
  pdnslog("dns64.js: " + v.networks.join(", ") + " -> " + v.prefix + " (PTR under " + v.reverse.toString() + ")",
          pdns.loglevels.Info);
}

function viewFor(client) {
  for (const v of views) {
    if (v.clients.match(client)) {
      return v;
    }
  }
  return null;
}

// gettag runs for every AAAA query, packet-cache hits included, so each client's view is looked up once and
// remembered (the memo starts over when it holds 10000 clients).
let viewOf = new Map();
function viewIndex(client) {
  const key = client.getRaw();
  let index = viewOf.get(key);
  if (index === undefined) {
    index = views.findIndex(v => v.clients.match(client)) + 1;
    if (viewOf.size >= 10000) {
      viewOf = new Map();
    }
    viewOf.set(key, index);
  }
  return index;
}

// Runs before the packet cache is asked: AAAA answers are cached per view (the tag), not one for everybody.
function gettag(remote, ednssubnet, localaddr, qname, qtype, ednsoptions, tcp) {
  if (qtype !== pdns.AAAA) {
    return 0;                               // other answers are the same for every client
  }
  return viewIndex(remote);
}

function nodata(dq) {
  if (dq.qtype !== pdns.AAAA) {
    return false;
  }
  if (dq.validationState === pdns.validationstates.Bogus) {
    return false;                           // never synthesise from forged data
  }
  const v = viewFor(dq.remoteaddr);
  if (v === null) {
    return false;
  }
  dq.followupFunction = "getFakeAAAARecords";
  dq.followupPrefix = v.prefix;
  dq.followupName = dq.qname;
  return true;
}

function preresolve(dq) {
  if (dq.qtype !== pdns.PTR) {
    return false;
  }
  for (const v of views) {
    if (dq.qname.isPartOf(v.reverse)) {
      dq.followupFunction = "getFakePTRRecords";
      dq.followupPrefix = v.prefix;
      dq.followupName = dq.qname;
      return true;
    }
  }
  return false;
}
