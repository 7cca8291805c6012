// Attach the self-hosted Jalali date picker to every input marked data-jdp.
// Typing still works: the server reads Persian, Arabic or ASCII digits.
(function () {
  function start() {
    if (window.jalaliDatepicker) {
      window.jalaliDatepicker.startWatch({ persianDigits: true, autoShow: true, autoHide: true, hideAfterChange: true, date: true, time: false, zIndex: 2000 });
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
