// toolgate approval page. Vanilla JS, no dependencies, served from the gateway itself.
//
// Rules this file keeps:
// - The token lives in sessionStorage and travels only in the Authorization header (never in
//   a URL). EventSource can't send headers, so the live stream is read with fetch + a
//   ReadableStream; a slow poll backs it up in case a proxy buffers the stream.
// - Every value from the server is put on the page with textContent; no string is ever parsed
//   as HTML.
'use strict';

(() => {
  const KEY = 'toolgate-admin-token';
  const POLL_MS = 10000;
  const $ = (id) => document.getElementById(id);

  const state = {
    token: null,
    items: new Map(), // id -> {node, left, deadline, view}
    mine: new Set(), // ids this page answered (their `decided` events are already logged)
    stream: null,
    timers: [],
    refreshing: false,
    again: false,
  };

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function log(kind, text) {
    const li = el('li', kind, new Date().toLocaleTimeString() + '  ' + text);
    li.dataset.kind = kind;
    $('log').prepend(li);
    while ($('log').children.length > 100) $('log').lastChild.remove();
  }

  function setConn(text, on) {
    const c = $('connection');
    c.textContent = text;
    c.className = 'conn ' + (on ? 'on' : 'off');
  }

  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

  async function api(method, path, body) {
    const headers = { Authorization: 'Bearer ' + state.token };
    const init = { method, headers, cache: 'no-store', credentials: 'omit', referrerPolicy: 'no-referrer' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    const res = await fetch(path, init);
    let data = null;
    try {
      data = await res.json();
    } catch (_) {
      data = null;
    }
    return { status: res.status, ok: res.ok, data };
  }

  function errorText(r) {
    return r.data && typeof r.data.error === 'string' ? r.data.error : 'HTTP ' + r.status;
  }

  function signOut(message) {
    sessionStorage.removeItem(KEY);
    state.token = null;
    stopStream();
    state.timers.forEach(clearInterval);
    state.timers = [];
    state.items.clear();
    $('pending').replaceChildren();
    $('board').hidden = true;
    $('login').hidden = false;
    $('signout').hidden = true;
    setConn('not connected', false);
    if (message) log('error', message);
  }

  function start(token) {
    state.token = token;
    $('login').hidden = true;
    $('board').hidden = false;
    $('signout').hidden = false;
    refresh();
    stream();
    state.timers.push(setInterval(tick, 1000), setInterval(refresh, POLL_MS));
  }

  async function refresh() {
    if (!state.token) return;
    if (state.refreshing) {
      state.again = true;
      return;
    }
    state.refreshing = true;
    try {
      do {
        state.again = false;
        const r = await api('GET', 'approvals');
        if (r.status === 401) {
          signOut('Token refused: ' + errorText(r));
          return;
        }
        if (!r.ok || !Array.isArray(r.data)) {
          log('error', 'Listing failed: ' + errorText(r));
          return;
        }
        render(r.data);
      } while (state.again);
    } catch (_) {
      setConn('gateway unreachable, retrying', false);
    } finally {
      state.refreshing = false;
    }
  }

  function render(list) {
    const now = Date.now();
    const seen = new Set();
    for (const v of list) {
      seen.add(v.id);
      let item = state.items.get(v.id);
      if (!item) {
        item = card(v);
        state.items.set(v.id, item);
      }
      item.deadline = now + Number(v.expires_in_s) * 1000;
      $('pending').append(item.node); // keeps the server's order (oldest first)
    }
    for (const [id, item] of state.items) {
      if (!seen.has(id)) {
        item.node.remove();
        state.items.delete(id);
      }
    }
    $('count').textContent = String(list.length);
    $('empty').hidden = list.length > 0;
    tick();
  }

  function tick() {
    const now = Date.now();
    for (const item of state.items.values()) {
      const s = Math.max(0, Math.round((item.deadline - now) / 1000));
      const m = Math.floor(s / 60);
      item.left.textContent = s > 0 ? 'expires in ' + (m > 0 ? m + ' min ' : '') + (s % 60) + ' s' : 'expiring';
      item.left.classList.toggle('soon', s < 30);
    }
  }

  function field(dl, name, value) {
    dl.append(el('dt', null, name), el('dd', null, value));
  }

  function card(v) {
    const node = el('li', 'approval');
    node.dataset.id = v.id;
    const head = el('div', 'head');
    const left = el('span', 'left');
    head.append(el('span', 'tool', v.tool), el('span', 'who', 'called by ' + v.identity), left);
    const dl = el('dl');
    field(dl, 'Rule', v.rule);
    if (v.reason) field(dl, 'Reason', v.reason);
    field(dl, 'Session', v.session);
    const approvers = Array.isArray(v.approvers) ? v.approvers : [];
    field(dl, 'Approvers', approvers.length ? approvers.join(', ') : 'anyone but the caller');
    if (v.remember) {
      field(dl, 'Remember', v.remember === 'session'
        ? 'approving also allows identical calls in this session'
        : 'approving also allows identical calls for ' + v.remember);
    }
    field(dl, 'Request id', v.id);
    field(dl, 'Arguments digest', v.args_digest);
    const args = el('pre', 'args', JSON.stringify(v.arguments, null, 2));
    const comment = el('input', 'comment');
    comment.type = 'text';
    comment.placeholder = 'Comment (optional, recorded in the audit log)';
    comment.maxLength = 1000;
    comment.setAttribute('aria-label', 'Comment');
    const approve = el('button', 'approve', 'Approve');
    approve.type = 'button';
    const deny = el('button', 'deny', 'Deny');
    deny.type = 'button';
    const error = el('p', 'error');
    error.hidden = true;
    error.setAttribute('role', 'alert');
    const actions = el('div', 'actions');
    actions.append(comment, approve, deny);
    node.append(head, dl, el('div', 'label', 'Arguments (secrets masked)'), args, actions, error);
    const item = { node, left, deadline: 0, view: v };
    const ui = { comment, buttons: [approve, deny], error };
    approve.addEventListener('click', () => decide(item, true, ui));
    deny.addEventListener('click', () => decide(item, false, ui));
    return item;
  }

  async function decide(item, yes, ui) {
    const v = item.view;
    ui.buttons.forEach((b) => { b.disabled = true; });
    ui.error.hidden = true;
    const text = ui.comment.value.trim();
    const path = 'approvals/' + encodeURIComponent(v.id) + (yes ? '/approve' : '/deny');
    let r;
    try {
      r = await api('POST', path, text ? { comment: text } : undefined);
    } catch (_) {
      r = { status: 0, ok: false, data: { error: 'the gateway did not answer' } };
    }
    if (r.ok && r.data) {
      const approved = r.data.outcome === 'approved';
      state.mine.add(v.id);
      log(approved ? 'approved' : 'denied',
        (approved ? 'Approved ' : 'Denied ') + v.tool + ' for ' + v.identity + ' (' + v.id + ') as ' + r.data.by);
      item.node.remove();
      state.items.delete(v.id);
      refresh();
      return;
    }
    if (r.status === 401) {
      signOut('Token refused: ' + errorText(r));
      return;
    }
    ui.error.textContent = errorText(r);
    ui.error.hidden = false;
    log('error', (yes ? 'Approving ' : 'Denying ') + v.tool + ' (' + v.id + ') was refused: ' + errorText(r));
    // Decided elsewhere or gone: the next listing removes the card; otherwise allow a retry.
    if (r.status === 404 || r.status === 409) setTimeout(refresh, 2000);
    else ui.buttons.forEach((b) => { b.disabled = false; });
  }

  function stopStream() {
    if (state.stream) state.stream.abort();
    state.stream = null;
  }

  async function stream() {
    stopStream();
    const ctrl = new AbortController();
    state.stream = ctrl;
    let backoff = 1000;
    while (state.stream === ctrl) {
      try {
        const res = await fetch('approvals/events', {
          headers: { Authorization: 'Bearer ' + state.token, Accept: 'text/event-stream' },
          cache: 'no-store', credentials: 'omit', referrerPolicy: 'no-referrer', signal: ctrl.signal,
        });
        if (res.status === 401) {
          signOut('Token refused');
          return;
        }
        if (!res.ok || !res.body) throw new Error('HTTP ' + res.status);
        setConn('live', true);
        backoff = 1000;
        refresh(); // anything that arrived before the stream opened
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buf = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buf += value.replace(/\r\n?/g, '\n');
          let i;
          while ((i = buf.indexOf('\n\n')) >= 0) {
            onEvent(buf.slice(0, i));
            buf = buf.slice(i + 2);
          }
        }
      } catch (_) {
        if (ctrl.signal.aborted) return;
      }
      if (state.stream !== ctrl) return;
      setConn('reconnecting', false);
      await sleep(backoff);
      backoff = Math.min(backoff * 2, 15000);
    }
  }

  function onEvent(block) {
    let name = 'message';
    const data = [];
    for (const line of block.split('\n')) {
      if (line === '' || line.startsWith(':')) continue; // keep-alive comment
      const c = line.indexOf(':');
      const field = c < 0 ? line : line.slice(0, c);
      let value = c < 0 ? '' : line.slice(c + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'event') name = value;
      else if (field === 'data') data.push(value);
    }
    if (name === 'decided') {
      try {
        const d = JSON.parse(data.join('\n'));
        if (!state.mine.has(d.id)) {
          const how = d.outcome === 'approved' ? 'approved by ' + d.by
            : d.by ? 'denied by ' + d.by : String(d.why).replace('_', ' ');
          log('info', d.tool + ' for ' + d.identity + ' (' + d.id + '): ' + how);
        }
      } catch (_) { /* a malformed event only costs the log line */ }
    }
    if (name === 'new' || name === 'decided' || name === 'resync') refresh();
  }

  document.addEventListener('DOMContentLoaded', () => {
    $('login').addEventListener('submit', (e) => {
      e.preventDefault();
      const token = $('token').value.trim();
      $('token').value = '';
      if (!token) return;
      sessionStorage.setItem(KEY, token);
      start(token);
    });
    $('signout').addEventListener('click', () => signOut(null));
    const saved = sessionStorage.getItem(KEY);
    if (saved) start(saved);
  });
})();
