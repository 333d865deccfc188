// The catalogue page while on a call: "/" jumps to the search box (unless typing elsewhere).
document.addEventListener("keydown", function (event) {
  if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
  var target = event.target;
  var typing = target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.tagName === "SELECT");
  if (typing) return;
  var box = document.getElementById("q");
  if (box) {
    event.preventDefault();
    box.focus();
    box.select();
  }
});
// Changing a filter searches at once (no mouse trip to the button).
document.querySelectorAll("#catalogue-search select").forEach(function (select) {
  select.addEventListener("change", function () { select.form.submit(); });
});
