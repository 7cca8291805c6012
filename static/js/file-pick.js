// The browser's own file input says "Choose File / No file chosen" in the browser's language:
// a Persian button and the chosen file's name instead, on the site and in the admin (both
// load this file). The input stays in the page, focusable, and works the same without it.
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
