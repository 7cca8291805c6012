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
