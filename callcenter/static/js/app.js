/* Shared helpers for every page: the CSRF token for fetch() POSTs. No libraries. */
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="csrf-token"]');
  window.callcenter = window.callcenter || {};
  /** fetch() with the session cookie and, for writes, the X-CSRFToken header. */
  window.callcenter.fetchJSON = function (url, options) {
    options = options || {};
    options.credentials = "same-origin";
    options.headers = Object.assign({ Accept: "application/json" }, options.headers || {});
    if (options.method && options.method !== "GET" && meta) {
      options.headers["X-CSRFToken"] = meta.getAttribute("content");
    }
    if (options.json !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(options.json);
      delete options.json;
    }
    return fetch(url, options).then(function (resp) {
      return resp.json().then(function (data) { return { ok: resp.ok, status: resp.status, data: data }; });
    });
  };
})();
