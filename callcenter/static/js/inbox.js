/* Live inbox: poll /api/tickets/changes and refresh the list in place, marking new rows. */
(function () {
  "use strict";
  // On a tablet the filters start folded unless some are in use: the list comes first.
  var filters = document.getElementById("filters");
  if (filters && !filters.hasAttribute("data-active") &&
      window.matchMedia("(max-width: 900px)").matches) {
    filters.open = false;
  }
  var live = document.getElementById("inbox-live");
  if (!live || !window.callcenter) { return; }
  var banner = document.getElementById("live-banner");
  var state = document.getElementById("live-state");
  var since = live.getAttribute("data-since");
  var pollMs = Math.max(1, parseInt(live.getAttribute("data-poll-seconds"), 10) || 10) * 1000;
  var firstPage = live.getAttribute("data-first-page") === "true";
  var baseTitle = document.title;
  var seen = {};
  var unseen = 0;

  function shownIds() {
    var ids = {};
    live.querySelectorAll("tr[data-ticket-id]").forEach(function (row) {
      ids[row.getAttribute("data-ticket-id")] = true;
    });
    return ids;
  }

  function announce(count) {
    unseen += count;
    var text = banner.getAttribute("data-template").replace("{count}", String(unseen));
    banner.textContent = text;
    banner.hidden = false;
    document.title = "(" + unseen + ") " + baseTitle;
  }

  function offerReload() {
    banner.textContent = "";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-small";
    button.textContent = banner.getAttribute("data-reload-label");
    button.addEventListener("click", function () { window.location.reload(); });
    banner.appendChild(button);
    banner.hidden = false;
  }

  function refresh() {
    // Never pull rows out from under the keyboard, and keep later pages stable.
    if (!firstPage || live.contains(document.activeElement)) { offerReload(); return; }
    var before = shownIds();
    fetch(live.getAttribute("data-fragment-url"), { credentials: "same-origin" })
      .then(function (resp) { if (!resp.ok) { throw resp; } return resp.text(); })
      .then(function (html) {
        live.innerHTML = html;
        var added = 0;
        live.querySelectorAll("tr[data-ticket-id]").forEach(function (row) {
          if (!before[row.getAttribute("data-ticket-id")]) {
            row.classList.add("is-new");
            var badge = row.querySelector(".badge-new");
            if (badge) { badge.hidden = false; }
            added += 1;
          }
        });
        if (added) { announce(added); }
      })
      .catch(function () { setState(false); });
  }

  function setState(ok) {
    state.textContent = state.getAttribute(ok ? "data-on" : "data-off");
    state.classList.toggle("is-off", !ok);
  }

  function poll() {
    var url = live.getAttribute("data-changes-url");
    url += (url.indexOf("?") >= 0 ? "&" : "?") + "since=" + encodeURIComponent(since);
    window.callcenter.fetchJSON(url)
      .then(function (res) {
        if (res.status === 401) { window.location.reload(); return; }
        if (!res.ok) { throw res; }
        setState(true);
        since = res.data.cursor;
        var fresh = res.data.changes.filter(function (c) { return seen[c.id] !== c.updated_at; });
        res.data.changes.forEach(function (c) { seen[c.id] = c.updated_at; });
        if (fresh.length) { refresh(); }
      })
      .catch(function () { setState(false); })
      .then(function () { window.setTimeout(poll, pollMs); });
  }

  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) { unseen = 0; document.title = baseTitle; }
  });
  window.setTimeout(poll, pollMs);
})();
