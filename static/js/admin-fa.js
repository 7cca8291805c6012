// Django admin writes a few figures in Latin digits that no Persian formatting reaches: the
// selection counter its scripts update ("2 of 9 selected") and the sort-priority numbers of
// its column headers. Turn those into Persian digits as they appear, rather than copying
// Django's templates to change one filter. Only these display-only spots: inputs, links
// and codes are left alone.
(function () {
  var DIGITS = "۰۱۲۳۴۵۶۷۸۹";
  var SPOTS = ".action-counter, .actions .all, .actions .question, .sortpriority";
  function persian(text) { return text.replace(/[0-9]/g, function (d) { return DIGITS[+d]; }); }
  function fix(node) {
    var walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      var t = walker.currentNode;
      var p = persian(t.nodeValue);
      if (p !== t.nodeValue) t.nodeValue = p;
    }
  }
  function start() {
    document.querySelectorAll(SPOTS).forEach(function (spot) {
      fix(spot);
      new MutationObserver(function () { fix(spot); }).observe(spot, { childList: true, characterData: true, subtree: true });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

// The browser's own file input says "Choose File / No file chosen" in the browser's language:
// a Persian button and the chosen file's name instead, as on the site (static/js/site.js).
// The input stays in the page, focusable, and works the same without this script.
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
    name.className = "file-name";
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
