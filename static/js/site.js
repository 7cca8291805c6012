// Small progressive enhancements; everything works without this file.
// A form marked data-busy shows a spinner and disables its button while it is being sent,
// so a slow upload is visibly in progress and cannot be sent twice.
(function () {
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-busy")) return;
    if (form.dataset.sending === "1") { event.preventDefault(); return; }
    form.dataset.sending = "1";
    var button = event.submitter || form.querySelector("button[type=submit]");
    if (button) {
      // Disable after the browser has taken the button's value into the submission.
      setTimeout(function () {
        button.disabled = true;
        button.classList.add("busy");
        button.setAttribute("aria-busy", "true");
        button.dataset.label = button.textContent;
        button.textContent = "در حال ارسال…";
      }, 0);
    }
  });
  // Coming back with the browser's back button must not leave a form stuck as "sending".
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-sending]").forEach(function (form) {
      delete form.dataset.sending;
      form.querySelectorAll("button.busy").forEach(function (b) {
        b.disabled = false; b.classList.remove("busy"); b.textContent = b.dataset.label || b.textContent;
      });
    });
  });
})();

// The browser's own file input speaks the browser's language ("Choose File"); with this
// script it gets a Persian button and the chosen file's name. Without it, the native one works.
(function () {
  function enhance(input) {
    if (input.dataset.enhanced) return;
    input.dataset.enhanced = "1";
    var wrap = document.createElement("span");
    wrap.className = "file-pick";
    var button = document.createElement("label");
    button.className = "button";
    button.htmlFor = input.id;
    button.textContent = "انتخاب فایل";
    var name = document.createElement("span");
    name.className = "file-name muted";
    name.textContent = "فایلی انتخاب نشده";
    input.parentNode.insertBefore(wrap, input);
    wrap.appendChild(input);
    wrap.appendChild(button);
    wrap.appendChild(name);
    input.classList.add("visually-hidden");
    input.addEventListener("change", function () {
      name.textContent = input.files && input.files.length ? input.files[0].name : "فایلی انتخاب نشده";
    });
  }
  function start() { document.querySelectorAll("input[type=file][id]").forEach(enhance); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

// The monthly chart is wider than a phone and scrolls sideways. Right to left, a scroll box
// opens at its right edge: the oldest months, often all zero, while the months people come
// to see are hidden off to the left. Open it at the newest month instead.
(function () {
  function start() {
    document.querySelectorAll("[data-scroll-newest]").forEach(function (box) {
      if (box.scrollWidth <= box.clientWidth) return;
      var rtl = getComputedStyle(box).direction === "rtl";
      box.scrollLeft = rtl ? -box.scrollWidth : box.scrollWidth;
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
