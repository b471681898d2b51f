// Hand-written SVG charts for the streamlearn dashboard (no library, no CDN): a line chart with labelled axes
// and vertical event markers, and a bar chart. Every piece of data is written as an attribute or a text node.
"use strict";
const SVG_NS = "http://www.w3.org/2000/svg";
const PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

function svgEl(name, attrs, text) {
  const e = document.createElementNS(SVG_NS, name);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = String(text);
  return e;
}

// About n round tick values covering [lo, hi].
function ticks(lo, hi, n) {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / n, mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map(f => f * mag).find(s => s >= raw);
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

function tickText(v) {
  const a = Math.abs(v);
  return a !== 0 && (a >= 1e5 || a < 1e-3) ? v.toExponential(1) : String(Number(v.toPrecision(4)));
}

// The frame of a chart: the SVG, its plot area, scales and both labelled axes.
function frame(cls, width, height, xLabel, yLabel, xs, ys, right) {
  const m = { left: 64, right: right || 16, top: 12, bottom: 44 };
  const svg = svgEl("svg", { "class": "chart " + cls, width, height, viewBox: "0 0 " + width + " " + height,
    role: "img" });
  const pw = width - m.left - m.right, ph = height - m.top - m.bottom;
  const fx = v => m.left + (xs[1] > xs[0] ? (v - xs[0]) / (xs[1] - xs[0]) : 0.5) * pw;
  const fy = v => m.top + ph - (ys[1] > ys[0] ? (v - ys[0]) / (ys[1] - ys[0]) : 0.5) * ph;
  svg.appendChild(svgEl("rect", { x: m.left, y: m.top, width: pw, height: ph, "class": "plot" }));
  const axes = svgEl("g", { "class": "axes" });
  axes.appendChild(svgEl("line", { x1: m.left, y1: m.top + ph, x2: m.left + pw, y2: m.top + ph, "class": "axis x" }));
  axes.appendChild(svgEl("line", { x1: m.left, y1: m.top, x2: m.left, y2: m.top + ph, "class": "axis y" }));
  if (xs.ticks) {
    for (const t of xs.ticks) {
      axes.appendChild(svgEl("line", { x1: fx(t), y1: m.top + ph, x2: fx(t), y2: m.top + ph + 4, "class": "tick" }));
      axes.appendChild(svgEl("text", { x: fx(t), y: m.top + ph + 16, "text-anchor": "middle", "class": "tick-label" },
        tickText(t)));
    }
  }
  for (const t of ticks(ys[0], ys[1], 5)) {
    axes.appendChild(svgEl("line", { x1: m.left, y1: fy(t), x2: m.left + pw, y2: fy(t), "class": "grid" }));
    axes.appendChild(svgEl("text", { x: m.left - 6, y: fy(t) + 4, "text-anchor": "end", "class": "tick-label" },
      tickText(t)));
  }
  axes.appendChild(svgEl("text", { x: m.left + pw / 2, y: height - 6, "text-anchor": "middle",
    "class": "axis-label x-label" }, xLabel));
  axes.appendChild(svgEl("text", { x: 14, y: m.top + ph / 2, "text-anchor": "middle", "class": "axis-label y-label",
    transform: "rotate(-90 14 " + (m.top + ph / 2) + ")" }, yLabel));
  svg.appendChild(axes);
  return { svg, fx, fy, m, pw, ph };
}

// series: [{name, points: [[x, y|null]]}]; markers: [{x, kind, label}]. Null when there is nothing to draw.
function lineChart(o) {
  const pts = o.series.flatMap(s => s.points).filter(p => p[1] !== null && isFinite(p[1]));
  if (pts.length === 0) return null;
  const xsAll = pts.map(p => p[0]).concat(o.markers.map(k => k.x));
  let x0 = Math.min(...xsAll), x1 = Math.max(...xsAll);
  if (x1 === x0) x1 = x0 + 1;
  let y0 = Math.min(0, ...pts.map(p => p[1])), y1 = Math.max(...pts.map(p => p[1]));
  if (y1 === y0) y1 = y0 + 1;
  y1 += (y1 - y0) * 0.05;
  const xs = [x0, x1]; xs.ticks = ticks(x0, x1, 6);
  const f = frame("loss-chart", o.width, o.height, o.xLabel, o.yLabel, xs, [y0, y1], 120);
  o.series.forEach((s, i) => {
    const color = PALETTE[i % PALETTE.length];
    const runs = [[]];
    for (const p of s.points) {
      if (p[1] === null || !isFinite(p[1])) { if (runs[runs.length - 1].length) runs.push([]); continue; }
      runs[runs.length - 1].push(f.fx(p[0]).toFixed(1) + "," + f.fy(p[1]).toFixed(1));
    }
    const g = svgEl("g", { "class": "series", "data-series": s.name });
    for (const r of runs.filter(r => r.length)) {
      g.appendChild(r.length === 1
        ? svgEl("circle", { cx: r[0].split(",")[0], cy: r[0].split(",")[1], r: 2, fill: color })
        : svgEl("polyline", { points: r.join(" "), fill: "none", stroke: color, "stroke-width": 1.5 }));
    }
    f.svg.appendChild(g);
    const ly = f.m.top + 14 + 16 * i, lx = f.m.left + f.pw + 10;
    f.svg.appendChild(svgEl("line", { x1: lx, y1: ly - 4, x2: lx + 18, y2: ly - 4, stroke: color, "stroke-width": 3,
      "class": "legend" }));
    f.svg.appendChild(svgEl("text", { x: lx + 24, y: ly, "class": "legend" }, s.name));
  });
  const placed = [];
  for (const k of o.markers) {
    const g = svgEl("g", { "class": "marker " + k.kind });
    const x = f.fx(k.x);
    const row = placed.filter(p => Math.abs(p - x) < 60).length; // labels of nearby markers stack downwards
    placed.push(x);
    g.appendChild(svgEl("line", { x1: x, y1: f.m.top, x2: x, y2: f.m.top + f.ph }));
    g.appendChild(svgEl("text", { x: x + 3, y: f.m.top + 10 + 12 * row }, k.kind === "drift" ? "drift" : "promotion"));
    g.appendChild(svgEl("title", {}, k.label));
    f.svg.appendChild(g);
  }
  return f.svg;
}

// bars: [{label, value}]. Null when there are none.
function barChart(o) {
  if (o.bars.length === 0) return null;
  const vs = o.bars.map(b => b.value).filter(v => isFinite(v));
  let y0 = Math.min(0, ...vs), y1 = Math.max(0, ...vs);
  if (y1 === y0) y1 = y0 + 1;
  const pad = (y1 - y0) * 0.05;
  const xs = [0, o.bars.length];
  const f = frame("weights-chart", o.width, o.height, o.xLabel, o.yLabel, xs, [y0 - (y0 < 0 ? pad : 0), y1 + pad]);
  const w = f.pw / o.bars.length;
  o.bars.forEach((b, i) => {
    if (!isFinite(b.value)) return;
    const top = f.fy(Math.max(0, b.value)), bottom = f.fy(Math.min(0, b.value));
    const r = svgEl("rect", { x: (f.fx(i) + w * 0.1).toFixed(1), y: top.toFixed(1), width: (w * 0.8).toFixed(1),
      height: Math.max(0.5, bottom - top).toFixed(1), "class": "bar " + (b.value < 0 ? "negative" : "positive"),
      "data-label": b.label });
    r.appendChild(svgEl("title", {}, b.label + " = " + b.value));
    f.svg.appendChild(r);
    if (o.bars.length <= 40) {
      f.svg.appendChild(svgEl("text", { x: (f.fx(i) + w / 2).toFixed(1), y: f.m.top + f.ph + 16,
        "text-anchor": "middle", "class": "tick-label" }, b.label));
    }
  });
  f.svg.appendChild(svgEl("line", { x1: f.m.left, y1: f.fy(0), x2: f.m.left + f.pw, y2: f.fy(0), "class": "zero" }));
  return f.svg;
}
