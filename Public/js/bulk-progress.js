// Moves a bulk job's progress page on in place: polls its JSON every two seconds and updates the numbers, the
// <progress> bar and the status (a live region), then reloads once when the job is over, to show the finish and
// the invitations left as they were. Without script the page's <noscript> refresh and reload link do the same.
(function () {
  "use strict";
  var section = document.getElementById("bulk-job");
  if (!section || !window.fetch) { return; }
  var bar = document.getElementById("bulk-progress");
  var statusText = document.getElementById("bulk-status");
  function set(field, value) {
    var nodes = section.querySelectorAll('[data-field="' + field + '"]');
    for (var i = 0; i < nodes.length; i++) { nodes[i].textContent = String(value); }
  }
  function poll() {
    fetch(section.getAttribute("data-progress-url"), { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) { if (!response.ok) { throw new Error(String(response.status)); } return response.json(); })
      .then(function (job) {
        var processed = job.done + job.failed;
        bar.max = job.total;
        bar.value = processed;
        bar.textContent = (job.total ? Math.floor(processed * 100 / job.total) : 100) + "%";
        set("processed", processed); set("total", job.total); set("done", job.done); set("failed", job.failed);
        if (job.status !== section.getAttribute("data-status")) {
          section.setAttribute("data-status", job.status);
          statusText.textContent = section.getAttribute("data-status-" + job.status) || job.status;
        }
        if (job.status === "finished" || job.status === "failed") { window.location.reload(); } else { window.setTimeout(poll, 2000); }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
