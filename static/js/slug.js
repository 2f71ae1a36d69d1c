// The conference form's short name: while it is empty, or still the last
// suggestion, it follows the title as the server would make it
// (GET data-suggest?title=…, organiser.suggest_slug). Without JavaScript an
// empty short name is made from the title when the form is saved.
(function () {
  "use strict";
  var slug = document.querySelector("input[data-suggest]");
  var title = document.getElementById("title");
  if (!slug || !title || !window.fetch) return;
  var suggested = slug.value === "" ? "" : null;
  var timer = null;
  var asked = 0;

  function ask() {
    var mine = ++asked;
    var url = new URL(slug.dataset.suggest, window.location.href);
    url.searchParams.set("title", title.value);
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        // A later keystroke's answer wins; a short name typed by hand stays.
        if (!data || mine !== asked || slug.value !== suggested) return;
        slug.value = suggested = data.slug;
      })
      .catch(function () {});
  }

  slug.addEventListener("input", function () {
    suggested = slug.value === "" ? "" : null;
  });
  title.addEventListener("input", function () {
    if (slug.value !== suggested) return;
    clearTimeout(timer);
    timer = setTimeout(ask, 250);
  });
})();
