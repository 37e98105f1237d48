// Keyboard shortcuts for the review pages. Plain JS, no build step; the page works without it.
"use strict";

(function () {
  const form = document.getElementById("review-form");
  const queue = document.getElementById("queue");
  const keyState = document.getElementById("key-state");
  let topicPending = false; // after "t", the next letter toggles a topic

  function typing(target) {
    return target instanceof HTMLElement &&
      (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));
  }

  function say(message) {
    if (keyState) keyState.textContent = message;
  }

  function go(attribute) {
    const url = queue && queue.dataset[attribute];
    if (url) window.location.href = url;
  }

  function submit(buttonId) {
    const button = document.getElementById(buttonId);
    if (form && button && !button.disabled) form.requestSubmit(button);
  }

  function field(selector) {
    return form ? form.querySelector(selector) : null;
  }

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      topicPending = false;
      say("");
      if (typing(event.target)) event.target.blur();
      return;
    }
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && form) {
      event.preventDefault();
      submit("save-button");
      return;
    }
    if (typing(event.target) || event.ctrlKey || event.metaKey || event.altKey) return;
    const key = event.key;

    if (topicPending) {
      topicPending = false;
      const box = field('input[name="topics"][data-key="' + CSS.escape(key) + '"]');
      if (box) {
        box.checked = !box.checked;
        say("topic " + box.value + (box.checked ? " on" : " off"));
      } else {
        say("no topic on key " + key);
      }
      event.preventDefault();
      return;
    }

    const status = /^[1-9]$/.test(key) && field('input[name="status"][data-key="' + key + '"]');
    if (status) {
      status.checked = true;
      say("status " + status.value);
    } else if (key === "t" && form) {
      topicPending = true;
      say("topic: type its letter");
    } else if (key === "a" && form) {
      submit("accept-button");
    } else if (key === "s" && form) {
      submit("save-button");
    } else if (key === "e" && form) {
      field("#note").focus();
    } else if (key === "j" || key === "n") {
      go("next");
    } else if (key === "k" || key === "p") {
      go("prev");
    } else if (key === "/") {
      document.getElementById("search-box").focus();
    } else if (key === "m") {
      window.location.href = "/";
    } else {
      return;
    }
    event.preventDefault();
  });
})();
