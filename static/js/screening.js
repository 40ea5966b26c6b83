/* Keyboard screening: one key per action (the user's own map, from #screening-keys).
   Keys act on the buttons and links of the record panel, so the keyboard and the mouse share one
   path (htmx posts the decision and swaps in the next record). */
(function () {
  "use strict";
  var source = document.getElementById("screening-keys");
  if (!source) { return; }
  var keys = JSON.parse(source.textContent);
  var actionOf = {};
  Object.keys(keys).forEach(function (action) {
    var key = keys[action];
    actionOf[key.length === 1 ? key.toLowerCase() : key] = action;
  });
  var busy = false;
  var CAPS = { ArrowLeft: "\u2190", ArrowRight: "\u2192", ArrowUp: "\u2191", ArrowDown: "\u2193" };

  // A swapped-in panel comes without key caps (the server skips reading the key map on every
  // decision): write the user's keys into it.
  function labelKeys(root) {
    root.querySelectorAll("kbd[data-key]").forEach(function (kbd) {
      var key = keys[kbd.dataset.key];
      if (key) { kbd.textContent = CAPS[key] || (key.length === 1 ? key.toUpperCase() : key); }
    });
  }
  document.body.addEventListener("htmx:afterSwap", function () { labelKeys(document); });

  function panel() { return document.getElementById("record-panel"); }

  function typing(target) {
    return target && target.closest && target.closest("input, textarea, select, [contenteditable=true]");
  }

  function toggleHelp() {
    var dialog = document.getElementById("keys-help");
    if (!dialog) { return; }
    if (dialog.open) { dialog.close(); } else { dialog.showModal(); }
  }

  function flash(message) {
    var box = panel().querySelector(".flash") || document.createElement("p");
    box.className = "msg-error flash";
    box.setAttribute("role", "alert");
    box.textContent = message;
    panel().insertBefore(box, panel().firstChild.nextSibling);
  }

  function run(action) {
    if (action === "help") { toggleHelp(); return; }
    if (busy) { return; }
    var root = panel();
    var target = root.querySelector('[data-action="' + action + '"]') || root.querySelector('[data-nav="' + action + '"]');
    if (!target) { return; }
    var reason = root.querySelector("#reason");
    if (action === "exclude" && reason && !reason.value) {
      flash("Choose the exclusion reason first (full-text exclusions need one), then press the key again.");
      reason.focus();
      return;
    }
    target.click();
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (typing(event.target)) {
      if (event.key === "Escape") { event.target.blur(); }
      return;
    }
    var key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
    var action = actionOf[key];
    if (!action) { return; }
    event.preventDefault();
    run(action);
  });

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-show-help]")) { toggleHelp(); }
  });

  // One request at a time: a key pressed while a decision is on its way is dropped, not queued
  // against a record the reviewer has not seen yet.
  document.body.addEventListener("htmx:beforeRequest", function (event) {
    if (event.target.closest("#record-panel") && !event.target.closest("#progress")) { busy = true; }
  });
  document.body.addEventListener("htmx:afterRequest", function () { busy = false; });

  // A refused decision (422) comes back as the same record with the reason: show it.
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr.status === 422) { event.detail.shouldSwap = true; event.detail.isError = false; }
  });

  // After a full-text reason is chosen, Escape-free flow: leave the select so the keys work again.
  document.addEventListener("change", function (event) {
    if (event.target.id === "reason" || event.target.id === "companion_of") { event.target.blur(); }
  });
})();
