// Copy buttons (templates/_macros/copy.html): a hidden <button data-copy="ID">
// is shown, and copies the text of #ID. Without JavaScript the button stays
// hidden and the text stays selectable.
(function () {
  "use strict";

  function selectText(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function copyText(element, text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    // Plain http (not a secure context): no Clipboard API, but a selection
    // can still be copied.
    selectText(element);
    return document.execCommand("copy") ? Promise.resolve() : Promise.reject();
  }

  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var source = document.getElementById(button.dataset.copy);
    if (!source) return;
    var status = button.parentNode.querySelector(".copy-status");
    function say(text) {
      if (status) status.textContent = text;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = source.textContent.trim();
      copyText(source, text).then(
        function () { say(button.getAttribute("data-msg-copied")); },
        function () {
          selectText(source);
          say(button.getAttribute("data-msg-selected"));
        }
      );
    });
  });
})();
