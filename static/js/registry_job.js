// An import or export running in the background: ask the server every two seconds and
// move the bar (rows done of rows, percentage); once it has ended, show the download or
// bring the page back with the outcome. The poll never keeps an idle session alive
// (X-Background-Poll, core/sessions.py); a session that has ended (401) stops it.
(function () {
  "use strict";
  var POLL_MS = 2000;
  var root = document.querySelector("[data-job-status-url]");
  if (!root) return;
  var url = root.getAttribute("data-job-status-url");
  var part = function (name) { return root.querySelector("[data-role=" + name + "]"); };

  function finished(status) { return status === "done" || status === "failed" || status === "cancelled"; }

  function update(info) {
    part("bar").value = info.percent;
    part("bar").textContent = info.percent;
    part("text").textContent = info.text;
    var label = part("label");
    label.className = "badge badge-" + info.status;
    label.textContent = info.label;
    part("error").textContent = info.error || "";
    part("error").hidden = !info.error;
    if (info.download_url) {
      part("download").hidden = false;
      part("download-link").href = info.download_url;
    }
    root.setAttribute("data-status", info.status);
    if (finished(info.status)) {
      var cancel = part("cancel");
      if (cancel) cancel.hidden = true;
      // An import's rows to fix or its «تکراری» rows are drawn by the server.
      if (info.status !== "done" || !info.download_url) part("reload").hidden = false;
    }
  }

  function ended(data) {
    var note = document.createElement("p");
    note.className = "msg msg-warning";
    note.setAttribute("role", "status");
    note.textContent = data.error;
    root.parentNode.insertBefore(note, root);
  }

  function poll() {
    if (finished(root.getAttribute("data-status"))) return;
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json", "X-Background-Poll": "1" } })
      .then(function (r) {
        if (r.status === 401) return r.json().then(function (data) { ended(data); return null; });
        return r.ok ? r.json() : undefined;
      })
      .then(function (info) {
        if (info === null) return;
        if (info) update(info);
        window.setTimeout(poll, POLL_MS);
      })
      .catch(function () { window.setTimeout(poll, POLL_MS); });
  }

  window.setTimeout(poll, POLL_MS);
})();
