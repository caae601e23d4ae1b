// Shared by the public tool pages (自助研判, 选址): messages, DOM helpers, API calls, the base map
// and the industry picker. Everything the page knows comes from the #tool-config JSON.
(function () {
  'use strict';

  const config = JSON.parse(document.getElementById('tool-config').textContent);

  const t = window.ecozoneDom.translator(config.messages);
  const el = window.ecozoneDom.el;

  async function answer(response) {
    const type = response.headers.get('content-type') || '';
    const body = type.includes('json') ? await response.json() : { message: await response.text() };
    if (!response.ok) {
      const error = new Error(body.message || body.detail || response.statusText);
      error.field = body.field;
      throw error;
    }
    return body;
  }

  function getJson(path, params) {
    const url = new URL(path, window.location.origin);
    Object.entries(params || {}).forEach(([name, value]) => url.searchParams.set(name, value));
    return fetch(url, { headers: { Accept: 'application/json', 'Accept-Language': document.documentElement.lang || 'zh-CN' } }).then(answer);
  }

  function postJson(path, body, params) {
    const url = new URL(path, window.location.origin);
    Object.entries(params || {}).forEach(([name, value]) => url.searchParams.set(name, value));
    return fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'Accept-Language': document.documentElement.lang || 'zh-CN' },
      body: JSON.stringify(body),
    }).then(answer);
  }

  function postFile(path, file) {
    const form = new FormData();
    form.append('file', file);
    return fetch(new URL(path, window.location.origin), { method: 'POST', body: form, headers: { 'Accept-Language': document.documentElement.lang || 'zh-CN' } }).then(answer);
  }

  // The map fitted to the territory, with the control units (faint) and county boundaries for
  // orientation; neither takes clicks, so drawing works everywhere.
  function createMap() {
    const map = L.map('map', { zoomSnap: 0.25 });
    const [minLon, minLat, maxLon, maxLat] = config.bounds;
    map.fitBounds([[minLat, minLon], [maxLat, maxLon]]);
    // Below the overlay pane, so what the page draws stays on top whenever the context loads.
    map.createPane('context').style.zIndex = 350;
    // unit_classes: where units are a few pixels, each class's units come as one feature.
    const faint = (p) => Object.assign({ weight: 0.5, fill: true, fillOpacity: 0.18, opacity: 0.5 }, config.classStyles[p.class]);
    L.vectorGrid.protobuf(config.api.unitTiles, {
      pane: 'context',
      interactive: false,
      maxNativeZoom: 14,
      rendererFactory: L.canvas.tile,
      vectorTileLayerStyles: { units: faint, unit_classes: faint },
    }).addTo(map);
    const counties = L.geoJSON(null, {
      pane: 'context',
      interactive: false, style: () => ({ color: '#607d8b', weight: 1, dashArray: '3 3', fill: false }),
    }).addTo(map);
    getJson(config.api.regions, { level: 'county' }).then((data) => counties.addData(data)).catch(() => null);
    return map;
  }

  function km2(m2) {
    return (m2 / 1e6).toLocaleString(config.lang === 'zh' ? 'zh-CN' : 'en', { maximumFractionDigits: 2 });
  }

  // Search industries by code or Chinese name, and suggest classes for a plain description
  // (养猪场 → A0313) with what else it says (nature, kinds, numbers); the chosen code is read with
  // .code(). Suggestions are offered as buttons: the applicant picks and confirms every value.
  function industryPicker() {
    const input = document.getElementById('industry');
    const options = document.getElementById('industry-options');
    const chosen = document.getElementById('industry-chosen');
    const suggestBox = document.getElementById('industry-suggest');
    let timer = null;
    let hits = [];
    let asked = 0;

    function codeOf(text) {
      const value = text.trim();
      const hit = hits.find((h) => value === label(h) || value === h.full_code || value === h.name);
      if (hit) return hit.full_code;
      const match = value.match(/^[A-Za-z]?\d{2,4}\b/);
      return match ? match[0].toUpperCase() : '';
    }

    function label(hit) {
      return hit.full_code + ' ' + hit.name;
    }

    function showChoice() {
      const code = codeOf(input.value);
      const hit = hits.find((h) => h.full_code === code);
      chosen.textContent = hit ? t('industry_chosen', { code: hit.full_code, name: hit.name }) : '';
    }

    function choose(candidate) {
      input.value = label(candidate);
      showChoice();
      input.focus();
    }

    // Set a form control the page has (nature select, attribute inputs, kind boxes) when asked.
    function applyButton(text, apply) {
      const button = el('button', { type: 'button', class: 'secondary suggest-apply', text: text });
      button.addEventListener('click', () => { apply(); button.disabled = true; });
      return button;
    }

    function readingItems(answer) {
      const items = [];
      const nature = document.getElementById('nature');
      if (answer.nature && nature && Array.from(nature.options).some((o) => o.value === answer.nature)) {
        const name = Array.from(nature.options).find((o) => o.value === answer.nature).textContent;
        items.push(applyButton(t('suggest_nature', { name: name, words: answer.nature_words.join('、') }), () => { nature.value = answer.nature; }));
      }
      answer.quantities.forEach((q) => {
        const target = q.attribute && document.querySelector('[data-key="' + q.attribute + '"]');
        if (target) {
          items.push(applyButton(t('suggest_quantity', { label: q.label, text: q.text, value: q.attribute_value }), () => {
            target.value = String(q.attribute_value);
            const details = target.closest('details');
            if (details) details.open = true;
          }));
        } else {
          items.push(el('span', { class: 'note', text: t('suggest_read', { label: q.label, text: q.text }) }));
        }
      });
      answer.kinds.forEach((kind) => {
        const box = document.querySelector('input[name="kind"][value="' + kind.id + '"]');
        if (box) {
          items.push(applyButton(t('suggest_kind', { name: kind.name, words: kind.words.join('、') }), () => {
            box.checked = true;
            const details = box.closest('details');
            if (details) details.open = true;
          }));
        }
      });
      return items;
    }

    function showSuggestions(answer) {
      if (!suggestBox) return;
      if (!answer || !answer.candidates.length) {
        suggestBox.replaceChildren();
        suggestBox.hidden = true;
        return;
      }
      const buttons = answer.candidates.map((c) => {
        const button = el('button', { type: 'button', class: 'suggestion', 'data-code': c.full_code }, [
          el('strong', { text: label(c) }),
          el('small', { text: c.why.slice(0, 2).join('；') }),
        ]);
        button.addEventListener('click', () => choose(c));
        return button;
      });
      const reading = readingItems(answer);
      suggestBox.replaceChildren(
        el('p', { class: 'suggest-heading', text: t('suggest_heading') }),
        el('div', { class: 'suggestions' }, buttons),
        reading.length ? el('div', { class: 'suggest-reading' }, [el('p', { class: 'note', text: t('suggest_reading') }), ...reading]) : null,
        el('p', { class: 'note', text: t('suggest_note') }),
      );
      suggestBox.hidden = false;
    }

    function lookUp(q) {
      const ask = ++asked;
      const search = getJson(config.api.industries, { q: q, limit: 20 }).catch(() => []);
      // A code typed needs no suggestion; anything else may be the applicant's own words.
      const plain = /^[A-Za-z]?\d{0,4}$/.test(q) ? Promise.resolve(null)
        : getJson(config.api.industrySuggest, { text: q, limit: 5 }).catch(() => null);
      Promise.all([search, plain]).then(([found, answer]) => {
        if (ask !== asked) return;  // an older answer arriving late
        const suggested = answer ? answer.candidates.filter((c) => !found.some((h) => h.full_code === c.full_code)) : [];
        hits = found.concat(suggested);
        options.replaceChildren(...hits.map((h) => el('option', { value: label(h) })));
        showSuggestions(answer);
        showChoice();
      });
    }

    input.addEventListener('input', () => {
      clearTimeout(timer);
      const q = input.value.trim();
      showChoice();
      if (!q || hits.some((h) => label(h) === q)) return;
      timer = setTimeout(() => lookUp(q), 200);
    });
    input.addEventListener('change', showChoice);
    return { code: () => codeOf(input.value), input: input };
  }

  // The releases that govern a region: the province's, its city's and its own (GB/T 2260 codes).
  function releasesFor(releases, code) {
    return releases.filter((r) => {
      const j = r.jurisdiction;
      if (j.endsWith('0000')) return j.slice(0, 2) === code.slice(0, 2);
      if (j.endsWith('00')) return j.slice(0, 4) === code.slice(0, 4);
      return j === code;
    });
  }

  function releaseLine(releases) {
    return el('p', { class: 'release-line', text: t('release') + releases.map((r) => r.title + ' ' + r.version).join('；') });
  }

  function showFormError(message) {
    const box = document.getElementById('form-error');
    box.textContent = message || '';
    box.hidden = !message;
  }

  window.ecozoneTools = { config, t, el, getJson, postJson, postFile, createMap, km2, industryPicker, showFormError, releasesFor, releaseLine };
})();
