// School lunches month by month (needs.lunch, donations.sponsorships). Progressive
// enhancement only: without this file both forms work, and the server shows the figures.
(function () {
  "use strict";
  var money = new Intl.NumberFormat("vi-VN");
  function formatVnd(amount) { return money.format(amount) + "\u00a0₫"; }
  function whole(input) {
    if (!input) return 0;
    if (input.hasAttribute("data-money") && window.portalMoney) {
      var parsed = window.portalMoney.parse(input.value);
      return parsed.error ? 0 : parsed.amount;
    }
    return parseInt(String(input.value).replace(/[^0-9]/g, ""), 10) || 0;
  }

  // The need form: the lunch figures show for "School meals" with the box ticked, and
  // then the item rows give way to the one lunch line.
  var lunchFields = document.getElementById("lunch-fields");
  if (lunchFields) {
    var form = lunchFields.closest("form");
    var category = form.querySelector('[name="category"]');
    var box = form.querySelector('[name="lunch"]');
    var items = document.getElementById("item-fields");
    var total = document.getElementById("lunch-total");
    var refresh = function () {
      var meals = category && category.value === lunchFields.dataset.meals;
      var on = meals && box && box.checked;
      lunchFields.hidden = !meals && !(box && box.checked);
      lunchFields.querySelectorAll(".js-lunch-figures").forEach(function (el) { el.hidden = !on; });
      if (items) items.hidden = !!on;
      if (total) {
        var amount = whole(form.querySelector('[name="lunch_pupils"]')) *
          whole(form.querySelector('[name="lunch_months"]')) * whole(form.querySelector('[name="lunch_cost"]'));
        total.textContent = on && amount ? "= " + formatVnd(amount) : "";
      }
    };
    form.addEventListener("input", refresh);
    form.addEventListener("change", refresh);
    refresh();
  }

  // The sponsorship form: the monthly amount and the total as the donor types.
  var sponsor = document.getElementById("sponsor-form");
  if (sponsor) {
    var cost = parseInt(sponsor.dataset.cost, 10) || 0;
    var show = function () {
      var pupils = whole(sponsor.querySelector('[name="pupils"]'));
      var wholeYear = sponsor.querySelector('[name="span"][value="year"]');
      var monthsInput = sponsor.querySelector('[name="months"]');
      var yearChosen = !!(wholeYear && wholeYear.checked);
      var months = yearChosen ? parseInt(sponsor.dataset.yearMonths, 10) || 0 : whole(monthsInput);
      // "From" and "Months" count only for chosen months.
      [monthsInput, sponsor.querySelector('[name="first_month"]')].forEach(function (input) {
        if (input) input.disabled = yearChosen;
      });
      var monthly = document.getElementById("sponsor-monthly");
      var sum = document.getElementById("sponsor-total");
      if (monthly) monthly.textContent = formatVnd(pupils * cost);
      if (sum) sum.textContent = formatVnd(pupils * cost * months);
    };
    sponsor.addEventListener("input", show);
    sponsor.addEventListener("change", show);
    show();
  }
})();
