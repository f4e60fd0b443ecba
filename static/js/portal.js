// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // Filter forms marked data-autosubmit apply a changed select at once; the submit
  // button stays for people without JavaScript and for text search.
  document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
    form.querySelectorAll("select").forEach(function (select) {
      select.addEventListener("change", function () {
        // A changed province makes the chosen district and commune meaningless.
        if (select.name === "province") {
          ["district", "commune"].forEach(function (name) {
            var field = form.querySelector('[name="' + name + '"]');
            if (field) field.value = "";
          });
        } else if (select.name === "district") {
          var commune = form.querySelector('[name="commune"]');
          if (commune) commune.value = "";
        }
        form.requestSubmit ? form.requestSubmit() : form.submit();
      });
    });
  });

  // A wide table scrolls sideways inside its .table-responsive wrapper; keyboard users
  // reach that scrolling only if the wrapper can take focus, so it can while it scrolls.
  function focusableScrollers() {
    document.querySelectorAll(".table-responsive").forEach(function (wrapper) {
      if (wrapper.scrollWidth > wrapper.clientWidth + 1) {
        wrapper.setAttribute("tabindex", "0");
      } else {
        wrapper.removeAttribute("tabindex");
      }
    });
  }
  focusableScrollers();
  window.addEventListener("resize", focusableScrollers);
})();
