// Typing suggestions for search boxes marked with data-suggest.
//
// Progressive enhancement only: without this script the search boxes are plain forms.
// It fills a <datalist> from /api/suggest, so the browser's own suggestion list does the
// showing and the keyboard handling (arrows, Enter, Escape) and screen readers know it.
(function () {
  "use strict";
  var DELAY_MS = 150;

  function enhance(input, index) {
    var list = document.createElement("datalist");
    list.id = "suggestions-" + index;
    input.setAttribute("list", list.id);
    input.parentNode.appendChild(list);
    var timer = null;
    var latest = 0;

    function fill(words) {
      while (list.firstChild) list.removeChild(list.firstChild);
      words.forEach(function (word) {
        var option = document.createElement("option");
        option.value = word;
        list.appendChild(option);
      });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      var query = input.value;
      if (query.trim().length < 2) { fill([]); return; }
      timer = setTimeout(function () {
        var asked = ++latest;
        fetch("/api/suggest?q=" + encodeURIComponent(query), { headers: { Accept: "application/json" } })
          .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
          .then(function (body) { if (asked === latest) fill(body.suggestions || []); })
          .catch(function () { /* suggestions are a nicety: stay quiet when offline */ });
      }, DELAY_MS);
    });
  }

  document.querySelectorAll("input[data-suggest]").forEach(enhance);
})();
