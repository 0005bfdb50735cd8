// Draws the report's charts from the JSON embedded in the page. Everything the page needs is in
// the page; this script makes no request. It sets data-charts-drawn on <body> when done, which the
// browser tests wait for.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("report-data").textContent);
  var body = document.body;
  if (typeof Chart === "undefined") {
    body.setAttribute("data-charts-error", "Chart.js did not load");
    return;
  }
  // Colours match report.css: dense is red, DSA is blue; the paper's curves are dashed and paler.
  var STYLE = {
    "measured:dense": { color: "#c0392b", dash: [], width: 2.5 },
    "measured:dsa": { color: "#1f5fa8", dash: [], width: 2.5 },
    "paper:dense": { color: "#e39a91", dash: [7, 5], width: 1.8 },
    "paper:dsa": { color: "#8fb3de", dash: [7, 5], width: 1.8 },
    // report --compare: the second run (B) dotted over this one, in the same hues.
    "compared:dense": { color: "#c0392b", dash: [2, 3], width: 2 },
    "compared:dsa": { color: "#1f5fa8", dash: [2, 3], width: 2 },
  };
  function kTokens(v) {
    if (v === 0) return "0";
    return v % 1024 === 0 ? v / 1024 + "K" : (v / 1024).toFixed(1) + "K";
  }
  function dataset(curve) {
    var s = STYLE[curve.source + ":" + curve.variant];
    var flagged = function (ctx) {
      var pts = curve.points;
      var a = pts[ctx.p0DataIndex];
      var b = pts[ctx.p1DataIndex];
      return (a && a.flag) || (b && b.flag) ? [2, 4] : undefined;
    };
    return {
      label: curve.label,
      data: curve.points.map(function (p) {
        return { x: p.position, y: p.usdPerMillionTokens, flag: p.flag || null };
      }),
      borderColor: s.color,
      backgroundColor: s.color,
      borderDash: s.dash,
      borderWidth: s.width,
      // Measured curves are sampled every 1K: markers would blur into the line. Flagged stretches
      // are drawn dotted instead; hovering shows each value.
      pointRadius: 0,
      pointHoverRadius: 4,
      segment: curve.source === "measured" ? { borderDash: flagged } : {},
      tension: 0,
      fill: false,
      order: curve.source === "paper" ? 2 : 1,
    };
  }
  var charts = [];
  ["prefill", "decode"].forEach(function (phase) {
    var canvas = document.getElementById("chart-" + phase);
    if (!canvas) return;
    var compared = data.comparison ? data.comparison.curves : [];
    var curves = data.curves.concat(compared).filter(function (c) {
      return c.phase === phase;
    });
    // A cpu run costs 10^5 times the paper: on a linear axis the paper would be a flat line at 0.
    // When the two differ by more than 20 times, a log axis keeps both readable, and says so.
    var top = function (source) {
      var m = 0;
      curves.forEach(function (c) {
        if (c.source === source)
          c.points.forEach(function (p) {
            m = Math.max(m, p.usdPerMillionTokens);
          });
      });
      return m;
    };
    var spread = top("measured") / Math.max(top("paper"), 1e-12);
    var log = top("paper") > 0 && top("measured") > 0 && (spread > 20 || spread < 1 / 20);
    canvas.setAttribute("data-scale", log ? "logarithmic" : "linear");
    charts.push(
      new Chart(canvas, {
        type: "line",
        data: { datasets: curves.map(dataset) },
        options: {
          animation: false,
          responsive: true,
          maintainAspectRatio: false,
          parsing: false,
          interaction: { mode: "nearest", intersect: false },
          scales: {
            x: {
              type: "linear",
              min: 0,
              title: { display: true, text: "token position" },
              ticks: { callback: kTokens, stepSize: 16384 },
            },
            y: log
              ? {
                  type: "logarithmic",
                  title: { display: true, text: "USD per million tokens (log scale)" },
                }
              : {
                  beginAtZero: true,
                  title: { display: true, text: "USD per million tokens" },
                },
          },
          plugins: {
            legend: { position: "bottom", labels: { usePointStyle: false, boxHeight: 2 } },
            tooltip: {
              callbacks: {
                title: function (items) {
                  return items.length ? "position " + kTokens(items[0].parsed.x) : "";
                },
                label: function (item) {
                  var f = item.raw.flag ? " (" + item.raw.flag + ")" : "";
                  return item.dataset.label + ": " + item.parsed.y.toPrecision(4) + " USD/M" + f;
                },
              },
            },
          },
        },
      }),
    );
  });
  // Kernel charts: each stage's throughput over position, ours solid, the reference run's dashed
  // and paler in the same hue (as the paper's curves are above); memory-bound stages on a TB/s axis.
  var STAGE_COLOR = {
    dense_prefill: ["#c0392b", "#e39a91"],
    dense_decode: ["#c0392b", "#e39a91"],
    indexer: ["#6b3fa0", "#b9a0d8"],
    topk: ["#1e7d4f", "#8fd1ae"],
    sparse_prefill: ["#1f5fa8", "#8fb3de"],
    sparse_decode: ["#1f5fa8", "#8fb3de"],
  };
  function kernelDataset(s) {
    var ref = s.source === "reference";
    var colors = STAGE_COLOR[s.stage] || ["#555555", "#aaaaaa"];
    var bytes = s.unit === "B/s";
    return {
      label: s.label,
      // Position on a log2 axis: a sweep's 1K…128K evenly spaced, not 1K–8K crushed at the left.
      data: s.points.map(function (p) {
        return { x: Math.log2(p.position), y: p.value / 1e12, tokens: p.tokens };
      }),
      unit: bytes ? "TB/s" : "TFLOP/s",
      yAxisID: bytes ? "yBytes" : "y",
      borderColor: colors[ref ? 1 : 0],
      backgroundColor: colors[ref ? 1 : 0],
      // cuDNN's one-call masked chunk is the second reference for dense prefill: shorter dashes.
      borderDash: ref ? (s.referenceStage === "dense_prefill_masked" ? [3, 3] : [8, 4]) : [],
      borderWidth: ref ? 2 : 2.5,
      pointRadius: 3,
      pointStyle: ref ? "triangle" : "circle",
      tension: 0,
      fill: false,
      order: ref ? 2 : 1,
    };
  }
  ["prefill", "decode"].forEach(function (phase) {
    var canvas = document.getElementById("kernel-chart-" + phase);
    if (!canvas) return;
    var series = (data.kernelCharts || []).filter(function (s) {
      return s.phase === phase;
    });
    var anyBytes = series.some(function (s) {
      return s.unit === "B/s";
    });
    var lo = 10;
    var hi = 17;
    series.forEach(function (s) {
      s.points.forEach(function (p) {
        lo = Math.min(lo, Math.floor(Math.log2(p.position)));
        hi = Math.max(hi, Math.ceil(Math.log2(p.position)));
      });
    });
    var scales = {
      x: {
        type: "linear",
        min: lo,
        max: hi,
        title: { display: true, text: "token position (log scale)" },
        ticks: {
          stepSize: 1,
          callback: function (v) {
            return Number.isInteger(v) ? kTokens(Math.pow(2, v)) : "";
          },
        },
      },
      y: { beginAtZero: true, title: { display: true, text: "TFLOP/s" } },
    };
    if (anyBytes) {
      scales.yBytes = {
        position: "right",
        beginAtZero: true,
        title: { display: true, text: "TB/s" },
        grid: { drawOnChartArea: false },
      };
    }
    canvas.setAttribute(
      "data-reference-series",
      String(
        series.filter(function (s) {
          return s.source === "reference";
        }).length,
      ),
    );
    charts.push(
      new Chart(canvas, {
        type: "line",
        data: { datasets: series.map(kernelDataset) },
        options: {
          animation: false,
          responsive: true,
          maintainAspectRatio: false,
          parsing: false,
          scales: scales,
          // Every series at the hovered position, each with its unit.
          interaction: { mode: "x", intersect: false },
          plugins: {
            legend: { position: "bottom", labels: { boxHeight: 2 } },
            tooltip: {
              callbacks: {
                title: function (items) {
                  return items.length
                    ? "position " +
                        kTokens(Math.round(Math.pow(2, items[0].parsed.x))) +
                        ", n = " +
                        items[0].raw.tokens
                    : "";
                },
                label: function (item) {
                  return (
                    item.dataset.label +
                    ": " +
                    item.parsed.y.toPrecision(4) +
                    " " +
                    item.dataset.unit
                  );
                },
              },
            },
          },
        },
      }),
    );
  });
  // Browsers lay out print pages without telling Chart.js; size the canvases for A4 first.
  window.addEventListener("beforeprint", function () {
    charts.forEach(function (c) {
      c.resize(680, c.canvas.closest("#bottom-line") ? 264 : 330);
    });
  });
  window.addEventListener("afterprint", function () {
    charts.forEach(function (c) {
      c.resize();
    });
  });
  body.setAttribute("data-charts-drawn", String(charts.length));
})();
