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

// Names for controls that Django's admin and its bundled select2 draw without one (axe-core,
// tests/test_browser_axe.py: screen readers announced them as "edit text" or "combo box"):
// - the cells of tabular inlines (a commitment's milestones and entries, a business's checks)
//   have only a column heading, no <label>: each control takes its column's heading;
// - select2 pickers (autocomplete fields) draw a combobox and a search box of their own:
//   they take the label of the <select> they stand for;
// - the filter pickers' magnifier icon carries an aria-label on a bare <span>: it becomes an image.
// Run when the page has loaded (the filter pickers are drawn then) and again for rows and
// pickers added later ("add another").
(function () {
  function clean(text) { return (text || "").replace(/\s+/g, " ").trim(); }
  function labelOf(el) {
    if (el.id) {
      var label = document.querySelector('label[for="' + el.id + '"]');
      if (label && clean(label.textContent)) return clean(label.textContent);
    }
    var cell = el.closest(".tabular td");
    if (!cell) return "";
    var table = cell.closest("table");
    var heads = table.querySelectorAll("thead th");
    var name = Array.prototype.find.call(cell.classList, function (c) { return c.indexOf("field-") === 0; });
    if (name) {
      var head = table.querySelector("thead th.column-" + name.slice(6));
      return head ? clean(head.textContent) : "";
    }
    if (cell.classList.contains("delete") && heads.length) return clean(heads[heads.length - 1].textContent);
    return "";
  }
  function name(el, text) {
    if (text && !el.getAttribute("aria-label") && !el.getAttribute("aria-labelledby")) el.setAttribute("aria-label", text);
  }
  function fix() {
    document.querySelectorAll(".tabular td input:not([type=hidden]), .tabular td select, .tabular td textarea").forEach(function (el) {
      if (!(el.id && document.querySelector('label[for="' + el.id + '"]'))) name(el, labelOf(el));
    });
    document.querySelectorAll("select + .select2").forEach(function (box) {
      var text = labelOf(box.previousElementSibling);
      box.querySelectorAll(".select2-selection, .select2-selection__rendered, .select2-search__field").forEach(function (el) {
        if (el.classList.contains("select2-selection") && el.getAttribute("aria-labelledby")) {
          // select2 points at its own rendered text (empty, or the choice): the field's name is wanted.
          el.removeAttribute("aria-labelledby");
        }
        name(el, text);
      });
    });
    document.querySelectorAll(".help-tooltip[aria-label]:not([role])").forEach(function (icon) { icon.setAttribute("role", "img"); });
  }
  var pending = false;
  function later() {
    if (pending) return;
    pending = true;
    setTimeout(function () { pending = false; fix(); }, 30);
  }
  window.addEventListener("load", function () {
    setTimeout(fix, 0);
    new MutationObserver(later).observe(document.body, { childList: true, subtree: true });
  });
})();
