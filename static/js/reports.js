// The reports page: while a report is «در صف» or «در حال ساخت», ask the server every
// two seconds and update its row in place (badge, error, download links).
(function () {
  "use strict";
  var POLL_MS = 2000;
  var root = document.querySelector("[data-status-url]");
  if (!root) return;
  var url = root.getAttribute("data-status-url");

  function waiting() {
    var rows = root.querySelectorAll("tr[data-report-id]");
    var ids = [];
    for (var i = 0; i < rows.length; i++) {
      var s = rows[i].getAttribute("data-status");
      if (s === "pending" || s === "running") ids.push(rows[i].getAttribute("data-report-id"));
    }
    return ids;
  }

  function link(href, text) {
    var a = document.createElement("a");
    a.href = href;
    a.textContent = text;
    return a;
  }

  function update(info) {
    var row = document.getElementById("report-" + info.id);
    if (!row || row.getAttribute("data-status") === info.status) return;
    row.setAttribute("data-status", info.status);
    var badge = row.querySelector("[data-role=badge]");
    badge.className = "badge badge-" + info.status;
    badge.textContent = "";
    if (info.status === "pending" || info.status === "running") {
      var spin = document.createElement("span");
      spin.className = "spinner";
      spin.setAttribute("aria-hidden", "true");
      badge.appendChild(spin);
    }
    badge.appendChild(document.createTextNode(info.label));
    var error = row.querySelector("[data-role=error]");
    error.textContent = info.error || "";
    error.hidden = !info.error;
    var downloads = row.querySelector("[data-role=downloads]");
    if (info.status === "ready") {
      downloads.textContent = "";
      if (info.pdf_url) downloads.appendChild(link(info.pdf_url, "PDF"));
      if (info.xlsx_url) downloads.appendChild(link(info.xlsx_url, "اکسل"));
    } else if (info.status === "failed") {
      downloads.textContent = "برای ساخت دوباره صفحه را تازه کنید.";
    }
  }

  // A session that has ended (401) stops the polling and says so; the poll itself never
  // keeps a session alive (X-Background-Poll, core/sessions.py).
  var ended = false;

  function sessionEnded(data) {
    ended = true;
    var note = document.createElement("p");
    note.className = "msg msg-warning";
    note.setAttribute("role", "status");
    note.textContent = data.error;
    root.parentNode.insertBefore(note, root);
  }

  function poll() {
    var ids = waiting();
    if (!ids.length) return;
    fetch(url + "?ids=" + ids.join(","), {
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-Background-Poll": "1" }
    })
      .then(function (r) {
        if (r.status === 401) return r.json().then(function (data) { sessionEnded(data); return { reports: [] }; });
        return r.ok ? r.json() : { reports: [] };
      })
      .then(function (data) { data.reports.forEach(update); })
      .catch(function () {})
      .then(function () { if (!ended) window.setTimeout(poll, POLL_MS); });
  }

  window.setTimeout(poll, POLL_MS);
})();
