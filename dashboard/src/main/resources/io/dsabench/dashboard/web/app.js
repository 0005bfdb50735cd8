// dsabench dashboard: fetches the JSON API and draws it with Chart.js (served from its WebJar).
// window.dsabench exposes the charts and a render counter so that browser tests can check what
// was drawn without scraping pixels only.
"use strict";

(function () {
  const state = {
    runs: [],
    hardware: [],
    reference: null,
    renders: 0,
    costRequests: 0,
    lastError: null,
    wanted: {},
  };
  const charts = {};
  window.dsabench = { state, charts };

  const COLORS = {
    "v3.1": "#d9480f",
    "v3.2": "#1f6feb",
    "paper v3.1": "#f08c5a",
    "paper v3.2": "#7aa7f0",
  };
  const STAGE_COLORS = {
    dense_prefill: "#d9480f",
    dense_decode: "#d9480f",
    indexer: "#7048e8",
    topk: "#0ca678",
    sparse_prefill: "#1f6feb",
    sparse_decode: "#1f6feb",
    total: "#495057",
    dense_prefill_masked: "#d9480f",
  };
  // A reference run's lines (DeepSeek's kernels on the same GPU): the stage's hue, paler, dashed.
  const REFERENCE_COLORS = {
    dense_prefill: "#f5a97f",
    dense_prefill_masked: "#f5a97f",
    dense_decode: "#f5a97f",
    indexer: "#b59cf5",
    topk: "#74dcb8",
    sparse_prefill: "#86b3f7",
    sparse_decode: "#86b3f7",
  };

  const $ = (id) => document.getElementById(id);

  async function getJson(url) {
    const r = await fetch(url, { headers: { Accept: "application/json" } });
    const body = await r.json().catch(() => ({ error: r.status + " " + r.statusText }));
    if (!r.ok) {
      const e = new Error(body.error || r.status + " " + r.statusText);
      e.status = r.status;
      throw e;
    }
    return body;
  }

  function showError(message) {
    state.lastError = message;
    const el = $("error");
    el.textContent = message || "";
    el.hidden = !message;
  }

  function fmtTokens(v) {
    return v >= 1024 ? (v / 1024).toFixed(v % 1024 === 0 ? 0 : 1) + "K" : String(v);
  }

  // Three significant digits whatever the scale (a cpu run's 0.004 TFLOP/s, an H200's 744).
  function num3(v) {
    return v >= 100 ? v.toFixed(0) : v.toPrecision(3);
  }

  function lineOptions(yTitle, extraScales, xMax) {
    return {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      parsing: false,
      normalized: true,
      interaction: { mode: "nearest", intersect: false },
      plugins: { legend: { position: "bottom", labels: { boxWidth: 18 } } },
      scales: Object.assign(
        {
          x: {
            type: "linear",
            min: 0,
            max: xMax,
            title: { display: true, text: "token position" },
            ticks: { stepSize: xMax ? 16384 : undefined, callback: (v) => fmtTokens(v) },
          },
          y: { type: "linear", beginAtZero: true, title: { display: true, text: yTitle } },
        },
        extraScales || {},
      ),
    };
  }

  function costChart(canvasId) {
    return new Chart($(canvasId), {
      type: "line",
      data: { datasets: [] },
      options: lineOptions("USD per million tokens", {}, 131072),
    });
  }

  function curveDataset(label, curve, color, dashed) {
    return {
      label,
      data: curve.points.map((p) => ({ x: p.position, y: p.usdPerMillionTokens })),
      borderColor: color,
      backgroundColor: color,
      borderDash: dashed ? [6, 4] : [],
      // Extrapolated points (outside the measured positions) get a marker; the rest none.
      pointRadius: curve.points.map((p) => (p.extrapolated ? 4 : 0)),
      pointStyle: "crossRot",
      borderWidth: 2,
      tension: 0,
    };
  }

  function referenceDatasets(phase) {
    if (!state.reference) return [];
    return state.reference.curves
      .filter((c) => c.phase === phase)
      .map((c) =>
        curveDataset(
          "Figure 3 " + c.model.toUpperCase() + " (paper, H800 @ $2)",
          c,
          COLORS["paper " + c.model],
          true,
        ),
      );
  }

  // The view lives in the query string, so that a copied URL opens the same view: A is run (+ with),
  // hardware and price; B, the comparison, is whichever of cmpRun, cmpHardware, cmpPrice is set
  // (the rest as A). replaceState: changing a control is not a new page in the history.
  const URL_KEYS = {
    run: "run",
    with: "with",
    hardware: "hardware",
    price: "price",
    "cmp-run": "cmpRun",
    "cmp-hardware": "cmpHardware",
    "cmp-price": "cmpPrice",
  };

  function viewQuery() {
    const q = new URLSearchParams();
    for (const [id, key] of Object.entries(URL_KEYS)) {
      if ($(id).value) q.set(key, $(id).value);
    }
    return q;
  }

  function saveView() {
    const q = viewQuery().toString();
    history.replaceState(null, "", location.pathname + (q ? "?" + q : ""));
    $("share").href = location.pathname + (q ? "?" + q : "");
  }

  /** B as query parameters for /api/cost, or null when no comparison is set. */
  function comparisonQuery() {
    const run = $("cmp-run").value;
    const hardware = $("cmp-hardware").value;
    const price = $("cmp-price").value;
    if (!run && !hardware && !price) return null;
    const q = new URLSearchParams();
    if (run) {
      q.append("run", run);
    } else {
      q.append("run", $("run").value);
      if ($("with").value && $("with").value !== $("run").value) q.append("run", $("with").value);
    }
    const hw = hardware || $("hardware").value;
    q.set("hardware", hw);
    // B on other hardware without its own price: that hardware's default price.
    const profile = state.hardware.find((h) => h.id === hw);
    q.set(
      "price",
      price || (hardware && profile ? String(profile.usdPerGpuHour) : $("price").value),
    );
    return q;
  }

  function describe(q) {
    const hw = state.hardware.find((h) => h.id === q.get("hardware"));
    return (
      q.getAll("run").join(" + ") +
      " on " +
      (hw ? hw.name : q.get("hardware")) +
      " at $" +
      Number(q.get("price")).toFixed(2) +
      "/GPU-hour"
    );
  }

  const DELTA_POSITIONS = [8192, 32768, 65536, 131072];

  function drawDelta(a, b, bq) {
    const tbody = $("delta-table").querySelector("tbody");
    tbody.replaceChildren();
    $("compare").hidden = !b;
    if (!b) return;
    $("compare-note").textContent =
      "A: " +
      describe(
        new URLSearchParams({ run: a.run, hardware: $("hardware").value, price: $("price").value }),
      ) +
      ". B: " +
      describe(bq) +
      ". B vs A = B / A − 1 (below 0, B is cheaper).";
    for (const c of a.curves) {
      const other = b.curves.find((x) => x.id === c.id);
      for (const pos of DELTA_POSITIONS) {
        const pa = c.points.find((p) => p.position === pos);
        const pb = other && other.points.find((p) => p.position === pos);
        if (!pa) continue;
        const tr = document.createElement("tr");
        tr.dataset.curve = c.id;
        tr.dataset.position = String(pos);
        const change = pb ? pb.usdPerMillionTokens / pa.usdPerMillionTokens - 1 : null;
        for (const [v, num] of [
          [c.phase],
          [c.model === "v3.1" ? "V3.1 dense" : "V3.2 DSA"],
          [fmtTokens(pos), true],
          [num3(pa.usdPerMillionTokens), true],
          [pb ? num3(pb.usdPerMillionTokens) : "not costed", true],
          [
            change == null
              ? "—"
              : (change >= 0 ? "+" : "−") + Math.abs(100 * change).toFixed(1) + "%",
            true,
          ],
        ]) {
          const td = document.createElement("td");
          td.textContent = v;
          if (num) td.className = "num";
          tr.appendChild(td);
        }
        tbody.appendChild(tr);
      }
    }
  }

  let costSeq = 0;
  async function drawCost() {
    const seq = ++costSeq;
    saveView();
    const run = $("run").value;
    const hardware = $("hardware").value;
    const price = $("price").value;
    let cost = null;
    let compared = null;
    const bq = run ? comparisonQuery() : null;
    if (run) {
      state.costRequests++;
      try {
        const q = new URLSearchParams({ run, hardware, price });
        // A companion run (a 2-token decode run beside a full sweep) is priced with the first.
        if ($("with").value && $("with").value !== run) q.append("run", $("with").value);
        [cost, compared] = await Promise.all([
          getJson("/api/cost?" + q.toString()),
          bq ? getJson("/api/cost?" + bq.toString()) : Promise.resolve(null),
        ]);
        if (seq !== costSeq) return; // a newer request superseded this one
        showError(state.linkProblem || null);
      } catch (e) {
        if (seq !== costSeq) return;
        // Say why, and still draw the paper's curves below.
        showError(e.message);
        cost = null;
        compared = null;
      }
    }
    state.lastComparison = compared;
    drawDelta(cost, compared, bq);
    for (const phase of ["prefill", "decode"]) {
      const ds = [];
      if (cost) {
        // A reference run prices Figure 3 from DeepSeek's own kernels: say so in the legend.
        const source =
          selectedRun() && selectedRun().backend === "reference"
            ? "DeepSeek's kernels"
            : "measured";
        for (const c of cost.curves.filter((c) => c.phase === phase)) {
          const name = (c.model === "v3.1" ? "V3.1 dense (" : "V3.2 DSA (") + source + ")";
          ds.push(curveDataset(name, c, COLORS[c.model], false));
        }
      }
      if (compared) {
        for (const c of compared.curves.filter((c) => c.phase === phase)) {
          const d = curveDataset(
            (c.model === "v3.1" ? "V3.1 dense" : "V3.2 DSA") + " (B)",
            c,
            COLORS[c.model],
            false,
          );
          d.borderDash = [2, 3];
          d.comparison = true;
          ds.push(d);
        }
      }
      const paper = referenceDatasets(phase);
      ds.push(...paper);
      const chart = charts["cost-" + phase];
      // A run far off the paper (any cpu run) would flatten the paper to the axis: go logarithmic.
      const top = (sets) => Math.max(0, ...sets.flatMap((d) => d.data.map((p) => p.y)));
      const log = cost && top(ds.slice(0, ds.length - paper.length)) > 20 * top(paper);
      chart.options.scales.y.type = log ? "logarithmic" : "linear";
      chart.options.scales.y.ticks = {
        callback: (v) =>
          v >= 1000 ? Math.round(v).toLocaleString("en-US") : String(+Number(v).toPrecision(3)),
      };
      // A phone's chart is too short for the long title: the axis would cut it off.
      chart.options.scales.y.title.text =
        (window.innerWidth < 600 ? "USD/M tokens" : "USD per million tokens") +
        (log ? " (log)" : "");
      chart.data.datasets = ds;
      chart.update("none");
    }
    $("cost-note").textContent = cost
      ? cost.hardware.name + " at $" + Number(cost.priceUsdPerGpuHour).toFixed(2) + "/GPU-hour"
      : "";
    const notes = [];
    if (cost && cost.aboveCeiling.length) {
      notes.push(
        "ABOVE CEILING, so these curves rest on a counting error: " +
          cost.aboveCeiling.join("; ") +
          ".",
      );
    }
    if (cost && cost.missing.length) {
      notes.push(
        "Not costed: " +
          cost.missing.map((m) => m.phase + " (" + m.reason + ")").join("; ") +
          ". Its chart shows the paper's curves only.",
      );
    }
    $("cost-missing").textContent = notes.join(" ");
    $("cost-missing").hidden = !notes.length;
    $("cost-params").textContent = cost
      ? cost.attention +
        (cost.prefillCrossoverPosition
          ? ". V3.2 prefill crossover (masked MHA to sparse) at position " +
            Math.round(cost.prefillCrossoverPosition) +
            " (paper: " +
            (state.reference ? state.reference.prefillCrossoverPosition : "?") +
            ")."
          : ".")
      : "";
    const pt = $("param-table").querySelector("tbody");
    pt.replaceChildren();
    for (const p of cost ? cost.parameters : []) {
      const tr = document.createElement("tr");
      for (const v of [p.name, p.value, p.source]) {
        const td = document.createElement("td");
        td.textContent = v;
        tr.appendChild(td);
      }
      pt.appendChild(tr);
    }
    state.lastCost = cost;
    state.renders++;
  }

  // Kernel charts put position on a log2 axis: a sweep's 1K…128K are evenly spaced, instead of
  // 1K–8K crushed against the left edge of a linear one. x is log2(position); ticks say 1K…128K.
  const CEILING_STYLE = {
    bf16: { color: "#212529", dash: [10, 4] },
    fp8: { color: "#9c36b5", dash: [3, 3] },
    bandwidth: { color: "#868e96", dash: [14, 4, 3, 4] },
  };

  // p10–p90 of each point's throughput as a vertical bar (the p90 time is the low end).
  const errorBars = {
    id: "errorBars",
    afterDatasetsDraw(chart) {
      const ctx = chart.ctx;
      chart.data.datasets.forEach((d, i) => {
        const meta = chart.getDatasetMeta(i);
        if (!d.errorBars || meta.hidden) return;
        const y = chart.scales[d.yAxisID];
        ctx.save();
        ctx.strokeStyle = d.borderColor;
        ctx.lineWidth = 1.2;
        d.data.forEach((p, j) => {
          const el = meta.data[j];
          if (!el || p.low == null || p.high == null) return;
          const lo = y.getPixelForValue(p.low);
          const hi = y.getPixelForValue(p.high);
          ctx.beginPath();
          ctx.moveTo(el.x, lo);
          ctx.lineTo(el.x, hi);
          ctx.moveTo(el.x - 3, lo);
          ctx.lineTo(el.x + 3, lo);
          ctx.moveTo(el.x - 3, hi);
          ctx.lineTo(el.x + 3, hi);
          ctx.stroke();
        });
        ctx.restore();
      });
    },
  };

  // Each ceiling line carries its own name and value at its right end, on the axis of its unit.
  const ceilingLabels = {
    id: "ceilingLabels",
    afterDatasetsDraw(chart) {
      const ctx = chart.ctx;
      chart.data.datasets.forEach((d, i) => {
        const meta = chart.getDatasetMeta(i);
        if (!d.ceiling || meta.hidden || !meta.data.length) return;
        const end = meta.data[meta.data.length - 1];
        ctx.save();
        ctx.font = "11px system-ui, sans-serif";
        ctx.fillStyle = d.borderColor;
        ctx.textAlign = "right";
        ctx.fillText(d.ceiling, end.x - 4, end.y - 4);
        ctx.restore();
      });
    },
  };

  function kernelOptions() {
    return {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      parsing: false,
      normalized: true,
      // Every series at the hovered position, not just the nearest one.
      interaction: { mode: "x", intersect: false },
      plugins: {
        legend: { position: "bottom", labels: { boxWidth: 18 } },
        tooltip: {
          filter: (item) => !item.dataset.ceiling,
          callbacks: {
            title: (items) =>
              items.length ? "position " + fmtTokens(Math.round(2 ** items[0].parsed.x)) : "",
            label: (item) => {
              const p = item.raw;
              return (
                item.dataset.label.replace(/ \((TFLOP|TB)\/s\)$/, "") +
                ": " +
                num3(p.y) +
                " " +
                item.dataset.unit +
                (p.low != null && p.high != null
                  ? " (p10–p90 " + num3(p.low) + "–" + num3(p.high) + ")"
                  : "")
              );
            },
          },
        },
      },
      scales: {
        x: {
          type: "linear",
          min: 10,
          max: 17,
          title: { display: true, text: "token position (log scale)" },
          ticks: { stepSize: 1, callback: (v) => (Number.isInteger(v) ? fmtTokens(2 ** v) : "") },
        },
        y: { type: "linear", beginAtZero: true, title: { display: true, text: "TFLOP/s" } },
        yBytes: {
          type: "linear",
          position: "right",
          beginAtZero: true,
          title: { display: true, text: "TB/s" },
          grid: { drawOnChartArea: false },
        },
      },
    };
  }

  async function drawKernels() {
    const run = $("run").value;
    const tbody = $("kernel-table").querySelector("tbody");
    tbody.replaceChildren();
    $("kernel-reference").textContent = "";
    for (const phase of ["prefill", "decode"]) {
      charts["kernels-" + phase].data.datasets = [];
    }
    if (!run) {
      $("kernel-note").textContent = "No run selected.";
      for (const phase of ["prefill", "decode"]) charts["kernels-" + phase].update("none");
      return;
    }
    let k;
    try {
      k = await getJson("/api/runs/" + encodeURIComponent(run) + "/kernels");
    } catch (e) {
      $("kernel-note").textContent = e.message;
      return;
    }
    state.lastKernels = k;
    const ref = k.reference || {};
    $("kernel-reference").textContent = ref.absent
      ? "No reference run: " + ref.absent + "."
      : "Dashed: the reference run " +
        ref.id +
        " (" +
        ref.path +
        ", " +
        ref.device +
        "): " +
        Object.entries(ref.libraries || {})
          .map(([lib, v]) => lib + " " + v)
          .join("; ") +
        ". ours ÷ reference is our median over the reference's (above 1, ours is slower); the" +
        " reference's throughput is the same declared work over its median." +
        (ref.warnings && ref.warnings.length ? " Warning: " + ref.warnings.join("; ") + "." : "");
    // One definition of efficiency, named where it is shown: the fraction of the measured
    // ceiling where the profile has one, else of the datasheet peak.
    $("fraction-head").textContent = k.efficiencyBasis ? "% of " + k.efficiencyBasis : "efficiency";
    $("kernel-note").textContent =
      k.note +
      (k.notMeasured.length
        ? " Not measured: " +
          k.notMeasured.map((p) => p.point + " " + p.status + " (" + p.reason + ")").join("; ") +
          "."
        : "");
    // An invariant, not a detail: no stage runs faster than its chip. Say so above the charts.
    $("above-ceiling").textContent = k.aboveCeiling.length
      ? "ABOVE CEILING (the work or time of these stages was counted wrong): " +
        k.aboveCeiling.join("; ")
      : "";
    $("above-ceiling").hidden = !k.aboveCeiling.length;
    for (const phase of ["prefill", "decode"]) {
      const chart = charts["kernels-" + phase];
      const ds = [];
      let minX = Infinity;
      let maxX = -Infinity;
      const used = new Set(); // the ceilings this chart's stages are held against
      for (const s of k.series.filter((s) => s.phase === phase)) {
        const axis = s.unit === "TB/s" ? "yBytes" : "y";
        used.add(s.unit === "TB/s" ? "bandwidth" : s.precision);
        const data = s.points.map((p) => ({
          x: Math.log2(p.position),
          y: p.achieved,
          low: p.low,
          high: p.high,
        }));
        data.forEach((p) => {
          minX = Math.min(minX, p.x);
          maxX = Math.max(maxX, p.x);
        });
        ds.push({
          label:
            s.variant +
            " " +
            s.op +
            (s.tokensPerSeq > 1 ? " ×" + s.tokensPerSeq + " tokens/seq" : "") +
            " (" +
            s.unit +
            ")",
          unit: s.unit,
          errorBars: true,
          data,
          yAxisID: axis,
          borderColor: STAGE_COLORS[s.op],
          backgroundColor: STAGE_COLORS[s.op],
          borderDash: s.variant === "dense" ? [2, 2] : [],
          pointRadius: 3,
          borderWidth: 2,
        });
        // One dashed line per reference stage set against this one (two for dense prefill).
        const refOps = [...new Set(s.points.flatMap((p) => (p.reference || []).map((r) => r.op)))];
        for (const op of refOps) {
          const rdata = s.points.flatMap((p) =>
            (p.reference || [])
              .filter((r) => r.op === op)
              .map((r) => ({ x: Math.log2(p.position), y: r.achieved })),
          );
          ds.push({
            label: "reference " + op + " (" + s.unit + ")",
            reference: true,
            unit: s.unit,
            data: rdata,
            yAxisID: axis,
            borderColor: REFERENCE_COLORS[op] || "#adb5bd",
            backgroundColor: REFERENCE_COLORS[op] || "#adb5bd",
            borderDash: op === "dense_prefill_masked" ? [3, 3] : [7, 4],
            pointStyle: "triangle",
            pointRadius: 3,
            borderWidth: 2,
          });
        }
        const last = s.points[s.points.length - 1];
        if (last) {
          const tr = document.createElement("tr");
          if (s.points.some((p) => p.aboveCeiling)) tr.className = "above-ceiling";
          for (const [v, num] of [
            [phase],
            [s.variant],
            [s.op],
            [s.bound || "—"],
            [fmtTokens(last.position), true],
            [num3(last.achieved) + " " + s.unit, true],
            [s.ceiling == null ? "unknown" : num3(s.ceiling) + " " + s.unit, true],
            [last.fraction == null ? "—" : (100 * last.fraction).toFixed(1) + "%", true],
            [
              (last.reference || []).length
                ? last.reference
                    .map(
                      (r) =>
                        (r.op === s.op ? "" : r.op.replace(s.op + "_", "") + " ") +
                        r.ratio.toFixed(2) +
                        "×",
                    )
                    .join(" · ")
                : "—",
              true,
            ],
          ]) {
            const td = document.createElement("td");
            td.textContent = v;
            if (num) td.className = "num";
            tr.appendChild(td);
          }
          tbody.appendChild(tr);
        }
      }
      const lo = Number.isFinite(minX) ? Math.min(10, Math.floor(minX)) : 10;
      const hi = Number.isFinite(maxX) ? Math.max(17, Math.ceil(maxX)) : 17;
      for (const c of k.ceilings || []) {
        if (!used.has(c.resource)) continue;
        const st = CEILING_STYLE[c.resource] || { color: "#495057", dash: [8, 4] };
        ds.push({
          label: c.label,
          ceiling: c.label.replace(/ \((TFLOP|TB)\/s\)$/, "") + " " + num3(c.value) + " " + c.unit,
          unit: c.unit,
          data: [
            { x: lo, y: c.value },
            { x: hi, y: c.value },
          ],
          yAxisID: c.unit === "TB/s" ? "yBytes" : "y",
          borderColor: st.color,
          backgroundColor: st.color,
          borderDash: st.dash,
          pointRadius: 0,
          borderWidth: 1.5,
        });
      }
      chart.options.scales.x.min = lo;
      chart.options.scales.x.max = hi;
      chart.options.scales.yBytes.display = used.has("bandwidth");
      chart.data.datasets = ds;
      chart.update("none");
    }
  }

  function selectedRun() {
    return state.runs.find((r) => r.id === $("run").value);
  }

  function verdictCell(td, v) {
    td.textContent = v ? v.text : "no verdict";
    td.className = "verdict-" + (v ? v.status : "none");
  }

  function drawRuns() {
    const tbody = $("runs").querySelector("tbody");
    tbody.replaceChildren();
    for (const r of state.runs) {
      const tr = document.createElement("tr");
      const cells = [
        r.id + (r.published ? " (published)" : "") + (r.live ? " (running)" : ""),
        r.device,
        r.backend,
        r.startedAt || "",
        r.points.ok + " / " + r.points.skipped + " / " + r.points.failed,
      ];
      for (const c of cells) {
        const td = document.createElement("td");
        td.textContent = c;
        tr.appendChild(td);
      }
      const td = document.createElement("td");
      verdictCell(td, r.verdict);
      tr.appendChild(td);
      tbody.appendChild(tr);
    }
  }

  function drawProblems(problems) {
    const ul = $("problems");
    ul.replaceChildren();
    for (const p of problems) {
      const li = document.createElement("li");
      li.textContent = "Not shown: " + p.path + ": " + p.reason;
      ul.appendChild(li);
    }
  }

  async function drawSweep() {
    let s;
    try {
      s = await getJson("/api/sweep");
    } catch (e) {
      return;
    }
    const el = $("sweep");
    el.replaceChildren();
    if (!s.live.length) {
      const p = document.createElement("p");
      p.className = "note";
      p.textContent =
        "No sweep is running (a sweep counts while it holds its GPU's lock, or" +
        " reports to this dashboard; a recently written file alone does not).";
      el.appendChild(p);
      return;
    }
    for (const l of s.live) {
      const div = document.createElement("div");
      div.className = "sweep";
      const done = l.points.ok + l.points.skipped + l.points.failed;
      const text = document.createElement("span");
      text.textContent =
        (l.finished ? "Finished: " : "") +
        l.id +
        " on " +
        l.deviceName +
        ": " +
        done +
        (l.total ? " of " + l.total : "") +
        " points done (" +
        l.points.failed +
        " failed, " +
        l.points.skipped +
        " skipped); last " +
        (l.last
          ? l.last.phase + "/" + l.last.variant + " at " + fmtTokens(l.last.position)
          : "none yet") +
        ", " +
        l.secondsSinceUpdate.toFixed(0) +
        " s ago" +
        (l.etaSeconds != null && !l.finished
          ? "; about " + Math.ceil(l.etaSeconds) + " s left"
          : "") +
        (l.source === "results-file" ? " (seen in its results file)" : "") +
        " ";
      div.appendChild(text);
      if (l.total) {
        const bar = document.createElement("span");
        bar.className = "progress";
        const fill = document.createElement("div");
        fill.style.width = Math.min(100, (100 * done) / l.total).toFixed(1) + "%";
        bar.appendChild(fill);
        div.appendChild(bar);
      }
      el.appendChild(div);
    }
  }

  function fillSelect(select, items, valueOf, labelOf, selected) {
    select.replaceChildren();
    for (const it of items) {
      const o = document.createElement("option");
      o.value = valueOf(it);
      o.textContent = labelOf(it);
      if (o.value === selected) o.selected = true;
      select.appendChild(o);
    }
  }

  async function loadRuns() {
    const r = await getJson("/api/runs");
    state.runs = r.runs;
    $("empty").hidden = r.runs.length > 0;
    $("roots").textContent = r.roots.join(" and ");
    // Keep what the reader chose; else what the link says; else the server's default (the newest
    // GPU run of ours).
    const linked =
      state.wanted.run && r.runs.some((x) => x.id === state.wanted.run) ? state.wanted.run : "";
    const current = $("run").value || linked || r.defaultRun || "";
    fillSelect(
      $("run"),
      r.runs,
      (x) => x.id,
      (x) =>
        x.id +
        " — " +
        x.device +
        (x.backend === "reference" ? " (reference: DeepSeek's kernels)" : ""),
      current,
    );
    if (!r.runs.length) {
      const o = document.createElement("option");
      o.value = "";
      o.textContent = "(no runs yet)";
      $("run").appendChild(o);
    }
    $("run").disabled = !r.runs.length;
    const withCurrent = $("with").value || state.wanted.with || "";
    fillSelect(
      $("with"),
      [{ id: "", device: "" }, ...r.runs],
      (x) => x.id,
      (x) => (x.id ? x.id + " — " + x.device : "(nothing else)"),
      withCurrent,
    );
    const cmpCurrent = $("cmp-run").value || state.wanted.cmpRun || "";
    fillSelect(
      $("cmp-run"),
      [{ id: "", device: "" }, ...r.runs],
      (x) => x.id,
      (x) => (x.id ? x.id + " — " + x.device : "(same runs)"),
      cmpCurrent,
    );
    // A link names runs that are not here (another machine's, a deleted file): say so, once.
    for (const [key, id] of [
      ["run", state.wanted.run],
      ["with", state.wanted.with],
      ["cmpRun", state.wanted.cmpRun],
    ]) {
      if (id && !r.runs.some((x) => x.id === id)) {
        state.linkProblem =
          key +
          ": '" +
          id +
          "' from the link is not a run here; showing " +
          ($("run").value || "nothing") +
          " instead";
      }
    }
    state.wanted = {};
    drawRuns();
    drawProblems(r.problems);
  }

  async function init() {
    charts["cost-prefill"] = costChart("cost-prefill");
    charts["cost-decode"] = costChart("cost-decode");
    for (const phase of ["prefill", "decode"]) {
      charts["kernels-" + phase] = new Chart($("kernels-" + phase), {
        type: "line",
        data: { datasets: [] },
        options: kernelOptions(),
        plugins: [errorBars, ceilingLabels],
      });
    }
    try {
      const [hw, ref] = await Promise.all([getJson("/api/hardware"), getJson("/api/reference")]);
      state.hardware = hw.profiles;
      state.reference = ref;
      const url = new URLSearchParams(location.search);
      state.wanted = { run: url.get("run"), with: url.get("with"), cmpRun: url.get("cmpRun") };
      const known = (id) => hw.profiles.some((p) => p.id === id);
      const hwId = known(url.get("hardware")) ? url.get("hardware") : hw.defaultId;
      fillSelect(
        $("hardware"),
        hw.profiles,
        (p) => p.id,
        (p) => p.name,
        hwId,
      );
      $("price").value =
        url.get("price") || String(hw.profiles.find((p) => p.id === hwId).usdPerGpuHour);
      fillSelect(
        $("cmp-hardware"),
        [{ id: "", name: "(same hardware)" }, ...hw.profiles],
        (p) => p.id,
        (p) => p.name,
        known(url.get("cmpHardware")) ? url.get("cmpHardware") : "",
      );
      $("cmp-price").value = url.get("cmpPrice") || "";
      await loadRuns();
    } catch (e) {
      showError(e.message);
    }
    $("run").addEventListener("change", () => {
      state.linkProblem = null;
      drawCost();
      drawKernels();
    });
    $("with").addEventListener("change", () => {
      drawCost();
    });
    $("hardware").addEventListener("change", () => {
      const p = state.hardware.find((h) => h.id === $("hardware").value);
      if (p) $("price").value = String(p.usdPerGpuHour);
      drawCost();
    });
    $("price").addEventListener("input", () => drawCost());
    $("cmp-run").addEventListener("change", () => drawCost());
    $("cmp-hardware").addEventListener("change", () => drawCost());
    $("cmp-price").addEventListener("input", () => drawCost());
    await Promise.all([drawCost(), drawKernels(), drawSweep()]);
    setInterval(drawSweep, 2000);
    setInterval(() => loadRuns().catch(() => {}), 10000);
    state.ready = true;
  }

  document.addEventListener("DOMContentLoaded", init);
})();
