// The page's one script: reads the embedded report and series and draws the
// headline, the cards and the charts. It never fetches anything. When it is done
// it marks body[data-rendered] and, per chart, data-ink (pixels drawn in colour
// inside the plot area) so a headless browser can check every chart drew.
(function () {
  "use strict";
  // Owner keys are u64: keep their exact digits where the browser gives the source text.
  var report = JSON.parse(document.getElementById("gl-report").textContent, function (k, v, ctx) {
    return k === "owner_key" && ctx && ctx.source ? BigInt(ctx.source) : v;
  });
  var series = JSON.parse(document.getElementById("gl-series").textContent);
  var NS_PER_MS = 1e6;
  var PALETTE = ["#2f6fdb", "#d9480f", "#2b8a3e", "#ae3ec9", "#e8590c", "#1098ad", "#c2255c",
    "#5c940d", "#364fc7", "#a61e4d", "#087f5b", "#862e9c", "#d6336c", "#0b7285", "#e67700"];
  var WINDOW_COLOURS = { startup: "rgba(250, 176, 5, 0.16)", steady: "rgba(64, 192, 87, 0.10)", shutdown: "rgba(134, 142, 150, 0.18)" };
  var CAUSES = [["rebuild", "#2f6fdb"], ["replaced", "#ae3ec9"], ["shutdown", "#868e96"], ["owner-removed", "#e8590c"], ["unknown", "#c92a2a"]];
  var plots = [];

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    for (var k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (text != null) e.textContent = text;
    return e;
  }
  function ms(ns) { return ns / NS_PER_MS; }
  function fmtMs(v) {
    if (v == null) return "-";
    return Math.abs(v) >= 10000 ? (v / 1000).toFixed(2) + " s" : v.toFixed(3) + " ms";
  }
  function fmtWidth(ns) {
    var v = ms(ns);
    return v >= 1000 ? (v / 1000).toFixed(3).replace(/\.?0+$/, "") + " s" : v.toFixed(3).replace(/\.?0+$/, "") + " ms";
  }
  function hexKey(k) { return "0x" + BigInt(k).toString(16); }
  function plotWidth(fig) { return Math.max(320, fig.querySelector(".plot").clientWidth || 800); }

  // ---- header, headline, cards ----
  var source = report.stream.source ? " from \u201c" + report.stream.source + "\u201d" : "";
  document.getElementById("subtitle").textContent =
    report.totals.events + " events" + source + "; times in ms since the stream started";
  document.title = "gpu-ledger report" + (report.stream.source ? " \u2014 " + report.stream.source : "");
  var headline = document.getElementById("headline");
  report.headline.forEach(function (line) { headline.appendChild(el("li", {}, line)); });

  function card(key, value, sub, cls) {
    var c = el("div", { "class": "card" + (cls ? " " + cls : "") });
    c.appendChild(el("div", { "class": "k" }, key));
    c.appendChild(el("div", { "class": "v" }, value));
    if (sub) c.appendChild(el("div", { "class": "s" }, sub));
    document.getElementById("cards").appendChild(c);
  }
  var s = report.startup;
  card("Startup frames presented", String(s.frames_presented),
    s.stabilised ? "stable after " + fmtMs(s.stabilisation_ms) : "never stabilised");
  function churn(w) { var r = report.windows[w]; return r && r.churn_ratio != null ? r.churn_ratio.toFixed(3) : "-"; }
  card("Churn ratio", churn("startup") + " / " + churn("steady") + " / " + churn("shutdown"),
    "(creates + destroys) per present: startup / steady / shutdown");
  card("Created / destroyed", report.totals.created + " / " + report.totals.destroyed,
    report.totals.live_at_end + " alive at the end");
  var top = report.top_contributors[0];
  if (top) card("Top churn owner", top.owner_kind + " " + hexKey(top.owner_key),
    top.created + " creates, " + top.destroyed + " destroys");
  var failed = report.guardrails.filter(function (g) { return !g.passed; });
  var worst = failed.some(function (g) { return g.severity === "error"; }) ? "fail" : failed.length ? "warn" : "pass";
  card("Guardrails failed", failed.length + " of " + report.guardrails.length,
    failed.map(function (g) { return g.id; }).join(", ") || "all pass", worst);
  card("Lost events", String(report.lost_events), report.lost_events ? "every count may be that much low" : "none dropped",
    report.lost_events ? "warn" : "");

  // ---- time charts (uPlot) ----
  var windows = ["startup", "steady", "shutdown"].map(function (name) {
    var w = report.windows[name];
    return w && w.start_ns != null ? { name: name, start: ms(w.start_ns), end: ms(w.end_ns) } : null;
  }).filter(Boolean);

  function shadeWindows(u) {
    var ctx = u.ctx, top = u.bbox.top, height = u.bbox.height;
    ctx.save();
    ctx.font = Math.round(11 * devicePixelRatio) + "px system-ui, sans-serif";
    windows.forEach(function (w) {
      var x0 = u.valToPos(w.start, "x", true), x1 = u.valToPos(w.end, "x", true);
      var left = Math.max(x0, u.bbox.left), right = Math.min(x1, u.bbox.left + u.bbox.width);
      if (right <= left) return;
      ctx.fillStyle = WINDOW_COLOURS[w.name];
      ctx.fillRect(left, top, Math.max(right - left, 1), height);
      ctx.fillStyle = "#5b6475";
      if (right - left > 50 * devicePixelRatio) ctx.fillText(w.name, left + 4 * devicePixelRatio, top + 12 * devicePixelRatio);
    });
    ctx.restore();
  }

  // Tick labels in one unit per axis (s from a 10 s range up), as many decimals as the step needs.
  function timeTicks(u, splits, axis, space, incr) {
    var secs = u.scales.x.max - u.scales.x.min >= 10000;
    var div = secs ? 1000 : 1;
    var step = (incr || 1) / div;
    var decimals = Math.max(0, Math.min(6, -Math.floor(Math.log10(step) + 1e-9)));
    return splits.map(function (v) { return (v / div).toFixed(decimals) + (secs ? " s" : " ms"); });
  }
  function timeAxis() {
    return { label: "stream time (since the stream started)", values: timeTicks };
  }

  function makePlot(id, opts, data) {
    var fig = document.getElementById(id);
    var target = fig.querySelector(".plot");
    opts.width = plotWidth(fig);
    opts.height = opts.height || 260;
    // Every time chart spans the whole run, so the charts line up under each other.
    opts.scales = Object.assign({ x: { time: false, range: [ms(origin), Math.max(ms(end), ms(origin) + bucketMs)] } }, opts.scales || {});
    opts.hooks = Object.assign({ drawClear: [shadeWindows] }, opts.hooks || {});
    opts.cursor = Object.assign({ sync: { key: "gl-time" } }, opts.cursor || {});
    var u = new uPlot(opts, data, target);
    plots.push({ fig: fig, u: u, canvas: u.ctx.canvas, box: u.bbox });
    return u;
  }

  function empty(id, text) {
    var fig = document.getElementById(id);
    fig.querySelector(".plot").appendChild(el("div", { "class": "empty" }, text));
    fig.dataset.empty = "1";
  }

  var origin = series.origin_ns || 0;
  var end = series.end_ns || origin;
  var bucketMs = ms(series.bucket_ns);
  var xs = [];
  for (var i = 0; i < series.buckets; i++) xs.push(ms(origin) + i * bucketMs);
  var merged = series.bucket_ns > 1e6;

  if (series.live.length && xs.length) {
    document.getElementById("note-live").textContent =
      "each point is the most alive at any moment of its " + fmtWidth(series.bucket_ns) + " bucket" +
      (merged ? " (downsampled from 1 ms buckets to keep " + series.buckets + " points)" : "") +
      "; windows shaded";
    var liveSeries = [{ label: "time" }];
    var liveData = [xs];
    series.live.forEach(function (line, k) {
      liveSeries.push({ label: line.resource_type, stroke: PALETTE[k % PALETTE.length], width: 1.5,
        paths: uPlot.paths.stepped({ align: 1 }), points: { show: false } });
      liveData.push(line.max);
    });
    makePlot("chart-live", { series: liveSeries, axes: [timeAxis(), { label: "alive" }] }, liveData);
  } else {
    empty("chart-live", "No resource was created.");
  }

  var pk = series.packets;
  if (pk.end_ns.length) {
    document.getElementById("note-packets").textContent = pk.per_point === 1
      ? "one bar per finished packet, at the time it ended; destroys drawn downwards"
      : "each bar stands for " + pk.per_point + " consecutive packets (downsampled to keep " + pk.end_ns.length +
        " bars): the most any one of them created or destroyed; destroys drawn downwards";
    var bars = uPlot.paths.bars({ size: [0.9, 12, 2], align: 0 });
    makePlot("chart-packets", {
      series: [{ label: "time" },
        { label: pk.per_point === 1 ? "created" : "most created", stroke: "#2b8a3e", fill: "rgba(43,138,62,0.75)", paths: bars, points: { show: false } },
        { label: pk.per_point === 1 ? "destroyed" : "most destroyed", stroke: "#c92a2a", fill: "rgba(201,42,42,0.75)", paths: bars, points: { show: false },
          value: function (u, v) { return v == null ? "-" : String(-v); } }],
      axes: [timeAxis(), { label: "resources", values: function (u, sp) { return sp.map(function (v) { return String(Math.abs(v)); }); } }],
    }, [pk.end_ns.map(ms), pk.max_created, pk.max_destroyed.map(function (v) { return -v; })]);
  } else {
    empty("chart-packets", "No packet finished.");
  }

  var topBursts = [];
  ["startup", "steady", "shutdown"].forEach(function (name) {
    var w = report.windows[name];
    (w ? w.destroy_bursts : []).slice(0, 3).forEach(function (b) { topBursts.push({ window: name, at: ms(b.bucket_start_ns), count: b.count }); });
  });
  if (xs.length && series.destroyed.some(function (v) { return v > 0; })) {
    document.getElementById("note-bursts").textContent = "destroys per " + fmtWidth(series.bucket_ns) + " bucket" +
      (merged ? " (downsampled: a burst is summed into its bucket)" : "") +
      "; the report's top " + report.definitions.burst_bucket_ms + " ms bursts per window marked";
    makePlot("chart-bursts", {
      series: [{ label: "time" }, { label: "destroyed", stroke: "#c92a2a", fill: "rgba(201,42,42,0.7)",
        paths: uPlot.paths.bars({ size: [0.9, 12, 2], align: 1 }), points: { show: false } }],
      axes: [timeAxis(), { label: "destroys" }],
      hooks: { drawClear: [shadeWindows], draw: [function (u) {
        var ctx = u.ctx;
        ctx.save();
        ctx.strokeStyle = "#1d2330";
        ctx.fillStyle = "#1d2330";
        ctx.font = Math.round(10 * devicePixelRatio) + "px system-ui, sans-serif";
        topBursts.forEach(function (b) {
          var x = u.valToPos(b.at, "x", true);
          if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) return;
          ctx.beginPath();
          ctx.moveTo(x, u.bbox.top);
          ctx.lineTo(x - 4 * devicePixelRatio, u.bbox.top - 6 * devicePixelRatio);
          ctx.lineTo(x + 4 * devicePixelRatio, u.bbox.top - 6 * devicePixelRatio);
          ctx.closePath();
          ctx.fill();
          ctx.fillText(String(b.count), x + 5 * devicePixelRatio, u.bbox.top - 1);
        });
        ctx.restore();
      }] },
    }, [xs, series.destroyed]);
  } else {
    empty("chart-bursts", "Nothing was destroyed.");
  }

  // ---- category charts (horizontal bars on a canvas) ----
  function hbars(id, rows, parts) {
    var fig = document.getElementById(id);
    var target = fig.querySelector(".plot");
    var legend = el("div", { "class": "legend" });
    parts.forEach(function (p) {
      var item = el("span");
      var swatch = el("i");
      swatch.style.background = p[1];
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(p[0]));
      legend.appendChild(item);
    });
    target.appendChild(legend);
    var dpr = devicePixelRatio || 1;
    var width = plotWidth(fig), rowH = 24, labelW = Math.min(230, width * 0.42), height = rows.length * rowH + 6;
    var canvas = el("canvas");
    canvas.width = width * dpr;
    canvas.height = height * dpr;
    canvas.style.width = width + "px";
    canvas.style.height = height + "px";
    target.appendChild(canvas);
    var ctx = canvas.getContext("2d");
    ctx.scale(dpr, dpr);
    var max = Math.max.apply(null, rows.map(function (r) { return r.values.reduce(function (a, b) { return a + b; }, 0); }).concat([1]));
    var barW = width - labelW - 60;
    ctx.font = "12px system-ui, sans-serif";
    ctx.textBaseline = "middle";
    rows.forEach(function (r, k) {
      var y = 3 + k * rowH;
      ctx.fillStyle = "#1d2330";
      var label = r.label;
      while (ctx.measureText(label).width > labelW - 8 && label.length > 4) label = label.slice(0, -2);
      if (label !== r.label) label = label.slice(0, -1) + "\u2026";
      ctx.fillText(label, 0, y + rowH / 2);
      var x = labelW, total = 0;
      r.values.forEach(function (v, j) {
        var w = (v / max) * barW;
        ctx.fillStyle = parts[j][1];
        ctx.fillRect(x, y + 4, w, rowH - 8);
        x += w;
        total += v;
      });
      ctx.fillStyle = "#5b6475";
      ctx.fillText(String(total), x + 6, y + rowH / 2);
    });
    plots.push({ fig: fig, canvas: canvas, box: { left: labelW * dpr, top: 0, width: barW * dpr, height: height * dpr } });
  }

  if (report.top_contributors.length) {
    document.getElementById("note-contributors").textContent =
      "owners ranked by non-transient churn (recreations, replacements, rebuild destroys), whole stream";
    hbars("chart-contributors", report.top_contributors.map(function (c) {
      return { label: c.owner_kind + " " + hexKey(c.owner_key), values: [c.created, c.destroyed] };
    }), [["created", "#2b8a3e"], ["destroyed", "#c92a2a"]]);
  } else {
    empty("chart-contributors", "No owner churned.");
  }

  var causeTypes = Object.keys(report.destroy_causes.by_type).filter(function (t) {
    var c = report.destroy_causes.by_type[t];
    return CAUSES.some(function (k) { return (c[k[0]] || 0) > 0; });
  });
  if (causeTypes.length) {
    document.getElementById("note-causes").textContent = "destroys per type, by cause (first matching rule; see Definitions)";
    hbars("chart-causes", causeTypes.map(function (t) {
      var c = report.destroy_causes.by_type[t];
      return { label: t, values: CAUSES.map(function (k) { return c[k[0]] || 0; }) };
    }), CAUSES);
  } else {
    empty("chart-causes", "Nothing was destroyed.");
  }

  window.addEventListener("resize", function () {
    plots.forEach(function (p) { if (p.u) p.u.setSize({ width: plotWidth(p.fig), height: p.u.height }); });
  });

  // ---- self-check: colour drawn inside each plot area ----
  function ink(p) {
    var box = p.u ? p.u.bbox : p.box;
    var w = Math.max(1, Math.floor(box.width)), h = Math.max(1, Math.floor(box.height));
    var data = p.canvas.getContext("2d").getImageData(Math.floor(box.left), Math.floor(box.top), w, h).data;
    var n = 0;
    for (var i = 0; i < data.length; i += 4) {
      var r = data[i], g = data[i + 1], b = data[i + 2], a = data[i + 3];
      if (a > 128 && Math.max(r, g, b) - Math.min(r, g, b) > 60) n++;
    }
    return n;
  }
  requestAnimationFrame(function () {
    plots.forEach(function (p) { p.fig.dataset.ink = String(ink(p)); });
    document.body.dataset.rendered = String(plots.length);
    window.glDone();
  });
})();
