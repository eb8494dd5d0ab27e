// FlowDesk's built-in dashboard: read-only views of the API, refreshed every 5 seconds.
// Requests are same-origin GETs: the session cookie (set by /auth/login) authenticates them, so
// no token ever appears in this page. Every value is inserted as text, never as HTML: run
// messages can come from webhook senders.
"use strict";

async function api(path) {
  const response = await fetch(path, {credentials: "same-origin", headers: {"Accept": "application/json"}});
  const body = await response.json().catch(() => ({}));
  if (response.status === 401) {
    throw new Error("not signed in: open this page from FlowDesk (the window, or `flowdesk open`)");
  }
  if (!response.ok) throw new Error(body.error || response.statusText);
  return body;
}

function cell(text, className) {
  const td = document.createElement("td");
  td.textContent = text === null || text === undefined ? "–" : String(text);
  if (className) td.className = className;
  return td;
}

function fill(id, rows) {
  const body = document.getElementById(id);
  body.replaceChildren(...rows.map(cells => {
    const tr = document.createElement("tr");
    tr.append(...cells);
    return tr;
  }));
}

function when(iso) {
  return iso ? new Date(iso).toLocaleString() : null;
}

function seconds(value) {
  return typeof value === "number" ? value.toFixed(2) : null;
}

async function refresh() {
  try {
    const [workflows, stats, runs, jobs, oauth] = await Promise.all([
      api("/api/workflows"), api("/api/workflows/stats"), api("/api/runs?limit=20"),
      api("/api/scheduler/jobs"), api("/api/oauth/status"),
    ]);
    const perWorkflow = stats.workflows || {};
    fill("rows", workflows.map(w => {
      const s = perWorkflow[w.name] || {total: 0};
      return [
        cell(w.display_name + (w.broken ? " (broken)" : ""), w.broken ? "bad" : ""),
        cell(w.category), cell(w.active ? "yes" : "no", w.active ? "ok" : "muted"),
        cell((w.triggers || []).join(", ")), cell(w.schedule), cell(s.total),
        cell(s.total ? s.success_rate + " %" : null, s.success_rate >= 80 ? "ok" : "bad"),
        cell(s.average_duration ? seconds(s.average_duration) : null),
      ];
    }));
    fill("runs", runs.map(r => [
      cell(when(r.queued_at)), cell(r.workflow), cell(r.trigger),
      cell(r.status, r.status === "success" ? "ok" : (["queued", "running"].includes(r.status) ? "" : "bad")),
      cell(seconds(r.duration)), cell(r.message || r.error, "message"),
    ]));
    fill("jobs", jobs.map(j => [
      cell(j.workflow_display_name || j.workflow_name), cell(j.cron_expression), cell(j.timezone),
      cell(when(j.next_run)), cell(when(j.last_run)),
    ]));
    const profiles = Object.values(oauth.tools || {}).flatMap(t => Object.values(t.profiles || {}));
    fill("oauth", profiles.map(p => [
      cell(p.display_name || p.tool), cell(p.profile),
      cell(p.authenticated ? "yes" : "no", p.authenticated ? "ok" : "bad"), cell(p.authenticated ? null : p.reason),
    ]));
    document.getElementById("error").textContent = "";
    document.getElementById("updated").textContent = "updated " + new Date().toLocaleTimeString();
  } catch (e) {
    document.getElementById("error").textContent = "Cannot reach FlowDesk: " + e.message;
  }
}

refresh();
setInterval(refresh, 5000);
