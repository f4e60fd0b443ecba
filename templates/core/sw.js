{% load static %}// The portal's service worker (core.views.service_worker, served at /sw.js so its scope is
// the whole site). It sends need forms kept while the connection was down
// (need_drafts.js) once the page that kept them is closed: Background Sync wakes it when
// the connection is back. It intercepts no request: every page loads as without it.
"use strict";
importScripts("{% static 'js/need_drafts.js' %}");

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

function flushAndTell() {
  // A failure (still no network) rejects, so the browser tries the sync again later.
  return self.NeedDrafts.flush().then(function (outcomes) {
    if (!outcomes.length) return;
    return self.clients.matchAll({ type: "window" }).then(function (clients) {
      clients.forEach(function (client) { client.postMessage({ type: "need-drafts" }); });
    });
  });
}

self.addEventListener("sync", function (event) {
  if (event.tag === "need-drafts") event.waitUntil(flushAndTell());
});
