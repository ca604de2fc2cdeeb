// Self-check questions (scripts/hook_questions.py writes them): graded here, in the browser.
//
// Each <form class="question"> carries its answer and explanations base64-encoded in data-q,
// so neither is in the page's text until the reader answers. A numeric answer is right when
// it lies within the stated tolerance (absolute, or relative to the answer); a choice answer
// shows the explanation of the option picked, and of the right one when it was wrong.
// Progress (answered, right) is kept per question in localStorage and restored on reload;
// a "Reset my answers" button under the last question of a page clears it.
(function () {
  "use strict";

  var KEY = "course-questions:v1";

  function load() {
    try { return JSON.parse(window.localStorage.getItem(KEY)) || {}; } catch (e) { return {}; }
  }
  function save(all) {
    try { window.localStorage.setItem(KEY, JSON.stringify(all)); } catch (e) { /* private mode */ }
  }
  function secret(form) {
    var bytes = window.atob(form.getAttribute("data-q"));
    var text = decodeURIComponent(Array.prototype.map.call(bytes, function (c) {
      return "%" + ("00" + c.charCodeAt(0).toString(16)).slice(-2);
    }).join(""));
    return JSON.parse(text);
  }
  function parseNumber(text) {
    var t = String(text).trim().replace(/\u2212/g, "-").replace(/[\s\u202f\u00a0]/g, "");
    var percent = /%$/.test(t);
    if (percent) { t = t.slice(0, -1); }
    if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) { return null; }
    var x = parseFloat(t);
    return percent ? x / 100 : x;
  }

  function show(form, ok, html) {
    var out = form.querySelector(".question-result");
    form.classList.remove("question--right", "question--wrong");
    form.classList.add(ok ? "question--right" : "question--wrong");
    out.innerHTML = "<strong>" + (ok ? "Right." : "Not quite.") + "</strong> " + html;
  }

  function grade(form, answer) {
    var s = secret(form);
    if (s.why) {  // multiple choice
      var i = parseInt(answer, 10);
      var html = s.why[i];
      if (i !== s.right) {
        html += " <span class=\"question-right-answer\">The right answer: option " + (s.right + 1) +
          ". " + s.why[s.right] + "</span>";
      }
      show(form, i === s.right, html);
      return i === s.right;
    }
    var x = parseNumber(answer);
    var room = s.rel ? s.tol * Math.abs(s.value) : s.tol;
    var ok = x !== null && Math.abs(x - s.value) <= room * (1 + 1e-9) + 1e-300;
    show(form, ok, "The experiment measured " + s.shown + ".");
    return ok;
  }

  function answerOf(form) {
    var input = form.querySelector(".question-input");
    if (input) { return input.value; }
    var picked = form.querySelector("input[type=radio]:checked");
    return picked ? picked.value : null;
  }

  function setAnswer(form, answer) {
    var input = form.querySelector(".question-input");
    if (input) { input.value = answer; return; }
    var radio = form.querySelector("input[type=radio][value='" + answer + "']");
    if (radio) { radio.checked = true; }
  }

  function clear(form) {
    form.classList.remove("question--right", "question--wrong");
    form.querySelector(".question-result").innerHTML = "";
    var input = form.querySelector(".question-input");
    if (input) { input.value = ""; }
    form.querySelectorAll("input[type=radio]").forEach(function (r) { r.checked = false; });
  }

  function setup() {
    var forms = document.querySelectorAll("form.question");
    if (!forms.length) { return; }
    var all = load();
    forms.forEach(function (form) {
      if (form.dataset.ready) { return; }
      form.dataset.ready = "1";
      var saved = all[form.id];
      if (saved && saved.answer !== null && saved.answer !== undefined) {
        setAnswer(form, saved.answer);
        grade(form, saved.answer);
      }
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var answer = answerOf(form);
        var out = form.querySelector(".question-result");
        if (answer === null || String(answer).trim() === "") {
          form.classList.remove("question--right", "question--wrong");
          out.textContent = form.querySelector(".question-input") ?
            "Type a number first." : "Pick an option first.";
          return;
        }
        if (form.querySelector(".question-input") && parseNumber(answer) === null) {
          form.classList.remove("question--right", "question--wrong");
          out.textContent = "That is not a number; write it like 0.25, 25% or 2.5e-3.";
          return;
        }
        var ok = grade(form, answer);
        var now = load();
        now[form.id] = { answer: String(answer), answered: true, right: ok };
        save(now);
      });
    });
    var last = forms[forms.length - 1];
    if (!document.querySelector(".question-reset")) {
      var p = document.createElement("p");
      p.className = "question-reset-row";
      var button = document.createElement("button");
      button.type = "button";
      button.className = "md-button question-reset";
      button.textContent = "Reset my answers on this page";
      button.addEventListener("click", function () {
        var now = load();
        forms.forEach(function (form) { delete now[form.id]; clear(form); });
        save(now);
      });
      p.appendChild(button);
      last.parentNode.insertBefore(p, last.nextSibling);
    }
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(setup);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
