'use strict';
// The git orch dashboard: one WebSocket with every event of the team, one xterm per worker.
const params = new URLSearchParams(location.search);
const TOKEN = params.get('token') || sessionStorage.getItem('orch-token') || '';
sessionStorage.setItem('orch-token', TOKEN);
const STEPS = 5;
const panes = new Map();          // worker name -> pane
let order = [];                   // worker names, in the supervisor's order
let focused = null;
let layout = localStorage.getItem('orch-layout') === 'grid' ? 'grid' : 'tabs';
let running = null;
let socket = null, retryDelay = 500, everConnected = false;
const $ = (selector, root) => (root || document).querySelector(selector);

function el(tag, props, children) {
  const node = document.createElement(tag);
  Object.assign(node, props || {});
  for (const child of children || []) node.append(child);
  return node;
}

function api(path, body) {
  return fetch('api/' + path, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'X-Orch-Token': TOKEN, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  }).then(async (response) => {
    const answer = await response.json().catch(() => ({ ok: false, error: 'HTTP ' + response.status }));
    if (!response.ok || answer.ok === false) throw new Error(answer.error || answer.reason || 'HTTP ' + response.status);
    return answer;
  });
}

function toast(text, kind) {
  const node = el('div', { className: 'toast', textContent: text });
  node.dataset.kind = kind || 'ok';
  $('#toasts').append(node);
  setTimeout(() => node.remove(), kind === 'error' ? 9000 : 5000);
}

function money(value) { return '$' + (value || 0).toFixed(2); }

// Terminal text without escape sequences, kept for tests and for the search box's count.
function plain(text) { return text.replace(/\x1b\[[0-9;?]*[ -\/]*[@-~]/g, '').replace(/\x1b\][^\x07]*\x07/g, '').replace(/\r/g, ''); }

// ---- panes ----------------------------------------------------------------------------

function makePane(worker) {
  const node = $('#pane-template').content.firstElementChild.cloneNode(true);
  node.dataset.worker = worker.name;
  const background = BACKGROUNDS[worker.hex] || '#0d0d12';
  node.style.setProperty('--worker', worker.hex);
  node.style.setProperty('--worker-bg', background);
  $('.name', node).textContent = worker.name;
  const pane = { name: worker.name, node, worker, text: '', rounds: 0, term: null, tab: null };
  if (window.Terminal) {
    pane.term = new Terminal({
      theme: { background, foreground: '#e4e4e7', cursor: worker.hex, cursorAccent: background, selection: worker.hex + '55' },
      fontSize: 13, fontFamily: 'ui-monospace, "DejaVu Sans Mono", monospace', scrollback: 10000, disableStdin: true,
    });
  }
  node.addEventListener('click', (event) => {
    const button = event.target.closest('button[data-action]');
    focus(worker.name, !button);
    if (button) act(pane, button.dataset.action);
  });
  $('form.input', node).addEventListener('submit', (event) => {
    event.preventDefault();
    const field = $('input', event.target);
    api('workers/' + worker.name + '/input', { text: field.value })
      .then(() => { toast('sent to ' + worker.name); field.value = ''; })
      .catch((error) => toast(worker.name + ': ' + error.message, 'error'));
  });
  const tab = el('button', { className: 'tab', type: 'button' });
  tab.setAttribute('role', 'tab');
  tab.dataset.worker = worker.name;
  tab.style.setProperty('--worker', worker.hex);
  tab.style.setProperty('--worker-bg', background);
  tab.append(el('span', { className: 'dot' }), el('span', { className: 'name', textContent: worker.name }),
             el('span', { className: 'badge state' }), el('span', { className: 'key' }));
  tab.addEventListener('click', () => focus(worker.name, true));
  pane.tab = tab;
  panes.set(worker.name, pane);
  $('#terminals').append(node);
  if (pane.term) pane.term.open($('.term', node));
  return pane;
}

function write(pane, text) {
  if (!text) return;
  if (pane.term) pane.term.write(text);
  pane.text = (pane.text + plain(text)).slice(-200000);
}

function setTeam(status) {
  const names = status.workers.map((worker) => worker.name);
  for (const worker of status.workers) {
    const pane = panes.get(worker.name) || makePane(worker);
    pane.worker = worker;
    renderWorker(pane);
  }
  for (const [name, pane] of panes) {
    if (!names.includes(name)) { pane.node.remove(); pane.tab.remove(); panes.delete(name); }
  }
  if (names.join() !== order.join()) {
    order = names;
    const tabs = $('#tabs');
    order.forEach((name, index) => {
      const pane = panes.get(name);
      $('.key', pane.tab).textContent = index < 9 ? '^' + (index + 1) : '';
      tabs.append(pane.tab);
      $('#terminals').append(pane.node);
    });
    if (!focused || !panes.has(focused)) focus(order[0], false);
    fitAll();
  }
  $('#empty').hidden = names.length > 0;
  $('#empty').textContent = running === false ? 'No supervisor is running and no worker is registered yet: start a team with git orch start.' : 'Waiting for the team…';
  renderHeader(status);
}

function renderWorker(pane) {
  const worker = pane.worker;
  const state = running === false ? 'offline' : worker.state;
  pane.node.dataset.state = state;
  pane.tab.dataset.state = state;
  for (const badge of [$('.pane-head .state', pane.node), $('.state', pane.tab)]) badge.textContent = state;
  const bar = $('.status-bar', pane.node);
  $('.state', bar).textContent = state;
  $('.task', bar).textContent = worker.task ? worker.task.slice(0, 8) + ' ' + (worker.taskTitle || '') : 'no task';
  $('.task', bar).title = worker.taskTitle || '';
  $('.rounds', bar).textContent = 'rounds ' + pane.rounds;
  $('.done', bar).textContent = 'done ' + worker.tasksDone;
  $('.cost', bar).textContent = money(worker.costUSD) + (worker.budgetUSD ? ' / ' + money(worker.budgetUSD) : '');
  const overlay = $('.overlay', pane.node);
  const message = running === false ? 'no supervisor running' :
    state === 'crashed' ? 'crashed' + (worker.reason ? ': ' + worker.reason : '') + ' — restarting…' :
    state === 'offline' ? 'offline' + (worker.reason ? ': ' + worker.reason : '') :
    state === 'stopped' ? 'stopped' : state === 'paused' ? 'paused' + (worker.reason ? ': ' + worker.reason : '') : '';
  overlay.textContent = message;
  overlay.hidden = !message;
  $('form.input', pane.node).hidden = state !== 'needs-input';
  for (const action of ['handoff', 'stop', 'restart']) $('button[data-action=' + action + ']', pane.node).disabled = running === false;
  const settings = $('.settings', pane.node);
  settings.replaceChildren(...[
    ['agent', worker.agent], ['model', worker.model || 'the agent\'s default'],
    ['budget', worker.budgetUSD ? money(worker.budgetUSD) : 'none'], ['roles', worker.roles.length ? worker.roles.join(', ') : 'any'],
    ['branch', worker.branch], ['pid', worker.pid || '–'], ['restarts', worker.restarts], ['failures', worker.failures],
    ['confinement', worker.confinement || '–'],
    ['machine', worker.machine || 'this one'],
  ].flatMap(([key, value]) => [el('dt', { textContent: key }), el('dd', { textContent: String(value) })]),
  el('p', { className: 'hint', textContent: 'Kept in refs/orch/workers; change them with git orch start --model, --budget or --roles.' }));
}

function renderHeader(status) {
  const cost = $('#cost');
  const budget = status.budgetUSD;
  $('.label', cost).textContent = 'cost ' + money(status.costUSD) + (budget ? ' of ' + money(budget) : ' (no budget)');
  const share = budget ? status.costUSD / budget : 0;
  $('.fill', cost).style.width = Math.min(100, share * 100) + '%';
  cost.dataset.level = share >= 1 ? 'over' : share >= 0.8 ? 'high' : 'ok';
  const tasks = status.tasks;
  $('#tasks').textContent = running ? `tasks: ${tasks.ready} ready · ${tasks.claimed} claimed · ${tasks.done} done` + (tasks.failed ? ` · ${tasks.failed} failed` : '') : '';
  // A team on a remote: which machine runs the merge queue (holds the lease).
  if (status.team) $('#tasks').textContent += ` · on ${status.team.remote} as ${status.team.machine}, queue runner ${status.team.queueRunner ? status.team.queueRunner.holder : 'none'}`;
}

function renderQueue(queue) {
  const node = $('#queue');
  if (!queue) { node.textContent = 'queue –'; return; }
  node.toggleAttribute('data-halted', !!queue.halted);
  node.textContent = queue.halted ? 'queue halted: ' + queue.halted :
    `queue: ${queue.testing} testing · ${queue.queued} queued · ${queue.merged} merged · ${queue.rejected} rejected`;
}

function setRunning(value) {
  running = value;
  const banner = $('#banner');
  if (value === false) {
    banner.textContent = 'No supervisor is running: start the team with git orch start. Showing the kept terminal output; waiting for it…';
    banner.dataset.kind = 'warn';
    banner.hidden = false;
    setConnection('not-running', 'not running');
  } else if (socket && socket.readyState === WebSocket.OPEN) {
    banner.hidden = true;
    setConnection('live', 'live');
  }
}

function setConnection(state, text) {
  const node = $('#connection');
  node.dataset.state = state;
  node.textContent = text;
}

// ---- focus, layout, keys --------------------------------------------------------------

function focus(name, takeFocus) {
  if (!name || !panes.has(name)) return;
  focused = name;
  for (const [other, pane] of panes) {
    const active = other === name;
    pane.node.classList.toggle('active', active);
    pane.tab.setAttribute('aria-selected', String(active));
  }
  const pane = panes.get(name);
  if (layout === 'grid') pane.node.scrollIntoView({ block: 'nearest' });
  if (pane.term) { fit(pane); if (takeFocus) pane.term.focus(); }
}

function setLayout(next) {
  layout = next;
  localStorage.setItem('orch-layout', layout);
  const main = $('#terminals');
  main.className = layout;
  for (const pane of panes.values()) pane.node.classList.remove('maximized');
  $('#layout').textContent = layout === 'grid' ? 'Tab view' : 'Grid view';
  fitAll();
}

function fit(pane) { try { if (pane.term && pane.node.offsetWidth) pane.term.fit(); } catch (error) { /* not laid out yet */ } }
function fitAll() { requestAnimationFrame(() => { for (const pane of panes.values()) fit(pane); }); }

function maximize(pane) {
  if (layout !== 'grid') return;
  const on = !pane.node.classList.contains('maximized');
  for (const other of panes.values()) other.node.classList.remove('maximized');
  pane.node.classList.toggle('maximized', on);
  fitAll();
}

window.addEventListener('resize', fitAll);
window.addEventListener('keydown', (event) => {
  if (event.ctrlKey && !event.altKey && /^[1-9]$/.test(event.key)) {
    event.preventDefault();
    focus(order[Number(event.key) - 1], true);
  } else if (event.ctrlKey && (event.key === 'h' || event.key === 'H')) {
    event.preventDefault();
    if (focused) act(panes.get(focused), 'handoff');
  } else if (event.ctrlKey && (event.key === 'g' || event.key === 'G')) {
    event.preventDefault();
    setLayout(layout === 'grid' ? 'tabs' : 'grid');
  } else if (event.key === 'Escape') {
    for (const pane of panes.values()) pane.node.classList.remove('maximized');
    fitAll();
  }
}, true);
$('#layout').addEventListener('click', () => setLayout(layout === 'grid' ? 'tabs' : 'grid'));
$('#search').addEventListener('keydown', (event) => {
  if (event.key !== 'Enter' || !focused) return;
  const pane = panes.get(focused);
  const query = event.target.value;
  if (!query || !pane.term) return;
  const found = event.shiftKey ? pane.term.findPrevious(query) : pane.term.findNext(query);
  event.target.style.borderColor = found ? '' : 'var(--bad)';
});

// ---- actions ---------------------------------------------------------------------------

function act(pane, action) {
  if (action === 'maximize') return maximize(pane);
  if (action === 'settings') { const panel = $('.settings', pane.node); panel.hidden = !panel.hidden; return; }
  if (action === 'handoff') return handoff(pane);
  api('workers/' + pane.name + '/' + action, {})
    .then((answer) => toast(answer.message || action + ' ' + pane.name))
    .catch((error) => toast(pane.name + ': ' + error.message, 'error'));
}

function handoff(pane) {
  if (pane.handingOff) return;
  pane.handingOff = true;
  const stepper = $('.stepper', pane.node);
  stepper.replaceChildren();
  for (let step = 1; step <= STEPS; step++) {
    const item = el('li', { textContent: 'step ' + step });
    item.dataset.step = String(step);
    item.dataset.state = 'pending';
    stepper.append(item);
  }
  stepper.hidden = false;
  stepper.dataset.result = '';
  $('button[data-action=handoff]', pane.node).disabled = true;
  fitAll();
  api('workers/' + pane.name + '/handoff', {}).catch((error) => finishHandoff(pane, false, error.message));
}

const STEP_STATES = { started: 'running', running: 'running', active: 'running', begin: 'running',
  done: 'done', ok: 'done', passed: 'done', finished: 'done', complete: 'done', completed: 'done', skipped: 'done',
  failed: 'failed', error: 'failed' };

function handoffStep(pane, event) {
  const stepper = $('.stepper', pane.node);
  if (stepper.hidden) { pane.handingOff = false; handoff(pane); }
  const number = Number(event.step || event.number || event.count || 0);
  const item = $('li[data-step="' + number + '"]', stepper);
  if (!item) return;
  const name = event.name || event.title || event.message;
  if (name) item.textContent = name;
  item.dataset.state = STEP_STATES[String(event.state || 'running').toLowerCase()] || 'running';
}

function finishHandoff(pane, ok, message) {
  const stepper = $('.stepper', pane.node);
  pane.handingOff = false;
  $('button[data-action=handoff]', pane.node).disabled = running === false;
  stepper.dataset.result = ok ? 'ok' : 'failed';
  for (const item of stepper.children) {
    if (ok && item.dataset.state !== 'failed') item.dataset.state = 'done';
    if (!ok && item.dataset.state === 'running') item.dataset.state = 'failed';
  }
  if (!ok && !stepper.querySelector('[data-state=failed]')) {
    const first = stepper.querySelector('[data-state=pending]');
    if (first) first.dataset.state = 'failed';
  }
  toast(ok ? (message || pane.name + ' handed off') : 'hand-off of ' + pane.name + ' failed: ' + message, ok ? 'ok' : 'error');
  setTimeout(() => { if (!pane.handingOff) { stepper.hidden = true; fitAll(); } }, ok ? 6000 : 15000);
}

// ---- the event stream ------------------------------------------------------------------

function handle(message) {
  const pane = message.worker ? panes.get(message.worker) : null;
  switch (message.type) {
    case 'hello':
      setRunning(message.running);
      for (const pane of panes.values()) { if (pane.term) pane.term.reset(); pane.text = ''; }
      setTeam(message.status);
      renderQueue(message.queue);
      break;
    case 'status':
      setRunning(message.running);
      setTeam(message.status);
      renderQueue(message.queue);
      break;
    case 'scrollback':
      if (pane) write(pane, message.text);
      break;
    case 'output':
      if (pane) write(pane, message.text);
      break;
    case 'handoff-step':
      if (pane) handoffStep(pane, message);
      break;
    case 'handoff-result':
      if (pane) finishHandoff(pane, message.ok, message.message);
      break;
    default:
      if (!pane) break;
      if (message.type === 'agent-started') pane.rounds += 1;
      if (message.type === 'task-claimed' || message.type === 'task-resumed') {
        pane.rounds = message.type === 'task-claimed' ? 0 : pane.rounds;
        pane.worker.task = message.task; pane.worker.taskTitle = message.title;
      }
      // The queue's task-done for earlier work must not clear the task the worker runs now.
      const settled = message.type === 'task-done' || message.type === 'task-released' || message.type === 'task-failed';
      if (settled && (!message.task || pane.worker.task === message.task)) pane.worker.task = null;
      if (message.state) pane.worker.state = message.state;
      if (message.type === 'worker-crashed') { pane.worker.state = 'crashed'; pane.worker.reason = message.message; }
      if (message.type === 'worker-offline') { pane.worker.state = 'offline'; pane.worker.reason = message.message; }
      if (message.type === 'cost' && message.costUSD) pane.worker.costUSD += message.costUSD;
      renderWorker(pane);
  }
}

function connect() {
  const url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws?token=' + encodeURIComponent(TOKEN);
  socket = new WebSocket(url);
  socket.onopen = () => {
    everConnected = true;
    retryDelay = 500;
    setConnection('live', 'live');
    $('#banner').hidden = true;
  };
  socket.onmessage = (event) => {
    let message;
    try { message = JSON.parse(event.data); } catch (error) { return; }
    handle(message);
  };
  socket.onclose = () => {
    socket = null;
    const seconds = Math.round(retryDelay / 100) / 10;
    const banner = $('#banner');
    if (everConnected) {
      setConnection('reconnecting', 'reconnecting…');
      banner.textContent = 'The dashboard server is gone (stopped, or the connection dropped). Reconnecting in ' + seconds + ' s…';
    } else {
      setConnection('gone', 'cannot connect');
      banner.textContent = 'Cannot reach the dashboard server (is git orch dashboard running, and is the token in the URL right?). Retrying in ' + seconds + ' s…';
    }
    banner.dataset.kind = 'error';
    banner.hidden = false;
    setTimeout(connect, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 10000);
  };
}

// For tests and curious people: what the page shows, in words.
window.orchDashboard = {
  workers: () => order.slice(),
  text: (name) => (panes.get(name) || { text: '' }).text,
  focused: () => focused,
  layout: () => layout,
  running: () => running,
};

if (!window.Terminal) {
  const banner = $('#banner');
  banner.textContent = 'xterm.js did not load (install Debian\'s node-xterm: ./install.sh does); terminals are off.';
  banner.dataset.kind = 'error';
  banner.hidden = false;
}
setLayout(layout);
connect();
