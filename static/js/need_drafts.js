// Need forms kept while the connection is down: the fields and the photos of a need form
// whose POST failed, in IndexedDB, until they are sent. Loaded by the page
// (need_offline.js) and by the service worker (/sw.js, importScripts), which both send:
// the page when the connection comes back while it is open, the service worker (Background
// Sync) after it was closed. A draft is claimed in one IndexedDB transaction before it is
// sent, so the two never send it twice.
(function (scope) {
  "use strict";
  var DB = "need-drafts";
  var STORE = "drafts";
  var CLAIM_MS = 2 * 60 * 1000; // a claim older than this was a sender that died

  function open() {
    return new Promise(function (resolve, reject) {
      var request = scope.indexedDB.open(DB, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(STORE, { keyPath: "id" });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  // Runs `work(store)` in one transaction; resolves with what work's last request gave.
  function withStore(mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction(STORE, mode);
        var result;
        work(transaction.objectStore(STORE), function (value) { result = value; });
        transaction.oncomplete = function () { db.close(); resolve(result); };
        transaction.onerror = function () { db.close(); reject(transaction.error); };
        transaction.onabort = function () { db.close(); reject(transaction.error); };
      });
    });
  }

  function all() {
    return withStore("readonly", function (store, done) {
      var request = store.getAll();
      request.onsuccess = function () { done(request.result || []); };
    });
  }

  function put(draft) {
    return withStore("readwrite", function (store) { store.put(draft); });
  }

  function remove(id) {
    return withStore("readwrite", function (store) { store.delete(id); });
  }

  // Marks a queued draft as being sent; resolves with it, or null if another sender has it.
  function claim(id) {
    return withStore("readwrite", function (store, done) {
      var request = store.get(id);
      request.onsuccess = function () {
        var draft = request.result;
        var stale = draft && draft.state === "sending" && Date.now() - draft.claimedAt > CLAIM_MS;
        if (!draft || !(draft.state === "queued" || stale)) { done(null); return; }
        draft.state = "sending";
        draft.claimedAt = Date.now();
        store.put(draft);
        done(draft);
      };
    });
  }

  // The form's current CSRF token: the one saved may be older than the session's.
  function freshToken(url) {
    return scope.fetch(url, { credentials: "same-origin", cache: "no-store" }).then(function (response) {
      if (new URL(response.url).pathname !== new URL(url, scope.location.href).pathname) {
        return null; // sent to the login page: the session ended
      }
      return response.text().then(function (html) {
        var found = /name="csrfmiddlewaretoken" value="([^"]+)"/.exec(html);
        return found ? found[1] : null;
      });
    });
  }

  function formData(draft, token) {
    var data = new FormData();
    draft.fields.forEach(function (pair) {
      if (pair[0] !== "csrfmiddlewaretoken") data.append(pair[0], pair[1]);
    });
    if (token) data.append("csrfmiddlewaretoken", token);
    draft.files.forEach(function (file) { data.append(file.field, file.blob, file.name); });
    return data;
  }

  function post(url, data) {
    return scope.fetch(url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Need-Form": "fetch" },
    });
  }

  // Sends one claimed draft. Resolves {state: "sent", url} when the need was saved,
  // {state: "rejected", response} when the server answered something else (the form with
  // its errors, the login page), and puts the draft back in the queue when the network
  // fails again (rejects with the error).
  function send(draft) {
    return freshToken(draft.url)
      .then(function (token) {
        if (!token) return { state: "rejected", response: null };
        return post(draft.url, formData(draft, token)).then(function (response) {
          var type = response.headers.get("Content-Type") || "";
          if (response.ok && type.indexOf("application/json") === 0) {
            return response.json().then(function (body) { return { state: "sent", url: body.url }; });
          }
          return { state: "rejected", response: response };
        });
      })
      .then(
        function (outcome) {
          draft.state = outcome.state;
          draft.needUrl = outcome.url || "";
          // Kept until a page has told the person the result (need_offline.js).
          return put(draft).then(function () { return outcome; });
        },
        function (error) {
          draft.state = "queued";
          return put(draft).then(function () { throw error; });
        }
      );
  }

  // Sends every queued draft, one after the other; resolves with the outcomes.
  function flush() {
    return all().then(function (drafts) {
      var outcomes = [];
      return drafts
        .reduce(function (chain, draft) {
          return chain.then(function () {
            return claim(draft.id).then(function (claimed) {
              if (!claimed) return null;
              return send(claimed).then(function (outcome) {
                outcome.id = claimed.id;
                outcome.formUrl = claimed.url;
                outcomes.push(outcome);
              });
            });
          });
        }, Promise.resolve())
        .then(function () { return outcomes; });
    });
  }

  scope.NeedDrafts = { all: all, put: put, remove: remove, claim: claim, send: send, flush: flush };
})(self);
