// Behaviour every page shares, without inline handlers (the Content-Security-
// Policy allows scripts from the portal's own files only):
// - a form, or a submit button, marked data-confirm="question" asks before it
//   is sent; cancelling sends nothing;
// - a <select data-autosubmit> sends its form when changed (the language switch;
//   without scripts its <noscript> button does it).
(function () {
  "use strict";

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;
    var question = (button && button.dataset && button.dataset.confirm) ||
      (form.matches("form[data-confirm]") ? form.dataset.confirm : "");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  document.addEventListener("change", function (event) {
    var select = event.target;
    if (select.matches("select[data-autosubmit]") && select.form) {
      select.form.requestSubmit ? select.form.requestSubmit() : select.form.submit();
    }
  });
})();
