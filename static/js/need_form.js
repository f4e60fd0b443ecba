// The need form: add item rows without reloading, and show line totals and the total
// in Vietnamese dong. Without JavaScript the form still works with the rows it has.
(function () {
  "use strict";
  var rows = document.getElementById("item-rows");
  var template = document.getElementById("item-template");
  var addButton = document.getElementById("add-item");
  if (!rows || !template || !addButton) return;
  var prefix = rows.dataset.prefix;
  var totalForms = document.querySelector('input[name="' + prefix + '-TOTAL_FORMS"]');
  var maxForms = parseInt(document.querySelector('input[name="' + prefix + '-MAX_NUM_FORMS"]').value, 10);
  var money = new Intl.NumberFormat("vi-VN");

  function formatVnd(amount) { return money.format(amount) + "\u00a0₫"; }

  function amountOf(input) {
    var text = String((input || {}).value || "");
    if (window.portalMoney) {
      var parsed = window.portalMoney.parse(text);
      return parsed.error ? 0 : parsed.amount;
    }
    return parseInt(text.replace(/\D/g, ""), 10) || 0;
  }

  function recompute() {
    var total = 0;
    rows.querySelectorAll(".item-row").forEach(function (row) {
      var removed = row.querySelector(".js-delete");
      var quantity = parseInt((row.querySelector(".js-quantity") || {}).value, 10) || 0;
      // A cost is typed the Vietnamese way ("1.250.000", "1,5tr"): read as the server does.
      var cost = amountOf(row.querySelector(".js-cost"));
      var line = quantity * cost;
      var lineTotal = row.querySelector(".js-line-total");
      if (lineTotal) lineTotal.textContent = formatVnd(line);
      row.classList.toggle("opacity-50", !!(removed && removed.checked));
      if (!(removed && removed.checked)) total += line;
    });
    // Rows without money (the receiving team's members) have no total.
    var totalBox = document.getElementById("items-total");
    if (totalBox) totalBox.textContent = formatVnd(total);
  }

  addButton.addEventListener("click", function () {
    var index = parseInt(totalForms.value, 10);
    if (index >= maxForms) return;
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    rows.insertAdjacentHTML("beforeend", html);
    totalForms.value = String(index + 1);
    var added = rows.lastElementChild.querySelector("input");
    if (added) added.focus();
    recompute();
  });
  rows.addEventListener("input", recompute);
  rows.addEventListener("change", recompute);
  recompute();
})();
