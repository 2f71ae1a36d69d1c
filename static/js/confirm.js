// Destructive buttons ask first (silkmeet/confirm.py). Without this script
// the button opens a confirmation page; with it, the browser's dialog asks
// and, once confirmed, the action is posted as that page's form would.
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="csrf-token"]');

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-confirm]")) { return; }
    event.preventDefault();
    if (!window.confirm(form.getAttribute("data-confirm"))) { return; }
    var post = document.createElement("form");
    post.method = "post";
    post.action = form.action;
    post.hidden = true;
    var fields = [["csrf_token", meta ? meta.content : ""]];
    form.querySelectorAll("input[type=hidden]").forEach(function (input) {
      fields.push([input.name, input.value]);
    });
    fields.forEach(function (pair) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = pair[0];
      input.value = pair[1];
      post.appendChild(input);
    });
    document.body.appendChild(post);
    post.submit();
  });
})();
