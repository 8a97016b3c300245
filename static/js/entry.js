// The yearly figures entry page (templates/indicators/submission.html).
// Without this script every category and institution is open and the jump
// list is plain links; with it:
// - a jump link (or a #inst-… address) opens the folded category and
//   institution it points to, scrolls there and focuses the first input;
// - the jump list can be filtered by name or code, accents ignored;
// - on a phone, one institution is open at a time: opening one folds the
//   others, and the page starts on the first one with an error, else the
//   first one not yet complete;
// - leaving the page (another category, page or search of a large unit's
//   entry page) with inputs changed and not saved asks first: the browser's
//   own "leave this page?" question;
// (a form marked data-confirm, the delete of an activity, asks first: static/js/portal.js).
(function () {
  "use strict";

  var entry = document.querySelector("[data-entry]");
  if (!entry) { return; }
  var blocks = Array.prototype.slice.call(entry.querySelectorAll("details.figures-block"));
  var phone = window.matchMedia("(max-width: 575.98px)");

  function openAncestors(el) {
    for (var node = el; node; node = node.parentElement) {
      if (node.tagName === "DETAILS") { node.open = true; }
    }
  }

  function show(id, focus) {
    var target = id && document.getElementById(id);
    if (!target) { return; }
    openAncestors(target);
    target.scrollIntoView({ block: "start" });
    if (focus) {
      var first = target.querySelector("input:not([type=hidden]), select, textarea");
      if (first) { first.focus({ preventScroll: true }); }
    }
  }

  // One institution at a time on a phone.
  blocks.forEach(function (block) {
    block.addEventListener("toggle", function () {
      if (!block.open || !phone.matches) { return; }
      blocks.forEach(function (other) {
        if (other !== block && other.open) { other.open = false; }
      });
    });
  });
  if (phone.matches && blocks.length > 1) {
    var start = blocks.filter(function (b) { return b.querySelector(".is-invalid"); })[0] ||
      blocks.filter(function (b) { return b.dataset.complete !== "1"; })[0] || null;
    blocks.forEach(function (b) { b.open = b === start; });
  }

  // Jump links.
  var jump = document.querySelector("[data-jump]");
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-jump-to]");
    if (!link) { return; }
    event.preventDefault();
    var id = link.getAttribute("href").slice(1);
    if (jump && phone.matches) { jump.open = false; }
    show(id, true);
  });
  window.addEventListener("hashchange", function () { show(location.hash.slice(1), true); });
  if (location.hash) { show(location.hash.slice(1), false); }

  // Unsaved inputs: the slices of a large unit are separate pages.
  var dirty = false;
  var changed = function () { dirty = true; };
  entry.addEventListener("input", changed);
  entry.addEventListener("change", changed);
  entry.addEventListener("submit", function () { dirty = false; });
  window.addEventListener("beforeunload", function (event) {
    if (!dirty) { return; }
    event.preventDefault();
    event.returnValue = "";
  });

  // Filtering the jump list.
  var filter = document.querySelector("[data-jump-filter]");
  if (filter) {
    var plain = function (text) {
      return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "")
        .replace(/đ/g, "d").replace(/Đ/g, "d").toLowerCase();
    };
    var items = Array.prototype.slice.call(document.querySelectorAll("[data-jump-item]"));
    items.forEach(function (li) { li.dataset.text = plain(li.textContent); });
    filter.hidden = false;
    filter.addEventListener("input", function () {
      var wanted = plain(filter.value.trim());
      items.forEach(function (li) { li.hidden = wanted !== "" && li.dataset.text.indexOf(wanted) < 0; });
    });
  }
})();
