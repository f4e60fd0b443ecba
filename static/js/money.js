// Money fields (core.forms.MoneyInput, marked data-money): as the amount is typed, show it
// back below the field, formatted ("1.250.000 ₫") and in Vietnamese words, so an entry
// such as "1.250" (1.250 ₫) or "1,5" (refused: đồng have no decimals) is seen before it
// is sent. The rules are core/money.py's and the words core/vnwords.py's, ported line by
// line; tests/e2e/test_money.py compares them. Without this file the forms work the same.
(function () {
  "use strict";

  // --- core/vnwords.py ---------------------------------------------------------------
  var DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"];
  var SCALES = ["", "nghìn", "triệu"];

  function units(tens, unit) {
    if (unit === 1 && tens > 1) return "mốt";
    if (unit === 4 && tens > 1) return "tư";
    if (unit === 5 && tens > 0) return "lăm";
    return DIGITS[unit];
  }

  function group(number, whole) {
    var hundreds = Math.floor(number / 100), tens = Math.floor(number / 10) % 10, unit = number % 10;
    var words = [];
    if (hundreds || whole) words.push(DIGITS[hundreds], "trăm");
    if (tens === 0) {
      if (unit) {
        if (words.length) words.push("lẻ");
        words.push(DIGITS[unit]);
      }
      return words;
    }
    if (tens === 1) words.push("mười"); else words.push(DIGITS[tens], "mươi");
    if (unit) words.push(units(tens, unit));
    return words;
  }

  function belowBillion(number, whole) {
    var groups = [];
    while (number) { groups.push(number % 1000); number = Math.floor(number / 1000); }
    var words = [];
    for (var scale = groups.length - 1; scale >= 0; scale--) {
      if (!groups[scale]) continue;
      words = words.concat(group(groups[scale], whole || words.length > 0));
      if (SCALES[scale]) words.push(SCALES[scale]);
    }
    return words;
  }

  function wordsOf(number, whole) {
    var billions = Math.floor(number / 1e9), rest = number % 1e9, words = [];
    if (billions) words = words.concat(wordsOf(billions, whole), ["tỷ"]);
    if (rest) words = words.concat(belowBillion(rest, whole || words.length > 0));
    return words;
  }

  function numberInWords(number) {
    if (number < 0) return "âm " + numberInWords(-number);
    if (number === 0) return DIGITS[0];
    return wordsOf(number, false).join(" ");
  }

  function amountInWords(amount) {
    var text = numberInWords(amount) + " đồng";
    return text.charAt(0).toUpperCase() + text.slice(1);
  }

  // --- core/formatting.py --------------------------------------------------------------
  function formatNumber(amount) {
    var sign = amount < 0 ? "-" : "";
    return sign + String(Math.abs(amount)).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  }
  function formatVnd(amount) { return formatNumber(amount) + "\u00a0₫"; }

  // --- core/money.py -------------------------------------------------------------------
  var UNITS = { "nghìn": 3, "nghin": 3, "ngàn": 3, "ngan": 3, "k": 3, "triệu": 6, "trieu": 6, "tr": 6,
    "tỷ": 9, "tỉ": 9, "ty": 9, "ti": 9 };
  var UNIT_PATTERN = Object.keys(UNITS).sort(function (a, b) { return b.length - a.length; }).join("|");
  var CURRENCY = /(₫|vnđ|vnd|đồng|dong|đ)$|^(₫|vnđ|vnd)/;
  var MAX_DIGITS = 15;

  function Refusal(code, figure) { this.code = code; this.figure = figure; }

  function clean(text) {
    text = text.normalize("NFC").trim().toLowerCase().replace(/[\s\u00a0\u2000-\u200b\u202f\u205f\u3000]/g, "");
    for (;;) {
      var stripped = text.replace(CURRENCY, "");
      if (stripped === text) return text;
      text = stripped;
    }
  }

  // An integer part and decimal digits times 10^zeros, as a whole number, or a refusal.
  function scaled(integer, fraction, zeros) {
    var padded = (fraction + "0".repeat(zeros)).slice(0, zeros);
    if (/[1-9]/.test(fraction.slice(zeros))) throw new Refusal("fraction");
    return Number((integer + padded).replace(/^0+(?=\d)/, ""));
  }

  function whole(figure) {
    if (/^\d+$/.test(figure)) return Number(figure);
    if (/^\d{1,3}(\.\d{3})+$/.test(figure) || /^\d{1,3}(,\d{3}){2,}$/.test(figure)) {
      return Number(figure.replace(/\D/g, ""));
    }
    if (/^\d+[.,]\d+$/.test(figure)) throw new Refusal("decimal", figure);
    throw new Refusal("invalid");
  }

  function figureTimes(figure, zeros) {
    if (/^\d{1,3}(\.\d{3})+$/.test(figure) || /^\d{1,3}(,\d{3}){2,}$/.test(figure)) {
      return scaled(figure.replace(/\D/g, ""), "", zeros);
    }
    var match = /^(\d+)(?:[.,](\d+))?$/.exec(figure);
    if (!match) throw new Refusal("invalid");
    return scaled(match[1], match[2] || "", zeros);
  }

  function withUnits(body) {
    var term = new RegExp("(\\d+(?:[.,]\\d+)*)(" + UNIT_PATTERN + ")", "g");
    var total = 0, position = 0, lastZeros = null, match;
    while ((match = term.exec(body)) !== null) {
      if (match.index !== position) throw new Refusal("invalid");
      var zeros = UNITS[match[2]];
      if (lastZeros !== null && zeros >= lastZeros) throw new Refusal("invalid");
      total += figureTimes(match[1], zeros);
      position = term.lastIndex;
      lastZeros = zeros;
    }
    var rest = body.slice(position);
    if (rest) {
      // "1tr5": the figure after the unit carries on its decimals (1,5 triệu).
      if (!/^\d+$/.test(rest) || lastZeros === null) throw new Refusal("invalid");
      total += scaled("0", rest, lastZeros);
    }
    return total;
  }

  // {amount: 1250000} or {error: "invalid" | "decimal" | "fraction" | "max", figure: "1,5"}
  function parse(text) {
    var body = clean(String(text));
    var negative = body.charAt(0) === "-";
    if (negative) body = body.slice(1);
    if (/^(\d{1,3}(\.\d{3})+|\d{4,}),0{1,2}$/.test(body)) body = body.slice(0, body.lastIndexOf(","));
    try {
      if (!/^\d/.test(body)) throw new Refusal("invalid");
      var amount = /^[\d.,]+$/.test(body) ? whole(body) : withUnits(body);
      if (String(amount).length > MAX_DIGITS) throw new Refusal("max");
      return { amount: negative ? -amount : amount };
    } catch (refusal) {
      if (!(refusal instanceof Refusal)) throw refusal;
      return { error: refusal.code, figure: refusal.figure };
    }
  }

  window.portalMoney = { parse: parse, format: formatVnd, formatNumber: formatNumber, words: amountInWords };

  // --- the preview under each money field ------------------------------------------------
  function message(input, result) {
    if (result.error === "decimal") {
      var millions = parse(result.figure.replace(".", ",") + "tr");
      return (input.dataset.moneyDecimal || "")
        .replace("%(figure)s", result.figure.replace(".", ","))
        .replace("%(amount)s", millions.error ? "" : formatVnd(millions.amount));
    }
    if (result.error === "fraction") return input.dataset.moneyFraction || "";
    return input.dataset.moneyInvalid || "";
  }

  function attach(input) {
    var preview = document.createElement("div");
    preview.className = "form-text money-preview";
    preview.id = (input.id || input.name) + "_preview";
    preview.setAttribute("aria-live", "polite");
    var anchor = input.closest(".input-group") || input;
    anchor.insertAdjacentElement("afterend", preview);
    var described = (input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    described.push(preview.id);
    input.setAttribute("aria-describedby", described.join(" "));

    // The server's message already stands under a refused field: the preview does not
    // repeat it until the donor changes what they typed.
    var serverRefused = input.getAttribute("aria-invalid") === "true" || input.classList.contains("is-invalid");

    function refresh(event) {
      var text = input.value.trim();
      preview.textContent = "";
      preview.classList.remove("text-danger");
      if (!text) return;
      var result = parse(text);
      if (result.error && serverRefused && !event) return;
      if (result.error) {
        preview.classList.add("text-danger");
        preview.textContent = message(input, result);
        return;
      }
      var amount = document.createElement("strong");
      amount.className = "money-amount";
      amount.textContent = formatVnd(result.amount);
      var words = document.createElement("span");
      words.className = "money-words";
      words.textContent = amountInWords(result.amount);
      preview.append(amount, " · ", words);
    }
    input.addEventListener("input", refresh);
    refresh();
  }

  function attachAll(root) {
    root.querySelectorAll("input[data-money]").forEach(function (input) {
      if (!input.dataset.moneyReady) { input.dataset.moneyReady = "1"; attach(input); }
    });
  }

  // Suggested amounts (donations' give forms): a chip fills its field; without this
  // script it is a link that reloads the form with ?amount=.
  document.addEventListener("click", function (event) {
    var chip = event.target.closest("[data-money-fill]");
    if (!chip) return;
    var input = document.getElementById(chip.dataset.moneyTarget);
    if (!input) return;
    event.preventDefault();
    input.value = formatNumber(Number(chip.dataset.moneyFill));
    input.dispatchEvent(new Event("input", { bubbles: true }));
    document.querySelectorAll('[data-money-target="' + chip.dataset.moneyTarget + '"]').forEach(function (other) {
      other.setAttribute("aria-pressed", other === chip ? "true" : "false");
    });
    input.focus();
  });

  attachAll(document);
  // Rows added later (the need form's items) get their preview too.
  new MutationObserver(function () { attachAll(document); }).observe(document.body, { childList: true, subtree: true });
})();
