// The report's files are built by a background job (reports/annual/jobs.py):
// a button asks for one, this script follows the job through its JSON status
// and shows the download link when the file is ready. Every text shown comes
// from the server (already in the interface's language). Without the script the
// form posts normally and the page shows the job when reloaded.
(function () {
  "use strict";
  var box = document.querySelector("[data-report-files]");
  if (!box || !window.fetch) { return; }
  var FIRST_DELAY = 1000;
  var LONGEST_DELAY = 5000;

  function parts(item) {
    return {
      button: item.querySelector("button[type=submit]"),
      spinner: item.querySelector("[data-job-spinner]"),
      text: item.querySelector("[data-job-status]"),
      link: item.querySelector("[data-job-download]")
    };
  }

  function asJson(response) {
    if (!response.ok) { throw new Error(String(response.status)); }
    return response.json();
  }

  function show(item, status, delay) {
    var p = parts(item);
    p.text.textContent = status.message;
    p.text.classList.toggle("text-danger", status.state === "failed");
    p.text.classList.toggle("text-muted", status.state !== "failed");
    p.button.disabled = status.active;
    p.spinner.hidden = !status.active;
    if (status.download_url) {
      p.link.href = status.download_url;
      p.link.textContent = status.download_label;
      p.link.hidden = false;
    } else {
      p.link.hidden = true;
    }
    if (status.active) { follow(item, status.status_url, delay || FIRST_DELAY); }
  }

  function lost(item) {
    var p = parts(item);
    p.text.textContent = box.dataset.pollError;
    p.text.classList.add("text-danger");
    p.spinner.hidden = true;
    p.button.disabled = false;
  }

  function follow(item, url, delay) {
    window.setTimeout(function () {
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store" })
        .then(asJson)
        .then(function (status) { show(item, status, Math.min(delay * 1.5, LONGEST_DELAY)); })
        .catch(function () { lost(item); });
    }, delay);
  }

  box.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-report-job]");
    if (!form) { return; }
    event.preventDefault();
    var item = form.closest("[data-report-file]");
    var p = parts(item);
    p.button.disabled = true;
    p.spinner.hidden = false;
    p.link.hidden = true;
    p.text.textContent = box.dataset.starting;
    p.text.classList.remove("text-danger");
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { Accept: "application/json" },
      credentials: "same-origin"
    }).then(asJson)
      .then(function (status) { show(item, status); })
      .catch(function () { lost(item); });
  });

  // Jobs already under way when the page was opened.
  box.querySelectorAll("[data-status-url]").forEach(function (text) {
    follow(text.closest("[data-report-file]"), text.dataset.statusUrl, FIRST_DELAY);
  });
})();
