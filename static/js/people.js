// Person form: when the country changes, list only that country's zones
// (preselected when it has one). Without JavaScript a button does the same.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var form = document.querySelector("form[data-zones-url]");
  if (!form) return;
  var country = form.querySelector("#country");
  var zone = form.querySelector("#timezone");
  var asked = 0;
  country.addEventListener("change", function () {
    var ticket = ++asked;
    var url = form.dataset.zonesUrl + "?country=" + encodeURIComponent(country.value);
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (body) {
        if (ticket !== asked) return;  // the country changed again meanwhile
        // Keep a zone the person already picked if it belongs to the country.
        var picked = zone.value;
        var kept = false;
        zone.innerHTML = "";
        var blank = document.createElement("option");
        blank.value = "";
        blank.textContent = zone.getAttribute("data-msg-choose") || "";
        zone.appendChild(blank);
        body.zones.forEach(function (z) {
          var option = document.createElement("option");
          option.value = z.zone;
          option.textContent = z.zone + " (" + z.offset + ")";
          zone.appendChild(option);
          if (z.zone === picked) kept = true;
        });
        zone.value = kept ? picked : (body.default || "");
      });
  });
})();
