/* Console keyboard shortcuts (listed on the help overlay, opened with ?).
   Inbox: j/k move the selection, Enter opens it. Ticket page: c claim, p play/pause,
   m note, r resolve. Everywhere: n next new ticket, i inbox, ? help, Esc closes help. */
(function () {
  "use strict";
  var help = document.getElementById("shortcut-help");
  if (!help) { return; }
  var opener = document.getElementById("shortcut-open");
  var closer = document.getElementById("shortcut-close");
  var lastFocus = null;

  function showHelp(show) {
    if (show) {
      lastFocus = document.activeElement;
      help.hidden = false;
      closer.focus();
    } else {
      help.hidden = true;
      if (lastFocus && lastFocus.focus) { lastFocus.focus(); }
    }
  }
  if (opener) { opener.addEventListener("click", function () { showHelp(true); }); }
  closer.addEventListener("click", function () { showHelp(false); });
  help.addEventListener("click", function (event) { if (event.target === help) { showHelp(false); } });

  function typing(target) {
    var tag = (target && target.tagName || "").toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" ||
      (target && target.isContentEditable);
  }

  var selected = -1;
  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("tr.inbox-row"));
  }
  function select(step) {
    var all = rows();
    if (!all.length) { return false; }
    selected = Math.max(0, Math.min(all.length - 1, selected + step));
    all.forEach(function (row, i) { row.classList.toggle("is-selected", i === selected); });
    var link = all[selected].querySelector("a.ticket-link");
    if (link) { link.focus(); }
    return true;
  }

  function click(id) {
    var element = document.getElementById(id);
    if (!element) { return false; }
    element.click();
    return true;
  }

  function togglePlay() {
    var player = document.getElementById("player");
    if (!player) { return false; }
    if (player.paused) { player.play(); } else { player.pause(); }
    return true;
  }

  function focusNote() {
    var note = document.getElementById("note-text");
    if (!note) { return false; }
    note.scrollIntoView({ block: "center" });
    note.focus();
    return true;
  }

  function resolve() {
    var radio = document.querySelector('input[name="status"][value="resolved"]');
    if (!radio) { return false; }
    radio.checked = true;
    radio.dispatchEvent(new Event("change", { bubbles: true }));
    var outcome = document.getElementById("outcome");
    (outcome || radio).scrollIntoView({ block: "center" });
    (outcome || radio).focus();
    return true;
  }

  var actions = {
    "?": function () { showHelp(help.hidden); return true; },
    n: function () { window.location.href = help.getAttribute("data-next-url"); return true; },
    i: function () { window.location.href = help.getAttribute("data-inbox-url"); return true; },
    j: function () { return select(1); },
    k: function () { return select(-1); },
    c: function () { return click("claim-button"); },
    p: togglePlay,
    m: focusNote,
    r: resolve
  };

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !help.hidden) { showHelp(false); event.preventDefault(); return; }
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) { return; }
    var action = actions[event.key];
    if (action && action()) { event.preventDefault(); }
  });
})();
