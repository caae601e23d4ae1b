// Staff forms send JSON (or multipart for files) to the staff API with the session cookie,
// show the API's message on failure, and reload or move to the resulting release on success.
(function () {
  'use strict';
  const messages = JSON.parse(document.getElementById('staff-messages').textContent);
  const status = document.getElementById('status');
  const root = document.querySelector('link[href$="/static/staff.css"]').getAttribute('href').replace(/\/static\/staff\.css$/, '');

  function say(text, isError) {
    status.textContent = text;
    status.classList.toggle('error', Boolean(isError));
  }

  function jsonBody(form) {
    const body = {};
    for (const el of form.elements) {
      if (!el.name || el.type === 'submit') continue;
      if (el.type === 'checkbox') {
        if (!body[el.name]) body[el.name] = [];
        if (el.checked) body[el.name].push(el.value);
      } else if (el.name.startsWith('access.')) {
        body.access = body.access || {};
        body.access[el.name.slice(7)] = el.value.split('\n').map((s) => s.trim()).filter(Boolean);
      } else if (el.name === 'lock_version' || el.name === 'class') {
        body[el.name] = Number(el.value);
      } else if (el.value !== '' || el.required) {
        body[el.name] = el.value;
      }
    }
    return JSON.stringify(body);
  }

  async function send(form) {
    const multipart = form.dataset.kind === 'multipart';
    const options = { method: form.dataset.method || 'POST', credentials: 'same-origin', headers: { 'Accept-Language': document.documentElement.lang || 'zh-CN' } };
    if (multipart) {
      options.body = new FormData(form);
    } else {
      options.headers['Content-Type'] = 'application/json';
      options.body = jsonBody(form);
    }
    say(messages.working);
    const response = await fetch(form.dataset.api, options);
    const data = response.status === 204 ? {} : await response.json();
    if (!response.ok) {
      const detail = data.detail && data.detail.message ? data.detail.message : data.message || JSON.stringify(data.detail || data);
      say(messages.failed.replace('{message}', detail), true);
      return;
    }
    say(messages.done);
    const then = form.dataset.then;
    const release = data.release || null;
    if (then === 'reload') window.location.reload();
    else if (then === 'release' && release) window.location.assign(root + '/staff/releases/' + release.id);
    else if (then && then.startsWith('/')) window.location.assign(then);
  }

  for (const form of document.querySelectorAll('form[data-api]')) {
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      send(form).catch((err) => say(messages.failed.replace('{message}', String(err)), true));
    });
  }
})();
