// The activity form: an output field (data-task-group="III.3") is shown, and sent,
// only when the chosen task group is its own. Without script every field shows,
// with its help text naming the group, and the server refuses a misplaced value.
(function () {
  "use strict";
  var group = document.getElementById("id_task_group");
  if (!group) return;
  var outputs = document.querySelectorAll("input[data-task-group]");
  function sync() {
    outputs.forEach(function (input) {
      var own = input.getAttribute("data-task-group") === group.value;
      var wrapper = input.closest(".mb-3") || input.parentElement;
      wrapper.hidden = !own;
      input.disabled = !own;
    });
  }
  group.addEventListener("change", sync);
  sync();
})();
