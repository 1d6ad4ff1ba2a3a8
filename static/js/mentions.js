// @mention completion in the comment forms (progressive enhancement: without JavaScript one
// types @[Prénom Nom] by hand). Typing @ and a few letters asks the board which organisers
// may read the discussion (data-mentions-url) and offers them as buttons below the field;
// choosing one writes @[Name]. ArrowDown goes into the list, Escape closes it.
(function () {
  "use strict";

  var TRIGGER = /(^|\s)@\[?([^\]\[@\n]{0,40})$/;

  function setUp(form) {
    var field = form.querySelector("textarea[data-mentions]");
    if (!field) {
      return;
    }
    var url = form.getAttribute("data-mentions-url");
    var list = document.createElement("ul");
    list.className = "fi-mention-list";
    list.id = field.id + "-mentions";
    list.hidden = true;
    list.setAttribute("aria-label", "Personnes à mentionner");
    var status = document.createElement("p");
    status.className = "fr-sr-only";
    status.setAttribute("aria-live", "polite");
    field.parentNode.appendChild(list);
    field.parentNode.appendChild(status);
    var asked = 0;

    function close() {
      list.hidden = true;
      list.innerHTML = "";
    }

    function insert(name) {
      var before = field.value.slice(0, field.selectionStart);
      var after = field.value.slice(field.selectionStart);
      var match = TRIGGER.exec(before);
      if (!match) {
        return;
      }
      var start = before.length - match[0].length + match[1].length;
      var text = "@[" + name + "] ";
      field.value = before.slice(0, start) + text + after;
      var caret = start + text.length;
      field.focus();
      field.setSelectionRange(caret, caret);
      close();
    }

    function show(people) {
      list.innerHTML = "";
      people.forEach(function (person) {
        var item = document.createElement("li");
        var button = document.createElement("button");
        button.type = "button";
        button.className = "fr-btn fr-btn--tertiary fr-btn--sm";
        button.textContent = "@" + person.name;
        button.addEventListener("click", function () {
          insert(person.name);
        });
        button.addEventListener("keydown", function (event) {
          var items = Array.prototype.slice.call(list.querySelectorAll("button"));
          var index = items.indexOf(button);
          if (event.key === "ArrowDown" && items[index + 1]) {
            event.preventDefault();
            items[index + 1].focus();
          } else if (event.key === "ArrowUp") {
            event.preventDefault();
            (items[index - 1] || field).focus();
          } else if (event.key === "Escape") {
            close();
            field.focus();
          }
        });
        item.appendChild(button);
        list.appendChild(item);
      });
      list.hidden = people.length === 0;
      status.textContent = people.length
        ? people.length + " personne(s) à mentionner : flèche bas pour choisir."
        : "";
    }

    field.addEventListener("input", function () {
      var match = TRIGGER.exec(field.value.slice(0, field.selectionStart));
      if (!match) {
        close();
        return;
      }
      var number = ++asked;
      fetch(url + "&q=" + encodeURIComponent(match[2]), {
        credentials: "same-origin",
        headers: { Accept: "application/json" }
      })
        .then(function (response) {
          return response.ok ? response.json() : [];
        })
        .then(function (people) {
          if (number === asked) {
            show(people);
          }
        })
        .catch(close);
    });
    field.addEventListener("keydown", function (event) {
      if (list.hidden) {
        return;
      }
      if (event.key === "ArrowDown") {
        event.preventDefault();
        list.querySelector("button").focus();
      } else if (event.key === "Escape") {
        close();
      }
    });
  }

  document.querySelectorAll("form[data-mentions-url]").forEach(setUp);
})();
