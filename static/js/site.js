// Small progressive enhancements; everything works without this file.
// A form marked data-confirm="question" asks first, in a native <dialog> («بله، …» / «انصراف»),
// and sends confirm=1 only after «بله». Registered before the data-busy handler below so that
// a cancelled form is never marked as sending. Without this script (or without <dialog>) the
// server asks instead: a POST without confirm=1 gets a confirmation page and writes nothing.
(function () {
  if (typeof HTMLDialogElement !== "function") return;
  var dialog, text, yes, pending = null;

  function build() {
    dialog = document.createElement("dialog");
    dialog.className = "confirm-dialog";
    dialog.setAttribute("dir", "rtl");
    dialog.setAttribute("aria-labelledby", "confirm-dialog-text");
    text = document.createElement("p");
    text.id = "confirm-dialog-text";
    var buttons = document.createElement("div");
    buttons.className = "buttons";
    yes = document.createElement("button");
    yes.type = "button";
    yes.className = "primary";
    var no = document.createElement("button");
    no.type = "button";
    no.textContent = "انصراف";
    no.autofocus = true; // Enter pressed out of habit must not confirm
    buttons.appendChild(yes);
    buttons.appendChild(no);
    dialog.appendChild(text);
    dialog.appendChild(buttons);
    document.body.appendChild(dialog);
    yes.addEventListener("click", function () {
      var job = pending;
      pending = null;
      dialog.close();
      if (!job) return;
      job.field.value = "1";
      if (job.form.requestSubmit) job.form.requestSubmit(job.submitter || undefined);
      else job.form.submit();
    });
    no.addEventListener("click", function () { pending = null; dialog.close(); });
    dialog.addEventListener("close", function () { pending = null; });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-confirm")) return;
    var field = form.querySelector("input[name=confirm]");
    if (!field) {
      field = document.createElement("input");
      field.type = "hidden";
      field.name = "confirm";
      form.appendChild(field);
    }
    if (field.value === "1") return; // answered «بله»: on to data-busy and the server
    event.preventDefault();
    event.stopImmediatePropagation();
    if (!dialog) build();
    text.textContent = form.getAttribute("data-confirm");
    yes.textContent = form.getAttribute("data-confirm-yes") || "بله، تأیید شود";
    pending = { form: form, field: field, submitter: event.submitter };
    dialog.showModal();
  });
  // Back with the browser's back button: ask again next time.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-confirm] input[name=confirm]").forEach(function (f) { f.value = ""; });
  });
})();

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

// The entry form: as the jobs figure is typed, say «بیش از هدف» with the numbers when it would
// take the commitment (or a tranche's parent) past its target. The server says the same after
// saving; the sentence comes from the server (data-template), only the numbers are filled here.
(function () {
  var PERSIAN = "۰۱۲۳۴۵۶۷۸۹";
  function parse(value) {
    var ascii = value
      .replace(/[۰-۹]/g, function (d) { return String(d.charCodeAt(0) - 0x06f0); })
      .replace(/[٠-٩]/g, function (d) { return String(d.charCodeAt(0) - 0x0660); })
      .replace(/[٬,\s]/g, "");
    return /^[0-9]{1,9}$/.test(ascii) ? parseInt(ascii, 10) : 0;
  }
  function persian(n) {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, "٬").replace(/[0-9]/g, function (d) { return PERSIAN[d]; });
  }
  function start() {
    document.querySelectorAll("[data-over-for]").forEach(function (hint) {
      var input = document.getElementById(hint.getAttribute("data-over-for"));
      if (!input) return;
      var counted = parseInt(hint.getAttribute("data-counted"), 10);
      var target = parseInt(hint.getAttribute("data-target"), 10);
      function update() {
        var total = counted + parse(input.value);
        var over = total - target;
        if (parse(input.value) > 0 && over > 0) {
          hint.textContent = hint.getAttribute("data-template").replace("{total}", persian(total)).replace("{over}", persian(over));
          hint.hidden = false;
        } else {
          hint.hidden = true;
        }
      }
      input.addEventListener("input", update);
      update();
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

// «چاپ» (templates/core/_print_button.html): shown only where this script runs, since it is the
// script that prints. The page's own print stylesheet (static/css/print.css) lays it out on A4.
(function () {
  var buttons = document.querySelectorAll("[data-print]");
  for (var i = 0; i < buttons.length; i++) {
    buttons[i].hidden = false;
    buttons[i].addEventListener("click", function () { window.print(); });
  }
})();
