// Posting a need from a school with a weak signal. Progressive enhancement only: without
// this file, or without service workers, the form posts as it always did.
// - Photos are made smaller before they leave the phone (at most 1600 px on the long
//   side, JPEG), the size the portal keeps anyway; the server checks every upload still.
// - The form is sent with fetch. When the network is down, its fields and photos are kept
//   in IndexedDB (need_drafts.js) and the person is told; they are sent when the
//   connection is back: by this page on the "online" event (and every 30 s, since a weak
//   signal may never say "offline"), or by the service worker's Background Sync once the
//   page is closed. The result is told on this page, or the next time the form is opened.
(function () {
  "use strict";
  var form = document.querySelector("form.need-form");
  var status = document.getElementById("offline-status");
  if (!form || !status) return;
  var photosInput = form.querySelector('input[type="file"][name="photos"]');
  var MAX_SIDE = 1600;
  var RETRY_MS = 30000;
  var capable =
    "serviceWorker" in navigator && "indexedDB" in window && "fetch" in window && !!window.NeedDrafts;
  var formUrl = form.getAttribute("action") || window.location.pathname + window.location.search;
  var retryTimer = null;

  function tell(kind, text, link) {
    status.className = "alert alert-" + kind;
    status.textContent = text + (link ? " " : "");
    if (link) {
      var anchor = document.createElement("a");
      anchor.href = link;
      anchor.className = "alert-link";
      anchor.textContent = status.dataset.link;
      status.appendChild(anchor);
    }
    status.scrollIntoView({ block: "nearest" });
  }

  // need_form.js adds up the items when one of them changes.
  function recount() {
    (form.querySelector(".js-cost") || form).dispatchEvent(new Event("input", { bubbles: true }));
  }

  // --- Photos made smaller in the browser ---------------------------------------------
  function shrink(file) {
    if (!/^image\//.test(file.type) || !window.createImageBitmap) return Promise.resolve(file);
    return createImageBitmap(file, { imageOrientation: "from-image" })
      .then(function (bitmap) {
        var scale = MAX_SIDE / Math.max(bitmap.width, bitmap.height);
        if (scale >= 1) { bitmap.close(); return file; }
        var canvas = document.createElement("canvas");
        canvas.width = Math.round(bitmap.width * scale);
        canvas.height = Math.round(bitmap.height * scale);
        canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
        bitmap.close();
        return new Promise(function (resolve) {
          canvas.toBlob(function (blob) {
            if (!blob) { resolve(file); return; }
            var name = file.name.replace(/\.[^.]*$/, "") + ".jpg";
            resolve(new File([blob], name, { type: "image/jpeg", lastModified: Date.now() }));
          }, "image/jpeg", 0.85);
        });
      })
      .catch(function () { return file; }); // not decodable here: the server decides
  }

  function shrinkPhotos() {
    if (!photosInput || !photosInput.files.length || !window.DataTransfer) return Promise.resolve();
    return Promise.all(Array.prototype.map.call(photosInput.files, shrink)).then(function (files) {
      var transfer = new DataTransfer();
      files.forEach(function (file) { transfer.items.add(file); });
      photosInput.files = transfer.files;
    });
  }

  // --- Sending ------------------------------------------------------------------------
  function nativeSubmit(submitter) {
    if (submitter && submitter.name) {
      var hidden = document.createElement("input");
      hidden.type = "hidden";
      hidden.name = submitter.name;
      hidden.value = submitter.value;
      form.appendChild(hidden);
    }
    form.dataset.native = "1";
    form.submit();
  }

  function showResponse(response) {
    // The form again with its errors (or an error page): shown as if posted natively.
    return response.text().then(function (html) {
      window.history.replaceState(null, "", response.url);
      document.open();
      document.write(html);
      document.close();
    });
  }

  function draftOf(data) {
    var fields = [];
    var files = [];
    data.forEach(function (value, name) {
      if (typeof value === "string") fields.push([name, value]);
      else if (value.size) files.push({ field: name, blob: value, name: value.name });
    });
    var id = (window.crypto && crypto.randomUUID) ? crypto.randomUUID() : String(Date.now()) + Math.random();
    return { id: id, url: formUrl, fields: fields, files: files, state: "queued", savedAt: Date.now() };
  }

  function keepDraft(data) {
    return NeedDrafts.put(draftOf(data)).then(function () {
      tell("warning", status.dataset.saved);
      scheduleRetry();
    });
  }

  function fetchSubmit(submitter) {
    var data = new FormData(form);
    if (submitter && submitter.name) data.append(submitter.name, submitter.value);
    return fetch(formUrl, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Need-Form": "fetch" },
    }).then(
      function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (response.ok && type.indexOf("application/json") === 0) {
          return response.json().then(function (body) { window.location.assign(body.url); });
        }
        return showResponse(response);
      },
      function () {
        // No answer at all: the network is down. Nothing typed or chosen is lost.
        return keepDraft(data);
      }
    );
  }

  // --- Drafts kept earlier ------------------------------------------------------------
  function restore(draft) {
    var rows = document.getElementById("add-item");
    var total = form.querySelector('input[name$="-TOTAL_FORMS"]');
    var wanted = draft.fields.filter(function (pair) { return /-TOTAL_FORMS$/.test(pair[0]); })[0];
    while (rows && total && wanted && parseInt(total.value, 10) < parseInt(wanted[1], 10)) {
      var before = total.value;
      rows.click();
      if (total.value === before) break;
    }
    draft.fields.forEach(function (pair) {
      if (/^(csrfmiddlewaretoken|upload_token|submit|draft)$/.test(pair[0])) return;
      form.querySelectorAll('[name="' + pair[0] + '"]').forEach(function (field) {
        if (field.type === "checkbox" || field.type === "radio") field.checked = field.value === pair[1] || pair[1] === "on";
        else if (field.type !== "file") field.value = pair[1];
      });
    });
    if (photosInput && draft.files.length && window.DataTransfer) {
      var transfer = new DataTransfer();
      draft.files.forEach(function (file) { transfer.items.add(new File([file.blob], file.name, { type: file.blob.type })); });
      photosInput.files = transfer.files;
    }
    recount();
  }

  function report(outcomes) {
    outcomes.forEach(function (outcome) {
      if (outcome.state === "sent") {
        tell("success", status.dataset.sent, outcome.url);
        NeedDrafts.remove(outcome.id);
        // This form's need is saved: emptied, so a second tap cannot post it twice.
        if (outcome.formUrl === formUrl) {
          form.reset();
          recount();
        }
      } else if (outcome.state === "rejected" && outcome.response && outcome.formUrl === formUrl) {
        // The server refused a field: its answer shows the form with the errors and
        // every value sent (the photos are kept under the form's upload token).
        NeedDrafts.remove(outcome.id).then(function () { showResponse(outcome.response); });
      } else if (outcome.state === "rejected" && !outcome.response) {
        tell("danger", status.dataset.session);
      }
    });
  }

  function flush() {
    return NeedDrafts.all().then(function (drafts) {
      if (!drafts.some(function (d) { return d.state === "queued"; })) return;
      tell("info", status.dataset.sending);
      return NeedDrafts.flush().then(report, function () {
        tell("warning", status.dataset.saved); // still no network: wait for the next try
        scheduleRetry();
      });
    });
  }

  function scheduleRetry() {
    if (retryTimer) return;
    retryTimer = window.setInterval(function () {
      NeedDrafts.all().then(function (drafts) {
        if (!drafts.some(function (d) { return d.state === "queued"; })) {
          window.clearInterval(retryTimer);
          retryTimer = null;
        } else if (navigator.onLine) {
          flush();
        }
      });
    }, RETRY_MS);
  }

  // What happened to drafts while the form was closed (the service worker sent them).
  function review() {
    return NeedDrafts.all().then(function (drafts) {
      var queued = false;
      drafts.forEach(function (draft) {
        if (draft.state === "sent") {
          tell("success", status.dataset.sent, draft.needUrl);
          NeedDrafts.remove(draft.id);
        } else if (draft.state === "rejected" && draft.url === formUrl) {
          restore(draft);
          tell("warning", status.dataset.restored);
          NeedDrafts.remove(draft.id);
        } else if (draft.state === "queued") {
          queued = true;
        }
      });
      if (queued) {
        tell("warning", status.dataset.waiting);
        if (navigator.onLine) flush();
        scheduleRetry();
      }
    });
  }

  form.addEventListener("submit", function (event) {
    if (form.dataset.native) return;
    event.preventDefault();
    if (form.dataset.busy) return;
    form.dataset.busy = "1";
    var submitter = event.submitter;
    shrinkPhotos()
      .then(function () { return capable ? fetchSubmit(submitter) : nativeSubmit(submitter); })
      .catch(function () { nativeSubmit(submitter); })
      .then(function () { delete form.dataset.busy; });
  });

  if (!capable) return;
  navigator.serviceWorker.register(form.dataset.serviceWorker, { scope: "/" }).catch(function () {});
  window.addEventListener("online", flush);
  navigator.serviceWorker.addEventListener("message", function (event) {
    if (event.data && event.data.type === "need-drafts") review();
  });
  // Leaving with drafts still queued: the service worker sends them when it can.
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState !== "hidden") return;
    NeedDrafts.all().then(function (drafts) {
      if (!drafts.some(function (d) { return d.state === "queued"; })) return;
      navigator.serviceWorker.ready.then(function (registration) {
        if (registration.sync) return registration.sync.register("need-drafts");
      }).catch(function () {});
    });
  });
  review();
})();
