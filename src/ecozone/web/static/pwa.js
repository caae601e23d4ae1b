// The installable web app on every page: registers the service worker, says when the device is
// offline, and keeps on the device what lookup needs without a connection — the control units of
// the area last viewed, and the applicant's recent screenings (their own, never sent anywhere).
window.ecozonePwa = (function () {
  'use strict';

  const config = JSON.parse(document.getElementById('pwa-config').textContent);
  const t = window.ecozoneDom.translator(config.messages);
  const AREA_CACHE = 'ecozone-area';
  const AREA_KEY = config.root + '/offline/last-area';
  const RECENT_KEY = 'ecozone.recentScreenings';
  const MAX_RECENT = 8;

  // Registered once the page has loaded, so storing the app shell never competes with the page.
  if ('serviceWorker' in navigator) {
    const register = () => navigator.serviceWorker.register(config.root + '/sw.js', { scope: config.root + '/' }).catch(() => null);
    if (document.readyState === 'complete') register();
    else window.addEventListener('load', register);
  }

  // --- offline banner ---------------------------------------------------------------------------

  const banner = document.createElement('p');
  banner.className = 'offline-banner';
  banner.setAttribute('role', 'status');
  banner.hidden = true;
  banner.textContent = t('offline_banner');
  document.body.insertBefore(banner, document.body.firstChild.nextSibling);
  function showOnline() { banner.hidden = navigator.onLine; }
  window.addEventListener('online', showOnline);
  window.addEventListener('offline', showOnline);
  showOnline();

  // When the answer came from the device's storage, when it was stored (else null).
  function cachedAt(response) {
    const stamp = response.headers.get('X-Ecozone-Cached-At');
    return stamp ? new Date(stamp) : null;
  }

  function when(date) {
    return date.toLocaleString(config.lang === 'zh' ? 'zh-CN' : 'en', { dateStyle: 'medium', timeStyle: 'short' });
  }

  function staleNote(date) {
    return t('stale', { time: when(date) });
  }

  // --- the area last viewed -----------------------------------------------------------------------

  async function saveArea(bbox, collection) {
    if (!('caches' in window)) return;
    const cache = await caches.open(AREA_CACHE);
    const body = JSON.stringify({ bbox: bbox, saved_at: new Date().toISOString(), units: collection });
    await cache.put(AREA_KEY, new Response(body, { headers: { 'Content-Type': 'application/json' } }));
  }

  async function loadArea() {
    if (!('caches' in window)) return null;
    const cache = await caches.open(AREA_CACHE);
    const hit = await cache.match(AREA_KEY);
    return hit ? hit.json() : null;
  }

  // Ray casting on one ring ([lon, lat] pairs); a point on an edge may fall either way.
  function inRing(lon, lat, ring) {
    let inside = false;
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i];
      const [xj, yj] = ring[j];
      if ((yi > lat) !== (yj > lat) && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
    }
    return inside;
  }

  function inPolygon(lon, lat, rings) {
    return inRing(lon, lat, rings[0]) && !rings.slice(1).some((hole) => inRing(lon, lat, hole));
  }

  function contains(geometry, lon, lat) {
    if (!geometry) return false;
    if (geometry.type === 'Polygon') return inPolygon(lon, lat, geometry.coordinates);
    if (geometry.type === 'MultiPolygon') return geometry.coordinates.some((p) => inPolygon(lon, lat, p));
    return false;
  }

  // The units of the stored area at a point, with the releases they belong to; null when the
  // point is outside the stored area (nothing can be said about it offline).
  async function lookupOffline(lon, lat) {
    const area = await loadArea();
    if (!area) return null;
    const [w, s, e, n] = area.bbox;
    if (lon < w || lon > e || lat < s || lat > n) return null;
    const units = area.units.features.filter((f) => contains(f.geometry, lon, lat)).map((f) => f.properties);
    return { units: units, release: area.units.release || [], savedAt: new Date(area.saved_at) };
  }

  // --- recent screenings (on this device only) ----------------------------------------------------

  function recentScreenings() {
    try {
      return JSON.parse(localStorage.getItem(RECENT_KEY) || '[]');
    } catch (error) {
      return [];
    }
  }

  function rememberScreening(entry) {
    const list = recentScreenings().filter((e) => e.id !== entry.id);
    list.unshift(Object.assign({ saved_at: new Date().toISOString() }, entry));
    try {
      localStorage.setItem(RECENT_KEY, JSON.stringify(list.slice(0, MAX_RECENT)));
    } catch (error) {
      // Storage full or refused (private mode): the screening itself is unaffected.
    }
  }

  return { t, cachedAt, staleNote, when, saveArea, loadArea, lookupOffline, recentScreenings, rememberScreening, contains };
})();
