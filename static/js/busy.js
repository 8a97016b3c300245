// Progress for long work: a form or link marked data-busy="message" shows a
// spinner and the message while the server works, and cannot be sent twice.
// Downloads carry a token; the server answers with a cookie of that name, so the
// indicator clears when the file has actually arrived.
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

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-busy]");
    if (!link || link.getAttribute("aria-disabled") === "true") {
      if (link) { event.preventDefault(); }
      return;
    }
    var token = "dl" + Date.now().toString(36);
    var url = new URL(link.href, window.location.href);
    url.searchParams.set("download_token", token);
    link.href = url.toString();
    link.setAttribute("aria-disabled", "true");
    link.classList.add("disabled");
    var box = spinnerFor(link, link.dataset.busy);
    var started = Date.now();
    var timer = window.setInterval(function () {
      var arrived = document.cookie.split("; ").some(function (c) { return c.indexOf(token + "=") === 0; });
      if (arrived || Date.now() - started > 120000) {
        window.clearInterval(timer);
        box.remove();
        link.removeAttribute("aria-disabled");
        link.classList.remove("disabled");
        document.cookie = token + "=; Max-Age=0; path=/";
      }
    }, 500);
  });
})();
