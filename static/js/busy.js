// Progress for long work: a form marked data-busy="message" shows a spinner and
// the message while the server works, and cannot be sent twice. (The report's
// files are built in the background instead: static/js/report-jobs.js.)
(function () {
  "use strict";

  function spinnerFor(el, message) {
    var box = document.createElement("span");
    box.className = "busy-status ms-2 small text-muted";
    box.setAttribute("role", "status");
    box.innerHTML = '<span class="spinner-border spinner-border-sm me-1" aria-hidden="true"></span>';
    box.appendChild(document.createTextNode(message));
    el.insertAdjacentElement("afterend", box);
    return box;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("form[data-busy]") || event.defaultPrevented) { return; }
    var buttons = form.querySelectorAll("button[type=submit], input[type=submit]");
    var submitter = event.submitter || buttons[buttons.length - 1];
    // Keep the pressed button's name/value in the request after disabling it.
    if (submitter && submitter.name) {
      var hidden = document.createElement("input");
      hidden.type = "hidden"; hidden.name = submitter.name; hidden.value = submitter.value;
      form.appendChild(hidden);
    }
    buttons.forEach(function (b) { b.disabled = true; });
    form.setAttribute("aria-busy", "true");
    spinnerFor(submitter || form.lastElementChild, form.dataset.busy);
  });
})();
