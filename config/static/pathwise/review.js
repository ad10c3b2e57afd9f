/* Review keys, as in Anki: Space or Enter shows the answer (or continues), 1–4 rate a
 * card or pick a multiple-choice option, U takes back the last rating. Every key presses
 * the button marked data-key, so the page works by mouse and without JavaScript too.
 * Focus stays on the card after every answer; the answer time goes with each review. */
(function () {
  "use strict";
  var shownAt = performance.now();
  function card() { return document.getElementById("review-card"); }
  function visible(node) { return node && !node.closest("[hidden]"); }
  function press(key) {
    var target = card() && card().querySelector('[data-key="' + key + '"]');
    if (!visible(target)) return false;
    target.click();
    return true;
  }
  function reveal() {
    var side = card() && card().querySelector(".answer-side");
    var button = card() && card().querySelector('[data-key="reveal"]');
    if (!side || !side.hidden) return false;
    side.hidden = false;
    if (button) button.closest(".reveal-row").hidden = true;
    var good = side.querySelector('[data-key="3"]');
    if (good) good.focus(); else card().focus();
    return true;
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest('[data-key="reveal"]');
    if (link) { event.preventDefault(); reveal(); }
  });
  document.addEventListener("keydown", function (event) {
    if (!card() || event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.target.matches("input[type=text], textarea, select")) return;
    // While an answer is on its way, keys wait: they would act on the card being replaced.
    if (document.querySelector("#review-card.htmx-request, #review-card .htmx-request")) { event.preventDefault(); return; }
    var key = event.key;
    var handled = false;
    if (key === " " || key === "Enter") {
      // Enter on a focused button or link does what it says; Space/Enter elsewhere reveals or continues.
      if (key === "Enter" && event.target.matches("button, a[href]") && card().contains(event.target)) return;
      handled = reveal() || press("continue");
    } else if (/^[1-4]$/.test(key)) {
      handled = press(key);
    } else if (key === "u" || key === "U") {
      handled = press("u");
    }
    if (handled) event.preventDefault();
  });
  document.addEventListener("submit", function (event) {
    var field = event.target.querySelector("input[name=duration_ms]");
    if (field) field.value = String(Math.round(performance.now() - shownAt));
  });
  document.addEventListener("htmx:configRequest", function (event) {
    if (event.detail.parameters && "duration_ms" in event.detail.parameters) {
      event.detail.parameters.duration_ms = String(Math.round(performance.now() - shownAt));
    }
  });
  document.addEventListener("DOMContentLoaded", function () {
    if (!card()) return;
    var autofocus = card().querySelector("[autofocus]");
    (visible(autofocus) ? autofocus : card()).focus();
  });
  // After the settle, not the swap: htmx wires the new card's buttons up as it settles, and a
  // key pressed on a button focused before that would submit the page instead.
  document.addEventListener("htmx:afterSettle", function (event) {
    if (event.detail.target.id !== "review-card" && !card()) return;
    shownAt = performance.now();
    var autofocus = card().querySelector("[autofocus]");
    (visible(autofocus) ? autofocus : card()).focus();
  });
})();
