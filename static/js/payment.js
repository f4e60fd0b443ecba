// The pledge page's copy buttons: progressive enhancement only. Without this file (or
// without the clipboard API) the buttons stay hidden and the values are plain text to
// select.
(function () {
  "use strict";
  if (!navigator.clipboard || !window.isSecureContext) return;
  document.querySelectorAll("button.copy-button[data-copy]").forEach(function (button) {
    var done = button.parentElement.querySelector(".copy-done");
    var timer = null;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(button.dataset.copy).then(function () {
        document.querySelectorAll(".copy-done").forEach(function (other) { other.textContent = ""; });
        if (done) done.textContent = button.dataset.copied;
        clearTimeout(timer);
        timer = setTimeout(function () { if (done) done.textContent = ""; }, 4000);
      });
    });
  });
})();
