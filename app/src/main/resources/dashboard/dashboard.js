// The streamlearn dashboard: polls GET /models (every page: the whole cluster) every second and renders one
// row per model; instances that did not answer are named in the status line.
// Data from the service is only ever written as text (textContent, attributes), never parsed as HTML.
"use strict";
const history = {};
// With http.auth.token set, open the page as /#token=<token>: the fragment never leaves the browser, and the
// token goes with each request as "Authorization: Bearer <token>".
const TOKEN = new URLSearchParams(location.hash.slice(1)).get("token");
const SVG = "http://www.w3.org/2000/svg";

function fmt(v) { return (v === null || v === undefined) ? "–" : Number(v).toPrecision(4); }

function cell(text, className) {
  const td = document.createElement("td");
  if (className) td.className = className;
  td.textContent = String(text);
  return td;
}

function spark(points) {
  const w = 220, h = 40;
  const ys = points.map(p => p[1]).filter(v => v !== null && isFinite(v));
  if (ys.length < 2) return null;
  const lo = Math.min(...ys), hi = Math.max(...ys);
  const x0 = points[0][0], x1 = points[points.length - 1][0];
  const pts = points.filter(p => p[1] !== null).map(p =>
    ((x1 > x0 ? (p[0] - x0) / (x1 - x0) : 0) * (w - 4) + 2).toFixed(1) + "," +
    (h - 2 - (hi > lo ? (p[1] - lo) / (hi - lo) : 0.5) * (h - 4)).toFixed(1)).join(" ");
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("width", String(w));
  svg.setAttribute("height", String(h));
  const line = document.createElementNS(SVG, "polyline");
  line.setAttribute("fill", "none");
  line.setAttribute("stroke", "#1f77b4");
  line.setAttribute("stroke-width", "1.5");
  line.setAttribute("points", pts);
  svg.appendChild(line);
  return svg;
}

function row(m, now) {
  const h = history[m.model] || (history[m.model] = []);
  const prev = h.length ? h[h.length - 1] : null;
  h.push([now, m.loss.ewma, m.seen]);
  if (h.length > 300) h.shift();
  const rate = prev && now > prev[0] ? (m.seen - prev[2]) * 1000 / (now - prev[0]) : 0;
  const metric = Object.entries(m.metric).map(([k, v]) => k + " " + fmt(v)).join(", ");
  const tr = document.createElement("tr");
  tr.setAttribute("data-model", m.model);
  tr.append(cell(m.model), cell(m.task), cell(m.optimizer), cell(m.seen, "seen"), cell(m.updates),
    cell(Math.round(rate)), cell(fmt(m.loss.mean)), cell(fmt(m.loss.ewma)), cell(fmt(m.loss.window)),
    cell(metric), cell(m.modelVersion));
  const chart = document.createElement("td");
  const s = spark(h.map(p => [p[0], p[1]]));
  if (s) chart.appendChild(s);
  tr.appendChild(chart);
  return tr;
}

async function refresh() {
  const status = document.getElementById("status");
  try {
    const models = [], missing = [];
    let after = "";
    for (let pages = 0; pages < 100; pages++) {
      const r = await fetch("/models?limit=1000" + (after ? "&after=" + encodeURIComponent(after) : ""),
        TOKEN ? { headers: { "Authorization": "Bearer " + TOKEN } } : {});
      if (!r.ok) { status.textContent = "service: " + r.status; return; }
      const page = await r.json();
      models.push(...page.models);
      page.instances.filter(i => !i.ok).forEach(i => { if (!missing.includes(i.url)) missing.push(i.url); });
      if (page.next === null || page.next === undefined) break;
      after = page.next;
    }
    const now = Date.now();
    document.querySelector("#models tbody").replaceChildren(...models.map(m => row(m, now)));
    status.textContent = models.length + " model(s), updated " + new Date(now).toLocaleTimeString()
      + (missing.length ? "; no answer from " + missing.join(", ") : "");
  } catch (e) {
    status.textContent = "cannot reach the service: " + e;
  }
}

refresh();
setInterval(refresh, 1000);
