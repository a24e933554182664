// The gate64 stats page: reads /stats/data.json every second and draws the charts on canvas. No library: the
// charts are plain lines and bars, so a hundred and fifty lines of drawing code are less to trust and to update than a
// bundled chart library, and the page works under a Content-Security-Policy that allows nothing but this server.
'use strict';

(function () {
  const INTERVAL_MS = 1000;
  const HISTORY = 180; // samples kept: three minutes at one a second
  const COLORS = ['#1f6feb', '#cf222e', '#1a7f37', '#9a6700', '#8250df', '#bf3989', '#0a7d91', '#57606a'];
  const samples = [];

  // ---- metric series: "name{label=\"value\",...}" -> value ----

  function familyOf(series) {
    const i = series.indexOf('{');
    return i < 0 ? series : series.substring(0, i);
  }

  function labelsOf(series) {
    const out = {};
    const i = series.indexOf('{');
    if (i < 0) {
      return out;
    }
    const re = /([A-Za-z_][A-Za-z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
    let m;
    while ((m = re.exec(series.substring(i))) !== null) {
      out[m[1]] = m[2].replace(/\\(.)/g, '$1');
    }
    return out;
  }

  /** Sum of a family's series, or of those whose labels pass the filter. */
  function total(series, family, filter) {
    let sum = 0;
    for (const k of Object.keys(series)) {
      if (familyOf(k) === family && (!filter || filter(labelsOf(k)))) {
        sum += series[k];
      }
    }
    return sum;
  }

  /** A family's values summed by one label: { noerror: 12, servfail: 1 }. */
  function byLabel(series, family, label) {
    const out = {};
    for (const k of Object.keys(series)) {
      if (familyOf(k) === family) {
        const v = labelsOf(k)[label];
        if (v !== undefined) {
          out[v] = (out[v] || 0) + series[k];
        }
      }
    }
    return out;
  }

  /** Per-second rates of f(series) between consecutive samples. */
  function rates(f) {
    const out = [];
    for (let i = 1; i < samples.length; i++) {
      const dt = (samples[i].time - samples[i - 1].time) / 1000;
      out.push(dt > 0 ? Math.max(0, (f(samples[i].series) - f(samples[i - 1].series)) / dt) : 0);
    }
    return out;
  }

  // ---- drawing ----

  function canvas2d(c) {
    const dpr = window.devicePixelRatio || 1;
    const w = c.clientWidth;
    const h = c.clientHeight;
    if (c.width !== Math.round(w * dpr) || c.height !== Math.round(h * dpr)) {
      c.width = Math.round(w * dpr);
      c.height = Math.round(h * dpr);
    }
    const g = c.getContext('2d');
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, w, h);
    g.font = '11px system-ui, sans-serif';
    return { g: g, w: w, h: h };
  }

  function niceMax(v) {
    if (!(v > 0)) {
      return 1;
    }
    const p = Math.pow(10, Math.floor(Math.log10(v)));
    for (const m of [1, 2, 2.5, 5, 10]) {
      if (m * p >= v) {
        return m * p;
      }
    }
    return 10 * p;
  }

  function fmt(v) {
    if (v >= 1e6) {
      return (v / 1e6).toFixed(1) + 'M';
    }
    if (v >= 1e3) {
      return (v / 1e3).toFixed(1) + 'k';
    }
    return Number.isInteger(v) ? String(v) : v.toFixed(v < 10 ? 2 : 1);
  }

  function axes(d, left, top, right, bottom, max, unit) {
    const g = d.g;
    g.strokeStyle = '#d0d7de';
    g.fillStyle = '#656d76';
    g.lineWidth = 1;
    g.textAlign = 'right';
    g.textBaseline = 'middle';
    for (let i = 0; i <= 4; i++) {
      const y = bottom - (bottom - top) * i / 4;
      g.beginPath();
      g.moveTo(left, Math.round(y) + 0.5);
      g.lineTo(right, Math.round(y) + 0.5);
      g.stroke();
      g.fillText(fmt(max * i / 4) + (i === 4 && unit ? ' ' + unit : ''), left - 4, y);
    }
  }

  function legend(d, names, top) {
    const g = d.g;
    let x = 50;
    g.textAlign = 'left';
    g.textBaseline = 'middle';
    names.forEach(function (n, i) {
      g.fillStyle = COLORS[i % COLORS.length];
      g.fillRect(x, top - 4, 10, 8);
      g.fillStyle = '#1f2328';
      g.fillText(n, x + 14, top);
      x += g.measureText(n).width + 30;
    });
  }

  /** Lines over time: [{ name, values }]; the canvas records how much it drew (data-points, data-max). */
  function lineChart(c, lines, unit, fixedMax) {
    const d = canvas2d(c);
    const left = 48, top = 22, right = d.w - 8, bottom = d.h - 18;
    let max = 0, points = 0;
    lines.forEach(function (l) {
      l.values.forEach(function (v) {
        max = Math.max(max, v);
        points += v > 0 ? 1 : 0;
      });
    });
    const top_ = fixedMax || niceMax(max);
    axes(d, left, top, right, bottom, top_, unit);
    // the x axis spans what has been read so far (at least a minute), up to the whole history
    let span = 60;
    lines.forEach(function (l) { span = Math.max(span, Math.min(HISTORY, l.values.length)); });
    lines.forEach(function (l, i) {
      const n = l.values.length;
      if (n === 0) {
        return;
      }
      const g = d.g;
      g.strokeStyle = COLORS[i % COLORS.length];
      g.lineWidth = 1.5;
      g.beginPath();
      l.values.forEach(function (v, j) {
        const x = right - (n - 1 - j) * (right - left) / (span - 1);
        const y = bottom - Math.min(v, top_) / top_ * (bottom - top);
        if (j === 0) {
          g.moveTo(x, y);
        } else {
          g.lineTo(x, y);
        }
      });
      g.stroke();
    });
    d.g.fillStyle = '#656d76';
    d.g.textAlign = 'left';
    d.g.fillText('last ' + Math.round(span * INTERVAL_MS / 1000) + ' s', left, d.h - 8);
    legend(d, lines.map(function (l) { return l.name; }), 8);
    c.dataset.points = String(points);
    c.dataset.max = String(max);
  }

  /** Bars: [[label, value]]. */
  function barChart(c, bars, unit) {
    const d = canvas2d(c);
    const left = 48, top = 12, right = d.w - 8, bottom = d.h - 30;
    let max = 0, points = 0;
    bars.forEach(function (b) {
      max = Math.max(max, b[1]);
      points += b[1] > 0 ? 1 : 0;
    });
    const top_ = niceMax(max);
    axes(d, left, top, right, bottom, top_, unit);
    const g = d.g;
    const slot = (right - left) / Math.max(1, bars.length);
    bars.forEach(function (b, i) {
      const h = b[1] / top_ * (bottom - top);
      g.fillStyle = COLORS[i % COLORS.length];
      g.fillRect(left + i * slot + slot * 0.15, bottom - h, slot * 0.7, h);
      g.fillStyle = '#1f2328';
      g.textAlign = 'center';
      g.textBaseline = 'top';
      const label = b[0].length > 14 ? b[0].substring(0, 13) + '…' : b[0];
      g.fillText(label, left + i * slot + slot / 2, bottom + 4);
      if (b[1] > 0) {
        g.textBaseline = 'bottom';
        g.fillText(fmt(b[1]), left + i * slot + slot / 2, bottom - h - 1);
      }
    });
    if (bars.length === 0) {
      g.fillStyle = '#656d76';
      g.textAlign = 'center';
      g.fillText('nothing yet', (left + right) / 2, (top + bottom) / 2);
    }
    c.dataset.points = String(points);
    c.dataset.max = String(max);
  }

  // ---- tables (textContent only: names come from clients) ----

  function fillTable(id, rows) {
    const body = document.querySelector('#' + id + ' tbody');
    while (body.firstChild) {
      body.removeChild(body.firstChild);
    }
    rows.forEach(function (r) {
      const tr = document.createElement('tr');
      r.forEach(function (cell) {
        const td = document.createElement('td');
        td.textContent = String(cell);
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
    if (rows.length === 0) {
      const tr = document.createElement('tr');
      const td = document.createElement('td');
      td.textContent = 'none yet';
      td.colSpan = 5;
      tr.appendChild(td);
      body.appendChild(tr);
    }
  }

  function pill(id, status, word) {
    const el = document.getElementById(id);
    el.textContent = status.ok ? word : 'not ' + word;
    el.title = status.reason || '';
    el.className = 'pill ' + (status.ok ? 'ok' : 'bad');
  }

  function duration(s) {
    if (s < 120) {
      return Math.round(s) + ' s';
    }
    if (s < 7200) {
      return Math.round(s / 60) + ' min';
    }
    if (s < 172800) {
      return (s / 3600).toFixed(1) + ' h';
    }
    return (s / 86400).toFixed(1) + ' d';
  }

  // ---- one update ----

  function latencyBars(now) {
    // the last minute: this reading's buckets minus those of the reading about 60 s ago (or the first one kept)
    let then = samples[0];
    for (const s of samples) {
      if (now.time - s.time >= 60000) {
        then = s;
      }
    }
    const b = now.latency.bounds || [];
    const bars = [];
    for (let i = 0; i <= b.length; i++) {
      const label = i < b.length ? (b[i] < 1 ? +(b[i] * 1000).toPrecision(3) + 'ms' : b[i] + 's') : '>' + b[b.length - 1] + 's';
      const delta = (now.latency.counts[i] || 0) - (then === now ? 0 : (then.latency.counts[i] || 0));
      bars.push([label, Math.max(0, delta)]);
    }
    return bars;
  }

  function render(now) {
    const s = now.series;
    pill('health', now.health, 'healthy');
    pill('ready', now.ready, 'ready');
    document.getElementById('uptime').textContent = duration(now.uptime);
    document.getElementById('inflight').textContent = fmt(total(s, 'gate64_queries_in_flight'));

    const qps = rates(function (x) { return total(x, 'gate64_queries_total'); });
    const servfail = rates(function (x) { return total(x, 'gate64_answers_total', function (l) { return l.rcode === 'servfail'; }); });
    const nxdomain = rates(function (x) { return total(x, 'gate64_answers_total', function (l) { return l.rcode === 'nxdomain'; }); });
    const dropped = rates(function (x) { return total(x, 'gate64_drops_total'); });
    document.getElementById('qps-now').textContent = qps.length ? fmt(qps[qps.length - 1]) : '–';
    lineChart(document.getElementById('qps'), [
      { name: 'received', values: qps }, { name: 'SERVFAIL', values: servfail },
      { name: 'NXDOMAIN', values: nxdomain }, { name: 'dropped', values: dropped }], '/s');

    function hitRatio(cache) {
      const out = [];
      for (let i = 1; i < samples.length; i++) {
        const f = function (x, fam) { return total(x, fam, function (l) { return l.cache === cache; }); };
        const hits = f(samples[i].series, 'gate64_cache_hits_total') - f(samples[i - 1].series, 'gate64_cache_hits_total');
        const misses = f(samples[i].series, 'gate64_cache_misses_total') - f(samples[i - 1].series, 'gate64_cache_misses_total');
        out.push(hits + misses > 0 ? 100 * hits / (hits + misses) : 0);
      }
      return out;
    }
    lineChart(document.getElementById('cache'), [
      { name: 'packet cache', values: hitRatio('packet') }, { name: 'record cache', values: hitRatio('record') },
      { name: 'negative cache', values: hitRatio('negative') }], '%', 100);

    barChart(document.getElementById('latency'), latencyBars(now), 'answers');

    const skipped = byLabel(s, 'gate64_dns64_skipped_total', 'reason');
    const dns64 = [['synthesised', total(s, 'gate64_dns64_synthesized_total')], ['PTR', total(s, 'gate64_dns64_ptr_total')]];
    Object.keys(skipped).sort().forEach(function (r) { dns64.push(['skipped: ' + r, skipped[r]]); });
    barChart(document.getElementById('dns64'), dns64, 'answers');

    const dnssec = byLabel(s, 'gate64_dnssec_results_total', 'state');
    barChart(document.getElementById('dnssec'), ['secure', 'insecure', 'bogus'].map(function (k) { return [k, dnssec[k] || 0]; }),
      'answers');

    const rcodes = byLabel(s, 'gate64_answers_total', 'rcode');
    const drops = byLabel(s, 'gate64_drops_total', 'reason');
    const outcomes = [];
    Object.keys(rcodes).sort().forEach(function (k) { if (rcodes[k] > 0) { outcomes.push([k, rcodes[k]]); } });
    Object.keys(drops).sort().forEach(function (k) { if (drops[k] > 0) { outcomes.push(['drop: ' + k, drops[k]]); } });
    barChart(document.getElementById('outcomes'), outcomes, '');

    document.getElementById('sampled').textContent = 'among the last ' + now.top.sampled + ' queries';
    fillTable('top-names', now.top.names.map(function (c) { return [c.key, c.count]; }));
    fillTable('top-clients', now.top.clients.map(function (c) { return [c.key, c.count]; }));
    fillTable('upstreams', now.upstreams.map(function (u) {
      return [u.server, u.kind, u.srtt_ms.toFixed(1), u.timeouts, u.throttled ? 'yes' : 'no'];
    }));

    const nat = document.getElementById('nat64');
    if (now.nat64) {
      nat.hidden = false;
      document.getElementById('nat64-url').textContent = now.nat64.url;
      const err = document.getElementById('nat64-error');
      err.textContent = now.nat64.error ? 'cannot read the gateway: ' + now.nat64.error : '';
      err.className = now.nat64.error ? 'status bad' : 'status';
      const protos = ['tcp', 'udp', 'icmp'];
      lineChart(document.getElementById('nat64-sessions'), protos.map(function (p) {
        return { name: p, values: samples.slice(1).map(function (x) {
          return x.nat64 ? total(x.nat64.series, 'gate64_nat64_sessions', function (l) { return l.proto === p; }) : 0;
        }) };
      }), '');
      const natDrops = byLabel(now.nat64.series, 'gate64_nat64_dropped_total', 'reason');
      barChart(document.getElementById('nat64-drops'),
        Object.keys(natDrops).sort().filter(function (k) { return natDrops[k] > 0; }).map(function (k) { return [k, natDrops[k]]; }),
        'packets');
    } else {
      nat.hidden = true;
    }
  }

  function tick() {
    const status = document.getElementById('status');
    fetch('/stats/data.json', { cache: 'no-store', credentials: 'same-origin' })
      .then(function (r) {
        if (!r.ok) {
          throw new Error('HTTP ' + r.status);
        }
        return r.json();
      })
      .then(function (now) {
        samples.push(now);
        while (samples.length > HISTORY + 1) {
          samples.shift();
        }
        render(now);
        status.textContent = 'updated ' + new Date(now.time).toLocaleTimeString();
        status.className = 'status';
        document.body.dataset.updates = String((Number(document.body.dataset.updates) || 0) + 1);
      })
      .catch(function (e) {
        status.textContent = 'cannot read the statistics: ' + e.message;
        status.className = 'status bad';
      })
      .finally(function () {
        setTimeout(tick, INTERVAL_MS);
      });
  }

  tick();
}());
