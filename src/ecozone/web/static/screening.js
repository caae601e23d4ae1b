// 自助研判: draw or upload a project outline, describe the project, and read the cited answer.
(function () {
  'use strict';

  const { config, t, el, getJson, postJson, postFile, createMap, km2, industryPicker, showFormError, releasesFor, releaseLine } = window.ecozoneTools;
  // The worst outcome a finding leaves open; answers stored before findings carried it derive it.
  const EFFECT_VERDICT = { prohibit: ['prohibited', 'possibly_prohibited'], restrict: ['restricted', 'review'], require: ['restricted', 'review'] };
  const MIN_VERTICES = { LineString: 2, Polygon: 3 };

  const map = createMap();
  const drawn = L.layerGroup().addTo(map);
  const status = document.getElementById('draw-status');
  const buttons = {
    undo: document.getElementById('draw-undo'),
    finish: document.getElementById('draw-finish'),
    clear: document.getElementById('draw-clear'),
  };
  const modeButtons = Array.from(document.querySelectorAll('[data-mode]'));
  const result = document.getElementById('result');
  const industry = industryPicker();
  const state = { mode: null, vertices: [], geometry: null };

  // --- drawing ----------------------------------------------------------------------------------

  function lonLat(latlng) {
    return [Math.round(latlng.lng * 1e6) / 1e6, Math.round(latlng.lat * 1e6) / 1e6];
  }

  function redraw() {
    drawn.clearLayers();
    const style = { color: '#0d47a1', weight: 3, fillColor: '#64b5f6', fillOpacity: 0.3 };
    if (state.geometry) {
      const layer = L.geoJSON(state.geometry, {
        style: () => style, pointToLayer: (f, latlng) => L.circleMarker(latlng, { ...style, radius: 7, fillOpacity: 0.8 }),
      });
      drawn.addLayer(layer);
    } else if (state.vertices.length) {
      const latlngs = state.vertices.map(([lon, lat]) => [lat, lon]);
      drawn.addLayer(state.mode === 'Polygon' && latlngs.length > 2 ? L.polygon(latlngs, style) : L.polyline(latlngs, style));
      latlngs.forEach((ll) => drawn.addLayer(L.circleMarker(ll, { radius: 4, color: '#0d47a1', fillOpacity: 1 })));
    }
    updateControls();
  }

  function updateControls() {
    const drawing = Boolean(state.mode);
    modeButtons.forEach((b) => b.setAttribute('aria-pressed', String(b.dataset.mode === state.mode)));
    buttons.undo.disabled = !(drawing && state.vertices.length);
    buttons.finish.disabled = !(drawing && state.vertices.length >= (MIN_VERTICES[state.mode] || 1));
    buttons.clear.disabled = !(drawing || state.geometry);
    map.getContainer().classList.toggle('drawing', drawing);
    if (state.geometry) status.textContent = t('draw.done', { kind: t('kind.' + state.geometry.type) });
    else if (drawing) status.textContent = t('draw.' + state.mode, { count: state.vertices.length });
    else status.textContent = t('draw.idle');
  }

  function startDrawing(mode) {
    state.mode = mode;
    state.vertices = [];
    state.geometry = null;
    redraw();
  }

  function finishDrawing() {
    const coords = state.vertices;
    if (state.mode === 'LineString') state.geometry = { type: 'LineString', coordinates: coords };
    if (state.mode === 'Polygon') state.geometry = { type: 'Polygon', coordinates: [[...coords, coords[0]]] };
    state.mode = null;
    state.vertices = [];
    redraw();
  }

  map.on('click', (event) => {
    if (!state.mode) return;
    if (state.mode === 'Point') {
      state.geometry = { type: 'Point', coordinates: lonLat(event.latlng) };
      state.mode = null;
    } else {
      state.vertices.push(lonLat(event.latlng));
    }
    redraw();
  });
  modeButtons.forEach((b) => b.addEventListener('click', () => startDrawing(b.dataset.mode)));
  buttons.undo.addEventListener('click', () => { state.vertices.pop(); redraw(); });
  buttons.finish.addEventListener('click', finishDrawing);
  buttons.clear.addEventListener('click', () => { state.mode = null; state.vertices = []; state.geometry = null; redraw(); });

  // --- upload -----------------------------------------------------------------------------------

  document.getElementById('outline-file').addEventListener('change', (event) => {
    const file = event.target.files[0];
    if (!file) return;
    showFormError('');
    status.textContent = t('loading');
    postFile(config.api.outlines, file).then((feature) => {
      state.mode = null;
      state.vertices = [];
      state.geometry = feature.geometry;
      redraw();
      map.fitBounds(L.geoJSON(feature.geometry).getBounds(), { maxZoom: 13, padding: [20, 20] });
      prefill(feature.properties.project || {});
    }).catch((error) => { status.textContent = ''; showFormError(t('error', { message: error.message })); });
  });

  // A file that names its project fills the fields the user has left empty.
  function prefill(project) {
    const name = document.getElementById('project-name');
    const nature = document.getElementById('nature');
    if (project.name && !name.value) name.value = project.name;
    if (project.industry && !industry.input.value) {
      industry.input.value = project.industry;
      industry.input.dispatchEvent(new Event('input'));  // look the code up, as if typed
    }
    if (project.nature && Array.from(nature.options).some((o) => o.value === project.nature)) nature.value = project.nature;
  }

  // --- attributes -------------------------------------------------------------------------------

  function attributeField(spec) {
    const id = 'attr-' + spec.key;
    const label = spec.label + (spec.unit ? '（' + spec.unit + '）' : '');
    let input;
    if (spec.type === 'bool' || spec.type === 'choice') {
      const choices = spec.type === 'bool'
        ? [{ value: 'true', label: t('yes') }, { value: 'false', label: t('no') }]
        : spec.choices;
      input = el('select', { id: id, 'data-key': spec.key, 'data-type': spec.type },
        [el('option', { value: '', text: t('unset') }), ...choices.map((c) => el('option', { value: c.value, text: c.label }))]);
    } else {
      input = el('input', { id: id, type: 'text', inputmode: spec.type === 'number' ? 'decimal' : 'text', 'data-key': spec.key, 'data-type': spec.type, autocomplete: 'off' });
    }
    return el('label', { class: 'field' }, [label, input, spec.hint ? el('small', { class: 'note', text: spec.hint }) : null]);
  }

  function kindsField(kinds) {
    const boxes = kinds.map((k) => el('label', { class: 'check', title: k.description },
      [el('input', { type: 'checkbox', name: 'kind', value: k.id }), k.name]));
    boxes.push(el('label', { class: 'check' }, [el('input', { type: 'checkbox', id: 'kind-none' }), t('kind_none')]));
    return el('fieldset', { class: 'kinds' }, [el('legend', { text: t('kinds') }), ...boxes]);
  }

  getJson(config.api.vocabulary).then((vocabulary) => {
    const box = document.getElementById('attributes');
    vocabulary.attributes.filter((a) => a.type !== 'kinds').forEach((spec) => box.appendChild(attributeField(spec)));
    box.appendChild(kindsField(vocabulary.kinds));
  }).catch((error) => showFormError(t('error', { message: error.message })));

  function attributes() {
    const values = {};
    document.querySelectorAll('#attributes [data-key]').forEach((input) => {
      const raw = input.value.trim();
      if (!raw) return;
      const type = input.dataset.type;
      if (type === 'bool') values[input.dataset.key] = raw === 'true';
      else if (type === 'number') values[input.dataset.key] = Number(raw);
      else if (type === 'codes') values[input.dataset.key] = raw.split(/[,，\s]+/).filter(Boolean);
      else values[input.dataset.key] = raw;
    });
    const kinds = Array.from(document.querySelectorAll('#attributes input[name="kind"]:checked')).map((i) => i.value);
    if (kinds.length || document.getElementById('kind-none')?.checked) values.kinds = kinds;
    return values;
  }

  // --- the answer -------------------------------------------------------------------------------

  function verdictOf(finding) {
    if (finding.verdict) return finding.verdict;
    const pair = EFFECT_VERDICT[finding.effect];
    return pair ? pair[finding.outcome === 'review' ? 1 : 0] : 'compliant';
  }

  // People read document titles, 文号 and sections; the source file name stays in the JSON.
  function citationText(c) {
    if (!c) return '';
    const source = [c.document ? '《' + c.document + '》' : '', c.number ? '（' + c.number + '）' : '', c.section ? ' ' + c.section : ''].join('');
    return source + '：「' + c.clause + '」';
  }

  // Reasons name features and regions with their ids ("汾河（river:fenhe）", "太原市（140100）").
  function plain(text) {
    return String(text || '').replace(/（[a-z_]+:[A-Za-z0-9_-]+）/g, '').replace(/（\d{6}）/g, '');
  }

  function verdictBadge(verdict, label) {
    const style = config.verdicts[verdict];
    return el('span', { class: 'verdict-badge ' + verdict, style: 'background:' + style.fillColor + ';border-color:' + style.color, text: label });
  }

  function findingItem(f) {
    const verdict = verdictOf(f);
    return el('article', { class: 'finding ' + verdict, 'data-rule': f.rule_id }, [
      el('h4', {}, [verdictBadge(verdict, t('verdict.' + verdict)), ' ', f.title || '']),
      f.statement ? el('p', { text: f.statement }) : null,
      el('p', { class: 'reason', text: plain(f.reason) }),
      f.obligation ? el('p', { text: t('obligation') + f.obligation }) : null,
      el('blockquote', { class: 'citation', text: citationText(f.citation) }),
      f.assumed && f.assumption ? el('p', { class: 'note', text: t('assumption') + plain(f.assumption) }) : null,
    ]);
  }

  function questionItem(q) {
    return el('li', { class: 'question', 'data-key': q.key }, [
      el('strong', { text: q.label }),
      el('ul', { class: 'answers' }, q.answers.map((a) => el('li', {}, [
        t('question.if', { answer: a.answer }), ' ', verdictBadge(a.verdict, t('verdict.' + a.verdict)),
      ]))),
    ]);
  }

  function questionLists(questions) {
    const deciding = (questions || []).filter((q) => q.decides_prohibition);
    const refining = (questions || []).filter((q) => !q.decides_prohibition);
    return [
      deciding.length ? el('h3', { id: 'deciding-questions', text: t('questions.deciding') }) : null,
      deciding.length ? el('ol', { class: 'questions deciding' }, deciding.map(questionItem)) : null,
      refining.length ? el('h3', { id: 'refining-questions', text: t('questions.refining') }) : null,
      refining.length ? el('ol', { class: 'questions refining' }, refining.map(questionItem)) : null,
    ];
  }

  function unitItem(u) {
    const share = u.share !== undefined && u.share !== null ? ' · ' + Math.round(u.share * 1000) / 10 + '%' : '';
    return el('li', {}, [el('strong', { text: u.name }), ' ', el('span', { class: 'muted', text: u.code + ' · ' + u.class_name + share })]);
  }

  function reportLinks(id) {
    const base = config.api.screenings + '/' + encodeURIComponent(id) + '/report?lang=' + config.lang;
    return el('p', { class: 'actions' }, [
      el('a', { class: 'button', id: 'report-pdf', href: base + '&format=pdf', target: '_blank', rel: 'noopener', text: t('report_pdf') }),
      el('a', { href: base + '&format=html', target: '_blank', rel: 'noopener', text: t('report_html') }),
    ]);
  }

  // The releases of the regions the project lies in (the answer lists every release in force).
  function governing(answer) {
    const codes = (answer.regions || []).map((r) => r.code);
    const used = answer.release.filter((r) => codes.some((code) => releasesFor([r], code).length));
    return used.length ? used : answer.release;
  }

  function showAnswer(answer, savedAt) {
    const findings = answer.findings.slice().sort((a, b) => config.verdictOrder.indexOf(verdictOf(a)) - config.verdictOrder.indexOf(verdictOf(b)));
    const project = answer.project;
    const amount = project.measure === 'area_m2' ? t('area', { km2: km2(project.amount) })
      : project.measure === 'length_m' ? t('length', { km: (project.amount / 1000).toFixed(2) }) : '';
    result.replaceChildren(
      el('h2', { id: 'verdict' }, [t('verdict'), verdictBadge(answer.verdict, t('verdict.' + answer.verdict))]),
      savedAt ? el('p', { class: 'stale-note', role: 'note', text: window.ecozonePwa.staleNote(new Date(savedAt)) }) : null,
      answer.demo ? el('p', { class: 'demo-notice', text: answer.notice || t('demo') }) : null,
      ...questionLists(answer.questions),
      el('p', { class: 'facts', text: [project.name, project.industry.code + ' ' + project.industry.name, project.nature_name, amount].filter(Boolean).join(' · ') }),
      el('h3', { text: t('units') }),
      answer.units.length ? el('ul', { class: 'units' }, answer.units.map(unitItem)) : el('p', { text: t('no_units') }),
      el('h3', { text: t('findings', { count: findings.length }) }),
      findings.length ? el('div', { class: 'findings' }, findings.map(findingItem)) : el('p', { text: t('no_findings') }),
      answer.obligations.length ? el('h3', { text: t('obligations') }) : null,
      answer.obligations.length ? el('ul', { class: 'obligations' }, answer.obligations.map((o) => el('li', { text: o.text }))) : null,
      ...(answer.notes || []).map((n) => el('p', { class: 'note', text: typeof n === 'string' ? n : JSON.stringify(n) })),
      releaseLine(governing(answer)),
      answer.screening_id ? reportLinks(answer.screening_id) : null,
    );
    result.hidden = false;
    result.scrollIntoView({ behavior: 'smooth', block: 'start' });
  }

  document.getElementById('project-form').addEventListener('submit', (event) => {
    event.preventDefault();
    showFormError('');
    if (!state.geometry) return showFormError(t('need_outline'));
    const code = industry.code();
    if (!code) return showFormError(t('need_industry'));
    const feature = {
      type: 'Feature',
      geometry: state.geometry,
      properties: {
        name: document.getElementById('project-name').value.trim(),
        industry: code,
        nature: document.getElementById('nature').value,
        attributes: attributes(),
      },
    };
    const go = document.getElementById('screen-go');
    go.disabled = true;
    result.hidden = false;
    result.replaceChildren(el('p', { class: 'loading', text: t('loading') }));
    postJson(config.api.screenings, feature, { lang: config.lang })
      .then((answer) => { showAnswer(answer); remember(answer); })
      .catch((error) => { result.replaceChildren(el('p', { class: 'error', text: t('error', { message: error.message }) })); })
      .finally(() => { go.disabled = false; });
  });

  // --- recent screenings, kept on this device for a weak or lost connection ---------------------

  function remember(answer) {
    if (!window.ecozonePwa) return;
    window.ecozonePwa.rememberScreening({
      id: answer.screening_id || answer.result_id,
      name: answer.project.name,
      industry: answer.project.industry.code + ' ' + answer.project.industry.name,
      verdict: answer.verdict,
      answer: answer,
    });
    showRecent();
  }

  function showRecent() {
    const box = document.getElementById('recent');
    if (!box || !window.ecozonePwa) return;
    const pwa = window.ecozonePwa;
    const entries = pwa.recentScreenings();
    const items = entries.map((entry) => {
      const button = el('button', { type: 'button', class: 'recent-item', 'data-id': entry.id, text: pwa.t('recent_item', {
        time: pwa.when(new Date(entry.saved_at)), name: entry.name || '—', industry: entry.industry, verdict: t('verdict.' + entry.verdict),
      }) });
      button.addEventListener('click', () => showAnswer(entry.answer, entry.saved_at));
      return el('li', {}, [button]);
    });
    box.replaceChildren(
      el('h2', { text: pwa.t('recent') }),
      items.length ? el('ul', { class: 'recent-list' }, items) : el('p', { class: 'note', text: pwa.t('recent_none') }),
    );
    box.hidden = false;
  }

  showRecent();
  updateControls();
  window.ecozoneScreening = { map, state };
})();
