// The service worker of the installable web app. Its settings (site root, shell version, shell
// URLs) are prepended by the server as self.ECOZONE.
//
// Strategy: network first with a short timeout (a weak connection counts as none), then what was
// stored. Answers served from storage carry X-Ecozone-Cached-At (when they were stored) so the
// page can say the data may be stale. POSTs (screenings) are never stored here.
'use strict';

const { root, version, shell } = self.ECOZONE;
const SHELL_CACHE = 'ecozone-shell-' + version;
const DATA_CACHE = 'ecozone-data';
const TILE_CACHE = 'ecozone-tiles';
const NETWORK_TIMEOUT_MS = 4000;
const MAX_TILES = 600;  // vector tiles of the areas last viewed; oldest dropped first

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(SHELL_CACHE);
    // One by one: a page that fails (e.g. during a deploy) must not keep the others out.
    await Promise.all(shell.map((url) => fetch(url, { credentials: 'same-origin' })
      .then(async (response) => (response.ok ? cache.put(url, await stamped(response)) : null))
      .catch(() => null)));
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((n) => n.startsWith('ecozone-shell-') && n !== SHELL_CACHE).map((n) => caches.delete(n)));
    await self.clients.claim();
  })());
});

function stamped(response) {
  // A copy of the response that remembers when it was stored.
  const headers = new Headers(response.headers);
  headers.set('X-Ecozone-Cached-At', new Date().toISOString());
  // Pages vary by language cookie and Accept-Language; offline, any stored copy beats none.
  headers.delete('Vary');
  return response.clone().blob().then((body) => new Response(body, { status: response.status, statusText: response.statusText, headers }));
}

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timeout')), ms);
    promise.then((value) => { clearTimeout(timer); resolve(value); }, (error) => { clearTimeout(timer); reject(error); });
  });
}

async function trim(cacheName, max) {
  const cache = await caches.open(cacheName);
  const keys = await cache.keys();
  await Promise.all(keys.slice(0, Math.max(0, keys.length - max)).map((key) => cache.delete(key)));
}

async function fromStorage(request, cacheNames, ignoreSearch) {
  for (const name of cacheNames) {
    const cache = await caches.open(name);
    const hit = await cache.match(request, { ignoreVary: true })
      || (ignoreSearch ? await cache.match(request, { ignoreSearch: true, ignoreVary: true }) : null);
    if (hit) return hit;
  }
  return null;
}

function offlineAnswer(request) {
  const isApi = new URL(request.url).pathname.startsWith(root + '/api/');
  const body = isApi
    ? JSON.stringify({ message: 'offline', offline: true })
    : '<!doctype html><meta charset="utf-8"><title>离线</title><p>当前无网络连接，且此页面尚未缓存。/ You are offline and this page is not stored yet.</p>';
  return new Response(body, { status: 503, headers: { 'Content-Type': isApi ? 'application/json' : 'text/html; charset=utf-8', 'X-Ecozone-Offline': '1' } });
}

async function networkFirst(event, storeIn, readFrom, ignoreSearch) {
  const request = event.request;
  const network = fetch(request);
  let response;
  try {
    response = await withTimeout(network, NETWORK_TIMEOUT_MS);
  } catch (error) {
    // Slow or no connection: a stored copy now if there is one, else keep waiting for the network.
    const stored = await fromStorage(request, readFrom, ignoreSearch);
    if (stored) return stored;
    try {
      response = await network;
    } catch (failure) {
      return offlineAnswer(request);
    }
  }
  if (response.ok && storeIn) {
    event.waitUntil(caches.open(storeIn).then(async (cache) => {
      await cache.put(request, await stamped(response));
      if (storeIn === TILE_CACHE) await trim(TILE_CACHE, MAX_TILES);
    }));
  }
  return response;
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || !url.pathname.startsWith(root + '/')) return;
  const path = url.pathname.slice(root.length);
  if (path.startsWith('/tiles/')) {
    event.respondWith(networkFirst(event, TILE_CACHE, [TILE_CACHE], false));
  } else if (path.startsWith('/api/')) {
    // Staff and account answers are personal: never stored on the device.
    const personal = path.startsWith('/api/v1/staff') || path.startsWith('/api/v1/auth');
    event.respondWith(networkFirst(event, personal ? null : DATA_CACHE, personal ? [] : [DATA_CACHE], false));
  } else if (request.mode === 'navigate' || path.startsWith('/static/') || path.startsWith('/vendor/') || path === '/manifest.webmanifest') {
    // Pages may carry ?lang= or ?as_of=; without a stored copy of that exact URL, any copy of the page will do.
    const storeIn = path.startsWith('/staff') ? null : SHELL_CACHE;  // staff pages are personal
    event.respondWith(networkFirst(event, storeIn, storeIn ? [SHELL_CACHE] : [], request.mode === 'navigate'));
  }
});
