/* Ticket page: transcript segments seek the audio player; the playing segment is marked. */
(function () {
  "use strict";
  var player = document.getElementById("player");
  var buttons = Array.prototype.slice.call(document.querySelectorAll("button.seek"));
  if (!buttons.length) { return; }
  buttons.forEach(function (button) {
    button.addEventListener("click", function () {
      if (!player) { return; }
      var start = parseFloat(button.getAttribute("data-start")) || 0;
      var seek = function () { player.currentTime = start; player.play(); };
      // Until metadata is loaded (preload="none"), currentTime cannot be set reliably.
      if (player.readyState >= 1) { seek(); } else {
        player.addEventListener("loadedmetadata", seek, { once: true });
        player.load();
      }
    });
  });
  if (player) {
    player.addEventListener("timeupdate", function () {
      var now = player.currentTime;
      var current = null;
      buttons.forEach(function (b) { if (parseFloat(b.getAttribute("data-start")) <= now) { current = b; } });
      buttons.forEach(function (b) {
        var li = b.parentNode;
        if (b === current) { li.setAttribute("aria-current", "true"); } else { li.removeAttribute("aria-current"); }
      });
    });
  }
})();
