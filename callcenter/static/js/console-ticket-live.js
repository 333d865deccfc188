/* Ticket page: poll the ticket's state; when someone else changes it (a note, a move, a
   transcript arriving) reload the page, unless the operator is in the middle of typing or
   has changed a form, in which case say so and offer the reload. */
(function () {
  "use strict";
  var banner = document.getElementById("ticket-changed");
  if (!banner || !window.callcenter) { return; }
  var url = banner.getAttribute("data-state-url");
  var signature = banner.getAttribute("data-signature");
  var pollMs = Math.max(1, parseInt(banner.getAttribute("data-poll-seconds"), 10) || 10) * 1000;
  var edited = false;
  document.querySelectorAll("form").forEach(function (form) {
    form.addEventListener("input", function () { edited = true; });
    form.addEventListener("change", function () { edited = true; });
  });
  var player = document.getElementById("player");

  function busy() {
    var active = document.activeElement;
    var tag = (active && active.tagName || "").toLowerCase();
    return edited || tag === "textarea" || tag === "input" || tag === "select" ||
      (player && !player.paused);
  }

  function poll() {
    window.callcenter.fetchJSON(url).then(function (res) {
      if (res.status === 401) { window.location.reload(); return; }
      if (!res.ok || !res.data || res.data.signature === signature) { return; }
      if (!busy()) { window.location.reload(); return; }
      banner.hidden = false;
      signature = res.data.signature;
      document.querySelectorAll('input[name="version"]').forEach(function (input) {
        input.setAttribute("data-stale", "true");
      });
    }).catch(function () { /* the next poll tries again */ }).then(function () {
      window.setTimeout(poll, pollMs);
    });
  }
  window.setTimeout(poll, pollMs);
  var reload = document.getElementById("ticket-reload");
  if (reload) { reload.addEventListener("click", function () { window.location.reload(); }); }

  // Resolving: the outcome, solution and date are asked only when 해결됨 is chosen.
  var resolveFields = document.getElementById("resolve-fields");
  if (resolveFields) {
    var sync = function () {
      var chosen = document.querySelector('input[name="status"]:checked');
      var resolving = chosen && chosen.value === "resolved";
      resolveFields.hidden = !resolving;
      var outcome = document.getElementById("outcome");
      var solution = document.getElementById("solution");
      if (outcome) { outcome.required = resolving; }
      if (solution) { solution.required = resolving; }
    };
    document.querySelectorAll('input[name="status"]').forEach(function (radio) {
      radio.addEventListener("change", sync);
    });
    sync();
  }
})();
