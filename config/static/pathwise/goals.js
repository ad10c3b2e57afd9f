/* The type-ahead goal picker (web/goals.py): picking a suggestion adds a chip holding a
 * hidden `goals` input; a chip's × removes it. Without JavaScript the text box is submitted.
 * Text typed before this script ran, or left in the box at submit, is not lost: a known
 * title becomes a chip, anything else is submitted for the server to name as unknown. */
(function () {
  "use strict";
  // The pickers set up, each with its settle(): a WeakMap, not a DOM attribute, since
  // htmx's history keeps copies of the page's HTML and restores them as new nodes.
  var settlers = new WeakMap();
  function setUp(picker) {
    if (settlers.has(picker)) return;
    var input = picker.querySelector("input[type=text]");
    var list = document.getElementById(input.getAttribute("list"));
    var chips = picker.querySelector(".chips");
    var name = picker.dataset.name;
    var byLabel = {};
    list.querySelectorAll("option").forEach(function (option) { byLabel[option.value.toLowerCase()] = option.dataset.goal; });
    input.removeAttribute("name"); // chips carry the goals now
    function add(label) {
      var goal = byLabel[label.toLowerCase()];
      if (!goal || chips.querySelector('input[value="' + CSS.escape(goal) + '"]')) return false;
      var chip = document.createElement("span");
      chip.className = "chip";
      chip.innerHTML = '<input type="hidden"><span class="label"></span><button type="button" class="remove">\u00D7</button>';
      chip.querySelector("input").name = name;
      chip.querySelector("input").value = goal;
      chip.querySelector(".label").textContent = label;
      chip.querySelector("button").setAttribute("aria-label", "Remove " + label);
      chips.appendChild(chip);
      picker.dispatchEvent(new CustomEvent("goals-changed", { bubbles: true }));
      return true;
    }
    input.addEventListener("input", function () {
      if (byLabel[input.value.toLowerCase()] && add(input.value)) input.value = "";
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && input.value) {
        event.preventDefault();
        var match = Object.keys(byLabel).filter(function (label) { return label.indexOf(input.value.toLowerCase()) !== -1; });
        var option = match.length ? list.querySelector('option[data-goal="' + CSS.escape(byLabel[match[0]]) + '"]') : null;
        if (option && add(option.value)) input.value = "";
      }
    });
    function settle() { // what is in the box becomes a chip, or goes to the server as typed
      var text = input.value.trim();
      if (!text) return;
      if (byLabel[text.toLowerCase()]) {
        add(text);
        input.value = "";
        input.removeAttribute("name");
      } else {
        input.name = name;
      }
    }
    settle();
    settlers.set(picker, settle);
    chips.addEventListener("click", function (event) {
      var button = event.target.closest("button.remove");
      if (!button) return;
      button.closest(".chip").remove();
      input.focus();
    });
  }
  function setUpAll(root) {
    (root.querySelectorAll ? root : document).querySelectorAll(".goal-picker").forEach(setUp);
    if (root.matches && root.matches(".goal-picker")) setUp(root);
  }
  // Capturing, on the document: before htmx's own submit handler reads the form's values.
  document.addEventListener("submit", function (event) {
    event.target.querySelectorAll(".goal-picker").forEach(function (picker) {
      var settle = settlers.get(picker);
      if (settle) settle();
    });
  }, true);
  document.addEventListener("DOMContentLoaded", function () { setUpAll(document); });
  // A form swapped in by htmx (an assignment's errors, say) gets its picker too.
  document.addEventListener("htmx:load", function (event) { setUpAll(event.target); });
})();
