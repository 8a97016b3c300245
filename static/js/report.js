// The report page: refresh the preview as the reviewer types (the preview
// endpoint renders the unsaved form; nothing is written), (issuing asks first: data-confirm, static/js/portal.js).
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  var frame = document.getElementById("report-preview");
  var status = document.getElementById("preview-status");
  var timer = null;
  var pending = null;

  function refresh() {
    if (!form || !frame || !window.fetch) { return; }
    if (pending) { pending.abort(); }
    pending = new AbortController();
    if (status) { status.textContent = "Đang cập nhật bản xem trước…"; }
    fetch(form.dataset.previewUrl, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      signal: pending.signal
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.text();
    }).then(function (html) {
      var y = frame.contentWindow ? frame.contentWindow.scrollY : 0;
      frame.srcdoc = html;
      frame.addEventListener("load", function restore() {
        frame.removeEventListener("load", restore);
        if (frame.contentWindow) { frame.contentWindow.scrollTo(0, y); }
      });
      if (status) { status.textContent = "Bản xem trước chưa lưu — bấm “Lưu dự thảo”."; }
    }).catch(function (error) {
      if (error.name !== "AbortError" && status) {
        status.textContent = "Không cập nhật được bản xem trước.";
      }
    });
  }

  if (form) {
    form.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, 700);
    });
  }
})();
