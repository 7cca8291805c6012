// Upload pages: while a file uploads and is checked, disable the button and show a spinner
// so nobody submits the same file twice.
(function () {
  function start() {
    document.querySelectorAll("form[data-upload]").forEach(function (form) {
      form.addEventListener("submit", function () {
        var button = form.querySelector("button[type=submit]");
        var progress = form.querySelector(".hb-progress");
        if (button) {
          // Disabled after this tick, so the submission itself still goes out.
          setTimeout(function () { button.disabled = true; }, 0);
        }
        if (progress) progress.hidden = false;
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
