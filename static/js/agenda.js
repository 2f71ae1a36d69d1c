// Show the agenda in the browser's own zone: without ?tz=, ask once for it.
// Without JavaScript the page stays in the conference's zone.
(function () {
  "use strict";
  var params = new URLSearchParams(window.location.search);
  if (!params.has("tz")) {
    var zone = "";
    try {
      zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    } catch (e) {
      zone = "";
    }
    if (zone) {
      params.set("tz", zone);
      window.location.replace(window.location.pathname + "?" + params.toString());
      return;
    }
  }
  var select = document.getElementById("tz-select");
  if (select && select.form) {
    select.addEventListener("change", function () {
      select.form.submit();
    });
  }
})();
