/* Account forms: the typed-password fields apply only when "type one" is chosen. No libraries. */
(function () {
  "use strict";
  document.querySelectorAll("[data-password-choice]").forEach(function (box) {
    var typed = box.querySelector(".password-typed");
    function update() {
      var chosen = box.querySelector('input[name="password_mode"]:checked');
      var on = chosen && chosen.value === "type";
      typed.hidden = !on;
      typed.querySelectorAll("input").forEach(function (input) { input.disabled = !on; });
    }
    box.addEventListener("change", update);
    update();
  });
})();
