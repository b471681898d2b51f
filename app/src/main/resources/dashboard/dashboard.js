// The streamlearn dashboard: polls GET /models (every page: the whole cluster) every second and renders one
// row per model; instances that did not answer are named in the status line. For the selected model (the
// page's #model=<id>, else the first) it also reads GET /models/{id}/history (the loss per candidate and the
// drift and promotion records the owning instance kept) and GET /models/{id} (the weights), and draws its
// candidates side by side, the loss over time with the drifts and promotions marked, its drift history, its
// weights as bars and, for a model with feedback, the feedback figures (every number the service sends).
// Data from the service is only ever written as text (textContent, attributes), never parsed as HTML.
"use strict";
const rates = {};
// With http.auth.token set, open the page as /#token=<token>: the fragment never leaves the browser, and the
// token goes with each request as "Authorization: Bearer <token>".
const HASH = () => new URLSearchParams(location.hash.slice(1));
const TOKEN = HASH().get("token");
const MAX_BARS = 40;

function fmt(v) { return (v === null || v === undefined) ? "–" : Number(v).toPrecision(4); }

function el(name, text, className) {
  const e = document.createElement(name);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = String(text);
  return e;
}

function cell(text, className) { return el("td", text, className); }

function metricText(metric) {
  return Object.entries(metric || {}).map(([k, v]) => k + " " + fmt(v)).join(", ");
}

async function getJson(url) {
  const r = await fetch(url, TOKEN ? { headers: { "Authorization": "Bearer " + TOKEN } } : {});
  if (!r.ok) throw new Error(url + ": " + r.status);
  return r.json();
}

function linkTo(id) {
  const p = HASH();
  p.set("model", id);
  const a = el("a", id);
  a.setAttribute("href", "#" + p.toString());
  return a;
}

function row(m, now, selected) {
  const prev = rates[m.model];
  rates[m.model] = [now, m.seen];
  const rate = prev && now > prev[0] ? (m.seen - prev[1]) * 1000 / (now - prev[0]) : 0;
  const tr = document.createElement("tr");
  tr.setAttribute("data-model", m.model);
  if (selected) tr.className = "selected";
  const name = cell("");
  name.appendChild(linkTo(m.model));
  tr.append(name, cell(m.task), cell(m.optimizer), cell(m.champion || "main"), cell(m.seen, "seen"),
    cell(m.updates), cell(Math.round(rate)), cell(fmt(m.loss.mean)), cell(fmt(m.loss.ewma)),
    cell(fmt(m.loss.window)), cell(metricText(m.metric)), cell(m.drifts === undefined ? "–" : m.drifts),
    cell(m.modelVersion));
  return tr;
}

// The candidates of a /models entry, the champion first; a model without challengers is its one candidate.
function candidates(m, snapshot) {
  if (Array.isArray(m.candidates) && m.candidates.length) return m.candidates;
  const opt = snapshot && snapshot.spec && snapshot.spec.optimizer;
  return [{ name: "main", champion: true, optimizer: m.optimizer, learningRate: opt ? opt.learningRate : null,
    seen: m.seen, loss: m.loss, metric: m.metric }];
}

function renderCandidates(m, snapshot) {
  const body = document.querySelector("#candidates tbody");
  body.replaceChildren(...candidates(m, snapshot).map(c => {
    const tr = document.createElement("tr");
    tr.setAttribute("data-candidate", c.name);
    if (c.champion) tr.className = "champion";
    tr.append(cell(c.name), cell(c.champion ? "champion" : "challenger"),
      cell(c.optimizer + (c.learningRate === null || c.learningRate === undefined ? "" : ", lr " + c.learningRate)),
      cell(c.seen), cell(fmt(c.loss.mean)), cell(metricText(c.metric)), cell(fmt(c.loss.window)));
    return tr;
  }));
}

function eventLabel(e) {
  return e.type === "drift"
    ? "drift (" + e.detector + ", " + e.action + ") at event " + e.seen
    : "promotion: " + e.champion + " replaces " + e.previous + " (" + e.reason + ") at event " + e.seen;
}

function renderHistory(h) {
  const chart = document.getElementById("loss-chart");
  const series = h.candidates.map((name, i) => ({ name, points: h.points.map(p => [p.seen, p.loss[i]]) }));
  const svg = lineChart({ width: 880, height: 320, xLabel: "events seen", yLabel: "window loss", series,
    markers: h.events.map(e => ({ x: e.seen, kind: e.type === "drift" ? "drift" : "promotion", label: eventLabel(e) })) });
  chart.replaceChildren(svg || el("p", "no loss published on this instance yet", "note"));
  if (h.stride > 1) chart.appendChild(el("p", "every " + h.stride + "th published record (bounded history)", "note"));
  const body = document.querySelector("#events tbody");
  body.replaceChildren(...h.events.slice().reverse().map(e => {
    const tr = document.createElement("tr");
    tr.setAttribute("data-event", e.type);
    tr.append(cell(e.type), cell(e.type === "drift" ? e.detector + " (" + e.signal + ", " + e.action + ")"
      : e.previous + " → " + e.champion + " (" + e.reason + ")"), cell(e.seen), cell(e.modelVersion),
      cell(fmt(e.before)), cell(fmt(e.after)), cell(new Date(e.atMs).toISOString()));
    return tr;
  }));
  document.getElementById("events-note").textContent = h.events.length ? (h.eventsDropped
    ? h.eventsDropped + " older record(s) not kept here" : "") : "no drift or promotion on this instance yet";
}

// The champion's weights: a linear model's, or each class's for multiclass; the largest |w| when many.
function renderWeights(s) {
  const out = document.getElementById("weights-chart");
  let bars = [];
  if (Array.isArray(s.weights)) {
    s.weights.forEach((w, i) => {
      if (Array.isArray(w)) w.forEach((v, j) => bars.push({ label: "c" + i + "·x" + j, value: v }));
      else bars.push({ label: "x" + i, value: w });
    });
  }
  const total = bars.length;
  if (total > MAX_BARS) {
    bars = bars.map((b, i) => [b, i]).sort((a, b) => Math.abs(b[0].value) - Math.abs(a[0].value) || a[1] - b[1])
      .slice(0, MAX_BARS).sort((a, b) => a[1] - b[1]).map(p => p[0]);
  }
  const svg = barChart({ width: 760, height: 240, xLabel: total > MAX_BARS ? "feature (the " + MAX_BARS
    + " largest |weight| of " + total + ")" : "feature", yLabel: "weight", bars });
  out.replaceChildren(svg || el("p", s.layers ? "an MLP: its layers are not charted" : "no weights", "note"));
  if (svg && s.intercept !== undefined) out.appendChild(el("p", "intercept " + (Array.isArray(s.intercept)
    ? s.intercept.map(fmt).join(", ") : fmt(s.intercept)), "note"));
}

// Every number under "feedback" in what the service sent, nested ones as a.b; absent when the model has none.
function renderFeedback(...sources) {
  const rows = new Map();
  const walk = (o, prefix) => Object.entries(o || {}).forEach(([k, v]) => {
    if (typeof v === "number" || v === null) rows.set(prefix + k, v);
    else if (v && typeof v === "object" && !Array.isArray(v)) walk(v, prefix + k + ".");
  });
  sources.forEach(s => { if (s && s.feedback) walk(s.feedback, ""); });
  const section = document.getElementById("feedback");
  section.hidden = rows.size === 0;
  document.querySelector("#feedback tbody").replaceChildren(...[...rows].map(([k, v]) => {
    const tr = document.createElement("tr");
    tr.setAttribute("data-field", k);
    tr.append(cell(k), cell(typeof v === "number" && !Number.isInteger(v) ? fmt(v) : (v === null ? "–" : v)));
    return tr;
  }));
}

async function renderDetail(m) {
  const id = encodeURIComponent(m.model);
  const [h, s] = await Promise.all([getJson("/models/" + id + "/history"), getJson("/models/" + id)]);
  document.getElementById("detail").hidden = false;
  document.getElementById("detail-title").textContent = m.model + (h.stale ? " (from a standby, stale)" : "");
  renderCandidates(m, s);
  renderHistory(h);
  renderWeights(s);
  renderFeedback(m, h.latest, s);
}

async function refresh() {
  const status = document.getElementById("status");
  try {
    const models = [], missing = [];
    let after = "";
    for (let pages = 0; pages < 100; pages++) {
      const page = await getJson("/models?limit=1000" + (after ? "&after=" + encodeURIComponent(after) : ""));
      models.push(...page.models);
      page.instances.filter(i => !i.ok).forEach(i => { if (!missing.includes(i.url)) missing.push(i.url); });
      if (page.next === null || page.next === undefined) break;
      after = page.next;
    }
    const now = Date.now();
    const wanted = HASH().get("model");
    const selected = models.find(m => m.model === wanted) || models[0];
    document.querySelector("#models tbody").replaceChildren(...models.map(m => row(m, now, m === selected)));
    status.textContent = models.length + " model(s), updated " + new Date(now).toLocaleTimeString()
      + (missing.length ? "; no answer from " + missing.join(", ") : "");
    if (selected) await renderDetail(selected);
  } catch (e) {
    status.textContent = "cannot reach the service: " + e;
  }
}

let busy = false;
async function tick() {
  if (busy) return;
  busy = true;
  try { await refresh(); } finally { busy = false; }
}
window.addEventListener("hashchange", tick);
tick();
setInterval(tick, 1000);
