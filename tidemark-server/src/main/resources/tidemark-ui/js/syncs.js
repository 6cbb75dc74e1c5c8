// Syncs: the overview (health at a glance), one sync's page (settings, recent runs, operations), and a new sync.
import { h, Fragment } from 'preact';
import { useState, useEffect, useRef } from 'preact/hooks';
import { get, post, put, del, can, seg } from './api.js';
import { Status, ErrorBox, Notice, Dialog, Loading, Table, Json, Field, SchemaChanges, Words, usePoll, useAction, fmtTime, fmtAgo, fmtDuration, fmtNumber, fmtBytes, estimate, fieldMessage } from './ui.js';

const SCHEDULES = ['manual', '1min', '5min', '15min', '30min', '1hour', '6hour', '12hour', '24hour', '7day', '30day'];
const SYNC_TYPES = ['full_refresh', 'incremental', 'append', 'diff', 'cdc'];
const DIFF_MODES = ['upsert', 'insert', 'update', 'mirror'];
const FILTERS = [
  ['all', 'All'], ['failed', 'Failing'], ['running', 'Running'], ['paused', 'Paused'], ['succeeded', 'Healthy'],
  ['succeeded_with_rejections', 'With rejected rows'], ['cancelled', 'Cancelled'], ['queued', 'Queued'], ['never', 'Never run'],
];

/** What a sync is doing now: running beats paused beats its last run's result. */
export function syncState(entry) {
  if (entry.running) return 'running';
  if (entry.paused) return 'paused';
  return entry.last_run?.status ?? 'never';
}

/** Rows read, and what the destination did with them; a diff run also shows what it planned (+added ~changed -removed). */
export function Counts({ run }) {
  if (!run) return '–';
  const diff = run.added + run.changed + run.removed > 0;
  return h('span', { class: 'counts' },
    `${fmtNumber(run.rows_read)} read · ${fmtNumber(run.rows_written)} written`,
    run.rows_deleted ? ` · ${fmtNumber(run.rows_deleted)} deleted` : '',
    run.rows_rejected ? h('span', { class: 'warn' }, ` · ${fmtNumber(run.rows_rejected)} rejected`) : '',
    diff ? h('span', { class: 'muted' }, ` (+${run.added} ~${run.changed} -${run.removed})`) : '');
}

export function SyncsPage() {
  const syncs = usePoll(() => get('/api/v1/syncs'), 3000);
  const [filter, setFilter] = useState('all');
  if (!syncs.data) return syncs.error ? h(ErrorBox, { error: syncs.error }) : h(Loading);
  const failingFirst = (e) => (syncState(e) === 'failed' ? 0 : 1);
  const entries = [...syncs.data].sort((a, b) => failingFirst(a) - failingFirst(b) || a.name.localeCompare(b.name));
  const count = (f) => (f === 'all' ? entries.length : entries.filter((e) => syncState(e) === f).length);
  const failing = entries.filter((e) => syncState(e) === 'failed');
  const shown = filter === 'all' ? entries : entries.filter((e) => syncState(e) === filter);
  return h('section', null,
    h('div', { class: 'page-head' },
      h('h1', null, 'Syncs'),
      can('admin') ? h('a', { class: 'button primary', href: '#/new-sync', 'data-test': 'new-sync' }, 'New sync') : null),
    h(ErrorBox, { error: syncs.error, title: 'Could not refresh' }),
    failing.length ? h('div', { class: 'alert', role: 'alert', 'data-test': 'failing-banner' },
      `${failing.length} ${failing.length === 1 ? 'sync is' : 'syncs are'} failing: `,
      failing.map((e, i) => h(Fragment, { key: e.name }, i ? ', ' : '', h('a', { href: `#/syncs/${seg(e.name)}` }, e.name)))) : null,
    h('div', { class: 'toolbar' },
      h('label', { class: 'inline' }, 'Show ',
        h('select', { value: filter, onChange: (e) => setFilter(e.target.value), 'data-test': 'status-filter' },
          FILTERS.map(([value, label]) => h('option', { value, key: value }, `${label} (${count(value)})`))))),
    entries.length === 0
      ? h('p', { class: 'empty' }, 'No syncs yet. ', can('admin') ? h('a', { href: '#/new-sync' }, 'Create the first one.') : 'An admin can create one.')
      : shown.length === 0 ? h('p', { class: 'empty' }, 'No sync has this status.')
      : h(Table, { head: ['Sync', 'Status', 'Last run', 'Rows', 'Next run', 'Schedule', 'Moves'], label: 'Syncs', testId: 'syncs' },
        shown.map((e) => h('tr', { key: e.name, class: syncState(e) === 'failed' ? 'failing' : '', 'data-sync': e.name },
          h('td', null, h('a', { href: `#/syncs/${seg(e.name)}` }, e.name)),
          h('td', null, h(Status, { status: syncState(e) }), e.paused && e.running ? h(Status, { status: 'paused' }) : null),
          h('td', null, e.last_run ? h('a', { href: `#/runs/${e.last_run.run_id}`, title: fmtTime(e.last_run.started_at) },
            fmtAgo(e.last_run.started_at), ' · ', fmtDuration(e.last_run.duration_ms)) : 'never'),
          h('td', null, h(Counts, { run: e.last_run })),
          h('td', null, e.paused ? 'paused' : e.next_run ? h('span', { title: fmtTime(e.next_run) }, fmtAgo(e.next_run)) : '–'),
          h('td', null, e.schedule),
          h('td', { class: 'muted' }, `${e.settings.model} → ${e.settings.destination}.${e.settings.table} (${e.settings.sync_type ?? 'full_refresh'})`)))));
}

export function SyncPage({ name }) {
  const entry = usePoll(() => get(`/api/v1/syncs/${seg(name)}`), 3000, [name]);
  const runs = usePoll(() => get(`/api/v1/runs?sync=${seg(name)}&limit=30`), 3000, [name]);
  const [notice, setNotice] = useState(null);
  if (!entry.data) return entry.error ? h(ErrorBox, { error: entry.error }) : h(Loading);
  const e = entry.data;
  const s = e.settings;
  const refresh = () => { entry.reload(); runs.reload(); };
  return h('section', null,
    h('p', { class: 'crumbs' }, h('a', { href: '#/syncs' }, 'Syncs'), ' / '),
    h('div', { class: 'page-head' },
      h('h1', null, name, ' ', h(Status, { status: syncState(e) }), e.paused && e.running ? h(Status, { status: 'paused' }) : null)),
    h('p', { class: 'summary' },
      `${s.model} → ${s.destination}.${s.table} · ${s.sync_type ?? 'full_refresh'}${s.mode ? ` (${s.mode})` : ''} · schedule ${e.schedule}`,
      e.next_run && !e.paused ? ` · next run ${fmtTime(e.next_run)}` : '',
      e.running ? h(Fragment, null, ' · ', h('a', { href: `#/runs/${e.running}` }, `run ${e.running} in progress`)) : ''),
    h(Notice, { notice, onClose: () => setNotice(null) }),
    h(ErrorBox, { error: entry.error, title: 'Could not refresh' }),
    can('operator') ? h(Actions, { entry: e, onDone: (text) => { setNotice(text ? { text } : null); refresh(); } }) : null,
    (s.sync_type === 'cdc') ? h(CaptureLag, { name }) : null,
    h('h2', null, 'Recent runs'),
    runs.data ? h(Fragment, null, runs.data.length ? h(RunsChart, { runs: runs.data }) : null, h(RunTable, { runs: runs.data })) : h(Loading),
    h('h2', null, 'Settings'),
    h(SettingsEditor, { entry: e, onSaved: (text) => { setNotice({ text }); refresh(); } }));
}

/** The operations on a sync, each with the confirmation it deserves; starting a run opens its page. */
function Actions({ entry, onDone }) {
  const name = entry.name;
  const diff = entry.settings.sync_type === 'diff';
  const tracked = diff || entry.settings.sync_type === 'cdc';
  const disabled = entry.settings.enabled === false;
  const [dialog, setDialog] = useState(null);
  const [tool, setTool] = useState(null);
  const [act, busy, error, clearError] = useAction();
  const path = (op) => `/api/v1/syncs/${seg(name)}/${op}`;
  const start = (op) => act(async () => {
    const answer = await post(path(op));
    setDialog(null);
    location.hash = `#/runs/${answer.run.run_id}`;
  });
  const simple = (op, message) => act(async () => {
    await post(path(op));
    setDialog(null);
    onDone(message);
  });
  const close = () => { setDialog(null); clearError(); };
  const dialogs = {
    resync: () => h(Dialog, { title: `Resync ${name}?`, confirmLabel: 'Resync', danger: !!entry.resync_warning, busy, error, onClose: close, onConfirm: () => start('resync') },
      h('p', null, 'Forgets the checkpoint and change tracking and reads the whole source again.'),
      entry.resync_warning ? h('p', { class: 'alert', 'data-test': 'resync-warning' }, entry.resync_warning) : null),
    reset: () => h(Dialog, { title: `Reset tracking of ${name}?`, confirmLabel: 'Reset tracking', busy, error, onClose: close, onConfirm: () => start('reset-tracking') },
      h('p', null, 'Takes the source as it is now as the baseline and sends nothing; the next run sends only later changes.')),
    cancel: () => h(Dialog, { title: `Cancel the run of ${name}?`, confirmLabel: 'Cancel the run', danger: true, busy, error, onClose: close, onConfirm: () => simple('cancel', 'The run stops at its next safe point; the checkpoint stays at the last commit.') },
      h('p', null, 'The run stops at its next safe point. What it has not committed is rolled back; the checkpoint stays at the last commit.')),
    deleteData: () => h(Dialog, { title: `Delete the data of ${name}?`, confirmLabel: 'Delete data', danger: true, confirmText: name, busy, error, onClose: close, onConfirm: () => simple('delete-data', 'Destination data and checkpoint deleted; the next run is a first run.') },
      h('p', null, `Drops ${entry.settings.destination}.${entry.settings.table} and forgets the checkpoint and change tracking. This cannot be undone.`)),
  };
  return h('div', { class: 'actions-area' },
    h('div', { class: 'actions', role: 'toolbar', 'aria-label': 'Operations' },
      h('button', { type: 'button', class: 'primary', disabled: busy || !!entry.running || entry.paused, onClick: () => start('runs'), 'data-test': 'run-now' }, 'Run now'),
      entry.running ? h('button', { type: 'button', class: 'danger', onClick: () => setDialog('cancel'), 'data-test': 'cancel' }, 'Cancel run') : null,
      disabled ? h('span', { class: 'muted', title: 'set enabled: true in the settings to run it again' }, 'disabled in its settings')
        : entry.paused
        ? h('button', { type: 'button', disabled: busy, onClick: () => simple('resume', `${name} resumed.`), 'data-test': 'resume' }, 'Resume')
        : h('button', { type: 'button', disabled: busy, onClick: () => simple('pause', `${name} paused: it does not run until resumed.`), 'data-test': 'pause' }, 'Pause'),
      h('button', { type: 'button', disabled: busy || !!entry.running, onClick: () => setDialog('resync'), 'data-test': 'resync' }, 'Resync'),
      tracked ? h('button', { type: 'button', disabled: busy || !!entry.running, onClick: () => setDialog('reset'), 'data-test': 'reset-tracking' }, 'Reset tracking') : null,
      h('button', { type: 'button', disabled: busy || !!entry.running, onClick: () => start('recover'), 'data-test': 'recover', title: 'Re-run from the last committed checkpoint after a failure' }, 'Recover'),
      h('button', { type: 'button', 'aria-pressed': tool === 'plan', onClick: () => setTool(tool === 'plan' ? null : 'plan'), 'data-test': 'plan' }, 'Plan'),
      diff ? h('button', { type: 'button', 'aria-pressed': tool === 'test', onClick: () => setTool(tool === 'test' ? null : 'test'), 'data-test': 'test-row' }, 'Test a row') : null,
      h('button', { type: 'button', 'aria-pressed': tool === 'check', onClick: () => setTool(tool === 'check' ? null : 'check'), 'data-test': 'check' }, 'Check'),
      h('button', { type: 'button', class: 'danger', disabled: busy || !!entry.running, onClick: () => setDialog('deleteData'), 'data-test': 'delete-data' }, 'Delete data')),
    dialog ? null : h(ErrorBox, { error, title: 'The operation failed' }),
    dialog ? dialogs[dialog]() : null,
    tool === 'plan' ? h(PlanPanel, { entry, onTest: (row) => setTool({ row }) }) : null,
    tool === 'test' || tool?.row ? h(TestRowPanel, { entry, row: tool?.row, key: JSON.stringify(tool?.row ?? null) }) : null,
    tool === 'check' ? h(CheckPanel, { name }) : null);
}

/**
 * What the next run would do now, writing nothing: the source schema changes it would meet and what schema_policy
 * does with each (every sync type); for a diff sync also counts per change class and sample rows, unless a schema
 * change stops the run first.
 */
function PlanPanel({ entry, onTest }) {
  const plan = usePoll(() => post(`/api/v1/syncs/${seg(entry.name)}/plan`), 0, [entry.name]);
  if (!plan.data) return h('div', { class: 'panel' }, plan.error ? h(ErrorBox, { error: plan.error, title: 'Cannot plan' }) : h(Loading));
  const p = plan.data;
  const stops = p.schema_changes.some((c) => c.action === 'pause' || c.action === 'fail');
  const counted = entry.settings.sync_type === 'diff' && !stops;
  return h('div', { class: 'panel', 'data-test': 'plan-panel' },
    h('h3', null, counted ? `Plan: ${fmtNumber(p.rows_read)} rows read, nothing written` : 'Plan: nothing written'),
    p.schema_changes.length ? h(Fragment, null, h('h4', null, 'Schema changes'),
      h(SchemaChanges, { changes: p.schema_changes, label: 'Pending schema changes', testId: 'plan-schema-changes' }))
      : h('p', { class: 'muted' }, 'Schema changes: none pending.'),
    // The engine words the ways on: which of them rebuilds the destination depends on the sync type.
    stops ? h('p', { class: 'alert', 'data-test': 'plan-schema-stop' }, 'The next run stops at these changes before writing anything.',
      p.schema_choices ? h(Fragment, null, ' Choices: ', h(Words, { text: p.schema_choices }), '.') : null) : null,
    counted ? h(Fragment, null,
      h('h4', null, 'Rows'),
      h(Table, { head: ['Change', 'Rows', 'Sent'], label: 'Planned changes' },
        ['added', 'changed', 'removed'].map((c) => h('tr', { key: c }, h('td', null, c), h('td', { 'data-test': `plan-${c}` }, fmtNumber(p[c].count)),
          h('td', null, p[c].sent ? 'yes' : 'no (the mode sends none)')))),
      ['added', 'changed', 'removed'].filter((c) => p[c].samples.length).map((c) => h(Fragment, { key: c },
        h('h4', null, `Sample ${c} rows`),
        h(RowTable, { rows: p[c].samples, label: `Sample ${c} rows`, action: can('operator') ? (row) => h('button', { type: 'button', class: 'small', onClick: () => onTest({ ...row, $as: c }) }, 'Test this row') : null }))))
      : entry.settings.sync_type === 'diff' ? null : h('p', { class: 'muted' }, 'Counts of added, changed and removed rows are planned for diff syncs.'));
}

function RowTable({ rows, label, action }) {
  const columns = Object.keys(rows[0] ?? {});
  return h(Table, { head: [...columns, ...(action ? [''] : [])], label },
    rows.map((row, i) => h('tr', { key: i }, columns.map((c) => h('td', { key: c }, cell(row[c]))), action ? h('td', null, action(row)) : null)));
}

const cell = (v) => (v === null || v === undefined ? h('span', { class: 'muted' }, 'null') : String(v));

/** Sends one row to the destination now: pick a row, edit values, see exactly what was sent and the answer. */
function TestRowPanel({ entry, row }) {
  const samples = usePoll(() => (row ? Promise.resolve(null) : post(`/api/v1/syncs/${seg(entry.name)}/plan`)), 0, [entry.name]);
  const model = usePoll(() => get(`/api/v1/models/${seg(entry.settings.model)}`), 0, [entry.settings.model]);
  const [picked, setPicked] = useState(row ?? null);
  const [values, setValues] = useState(() => fieldsOf(row));
  const [keyText, setKeyText] = useState('');
  const [as, setAs] = useState(row?.$as ?? '');
  const [result, setResult] = useState(null);
  const [act, busy, error] = useAction();
  const keyColumns = entry.settings.primary_key ?? model.data?.settings.primary_key ?? [];
  const mapping = entry.settings.field_mapping ?? {};
  useEffect(() => {
    // Added and changed samples carry destination fields, removed ones model columns.
    if (picked) setKeyText(keyColumns.map((c) => picked[mapping[c]] ?? picked[c] ?? '').join(', '));
  }, [picked, model.data]);
  const pick = (r) => { setPicked(r); setValues(fieldsOf(r)); setAs(r.$as ?? ''); setResult(null); };
  const sampleRows = samples.data ? ['added', 'changed', 'removed'].flatMap((c) => samples.data[c].samples.map((r) => ({ ...r, $as: c }))) : [];
  const send = (event) => {
    event.preventDefault();
    act(async () => {
      const set = {};
      for (const [field, value] of Object.entries(values)) if (String(picked?.[field] ?? '') !== value) set[field] = value;
      const body = { key: keyText.split(',').map((k) => k.trim()), set };
      if (as) body.as = as;
      setResult(await post(`/api/v1/syncs/${seg(entry.name)}/test-row`, body));
    });
  };
  return h('form', { class: 'panel', onSubmit: send, 'data-test': 'test-row-panel' },
    h('h3', null, 'Test a row'),
    h('p', { class: 'muted' }, 'Sends one row to the destination now, as a run would, and shows the request and the answer. The row really is written.'),
    !row && sampleRows.length ? h(Field, { label: 'Pick a row' },
      h('select', { onChange: (e) => e.target.value !== '' && pick(sampleRows[Number(e.target.value)]), 'data-test': 'pick-row' },
        h('option', { value: '' }, '— a sample row from the plan —'),
        sampleRows.map((r, i) => h('option', { value: i, key: i }, `${r.$as}: ${JSON.stringify(fieldsOf(r)).slice(0, 80)}`)))) : null,
    h(Field, { label: `Key (${keyColumns.length ? keyColumns.join(', ') : 'primary key values'}, comma-separated)` },
      h('input', { type: 'text', required: true, value: keyText, onInput: (e) => setKeyText(e.target.value), 'data-test': 'test-key' })),
    h(Field, { label: 'Send as' },
      h('select', { value: as, onChange: (e) => setAs(e.target.value) },
        h('option', { value: '' }, 'what it is now (compared with the last send)'),
        ['added', 'changed', 'removed'].map((c) => h('option', { value: c, key: c }, c)))),
    Object.keys(values).length ? h('fieldset', null, h('legend', null, 'Values (edit to override; only changed fields are sent as overrides)'),
      Object.entries(values).map(([field, value]) => h(Field, { label: field, key: field },
        h('input', { type: 'text', value, onInput: (e) => setValues({ ...values, [field]: e.target.value }), 'data-field': field })))) : null,
    h('button', { type: 'submit', class: 'primary', disabled: busy, 'data-test': 'send-row' }, busy ? 'Sending…' : 'Send'),
    h(ErrorBox, { error, title: 'Not sent' }),
    result ? h('div', { class: 'two-col', 'data-test': 'test-row-result' },
      h('div', null, h('h4', null, 'Request'), h('p', null, `${result.operation ?? 'nothing'} → ${result.target} (as ${result.as})`), h(Json, { value: result.sent }),
        (result.exchanges ?? []).map((x, i) => h('pre', { class: 'json', key: i, 'data-test': 'exchange-request' }, x.request))),
      h('div', null, h('h4', null, 'Response'), h('p', null, result.accepted ? h(Status, { status: 'succeeded' }) : h(Status, { status: 'failed' }), ' ', result.accepted ? 'accepted' : 'not accepted'),
        h('pre', { class: 'json' }, result.answer ?? '–'),
        (result.exchanges ?? []).map((x, i) => h('pre', { class: 'json', key: i, 'data-test': 'exchange-response' }, x.response)))) : null);
}

const fieldsOf = (row) => Object.fromEntries(Object.entries(row ?? {}).filter(([k]) => k !== '$as').map(([k, v]) => [k, v === null ? '' : String(v)]));

/** Each check's passed items and problems, every problem with its fix. */
export function CheckPanel({ name, path }) {
  const check = usePoll(() => post(path ?? `/api/v1/syncs/${seg(name)}/check`), 0, [name, path]);
  if (!check.data) return h('div', { class: 'panel' }, check.error ? h(ErrorBox, { error: check.error, title: 'Cannot check' }) : h(Loading));
  return h('div', { class: 'panel', 'data-test': 'check-panel' },
    check.data.map((item) => h('div', { key: item.subject, class: 'check-item' },
      h('h3', null, item.ok ? h(Status, { status: 'succeeded' }) : h(Status, { status: 'failed' }), ' ', item.subject),
      item.passed.length ? h('ul', { class: 'passed' }, item.passed.map((p) => h('li', { key: p }, '✓ ', p))) : null,
      item.problems.length ? h('ul', { class: 'problems' }, item.problems.map((p) => h('li', { key: p.code + p.message },
        h('strong', null, p.message), h('br'), h('span', null, 'Fix: ', p.fix), ' ', h('code', { class: 'muted' }, p.code)))) : null)));
}

function CaptureLag({ name }) {
  const status = usePoll(() => get(`/api/v1/syncs/${seg(name)}/status`), 10000, [name]);
  const s = status.data;
  return h('div', { class: 'card', 'data-test': 'capture-lag' },
    h('h2', null, 'Replication slot'),
    status.error ? h(ErrorBox, { error: status.error, title: 'Cannot read the slot' }) : !s ? h(Loading) : h('dl', { class: 'facts' },
      h('dt', null, 'Lag'), h('dd', null, s.capture ? fmtBytes(s.capture.lag_bytes) : fmtBytes(s.capture_lag_bytes)),
      h('dt', null, 'Age of the last applied change'), h('dd', null, s.capture_lag_ms === null ? '–' : fmtDuration(s.capture_lag_ms)),
      h('dt', null, 'Slot'), h('dd', null, s.capture ? `${s.capture.active ? 'active' : 'idle'}, confirmed ${s.capture.confirmed}, current ${s.capture.current}` : 'not created yet'),
      s.capture?.invalidated ? h(Fragment, null, h('dt', null, 'Invalidated'), h('dd', { class: 'warn' }, s.capture.invalidated)) : null));
}

export function RunTable({ runs, showSync }) {
  if (!runs.length) return h('p', { class: 'empty' }, 'No runs yet.');
  return h(Table, { head: ['Run', ...(showSync ? ['Sync'] : []), 'Status', 'Started', 'Duration', 'Trigger', 'Rows'], label: 'Runs', testId: 'runs' },
    runs.map((r) => h('tr', { key: r.run_id, class: r.status === 'failed' ? 'failing' : '' },
      h('td', null, h('a', { href: `#/runs/${r.run_id}` }, `#${r.run_id}`)),
      showSync ? h('td', null, h('a', { href: `#/syncs/${seg(r.sync)}` }, r.sync)) : null,
      h('td', null, h(Status, { status: r.status })),
      h('td', null, fmtTime(r.started_at)),
      h('td', null, fmtDuration(r.duration_ms)),
      h('td', null, r.trigger),
      h('td', null, h(Counts, { run: r })))));
}

/** Rows and durations of recent runs over time (Chart.js, from the server's jar). */
function RunsChart({ runs }) {
  const canvas = useRef(null);
  const chart = useRef(null);
  const ordered = [...runs].reverse();
  useEffect(() => {
    chart.current = new window.Chart(canvas.current, {
      data: { labels: [], datasets: [
        { type: 'bar', label: 'rows written', data: [], backgroundColor: '#2f7ed8', yAxisID: 'rows' },
        { type: 'bar', label: 'rows rejected', data: [], backgroundColor: '#e0a100', yAxisID: 'rows' },
        { type: 'line', label: 'duration (s)', data: [], borderColor: '#333', backgroundColor: '#333', yAxisID: 'seconds' },
      ] },
      options: {
        animation: false, maintainAspectRatio: false, responsive: true,
        scales: { rows: { position: 'left', beginAtZero: true, title: { display: true, text: 'rows' } },
          seconds: { position: 'right', beginAtZero: true, grid: { drawOnChartArea: false }, title: { display: true, text: 'seconds' } } },
      },
    });
    return () => chart.current.destroy();
  }, []);
  useEffect(() => {
    const c = chart.current;
    c.data.labels = ordered.map((r) => `#${r.run_id} ${fmtTime(r.started_at).slice(5, 16)}`);
    c.data.datasets[0].data = ordered.map((r) => r.rows_written);
    c.data.datasets[1].data = ordered.map((r) => r.rows_rejected);
    c.data.datasets[2].data = ordered.map((r) => (r.duration_ms ?? 0) / 1000);
    c.update();
  }, [JSON.stringify(ordered.map((r) => [r.run_id, r.rows_written, r.rows_rejected, r.duration_ms]))]);
  return h('div', { class: 'chart' }, h('canvas', { ref: canvas, role: 'img', 'aria-label': `Rows written, rows rejected and duration of the last ${runs.length} runs; the table below lists them` }));
}

/**
 * The sync's settings as JSON. Saving first asks the server for the plan of the change (the same rule the API
 * applies): a destructive change is explained and needs the explicit choice to resync.
 */
function SettingsEditor({ entry, onSaved }) {
  const original = JSON.stringify(entry.settings, null, 2);
  const [text, setText] = useState(original);
  const [review, setReview] = useState(null);
  const [parseError, setParseError] = useState(null);
  const [act, busy, error, clearError] = useAction();
  const editable = can('admin');
  // Settings changed elsewhere (another user, the CLI) replace what is shown, unless the user is editing.
  const shown = useRef(original);
  useEffect(() => {
    if (text === shown.current) setText(original);
    shown.current = original;
  }, [original]);
  if (!editable) return h(Json, { value: entry.settings, testId: 'settings' });
  const parsed = () => {
    try { setParseError(null); return JSON.parse(text); } catch (e) { setParseError(e.message); return null; }
  };
  const reviewChange = () => act(async () => {
    const settings = parsed();
    if (!settings) return;
    const workspace = await get('/api/v1/workspace');
    workspace.syncs[entry.name] = settings;
    setReview({ settings, plan: await post('/api/v1/workspace/plan', workspace) });
  });
  const save = (resync) => act(async () => {
    const answer = await put(`/api/v1/syncs/${seg(entry.name)}${resync ? '?resync=true' : ''}`, review.settings);
    const saved = JSON.stringify(review.settings, null, 2);
    shown.current = saved;
    setText(saved);
    setReview(null);
    onSaved(answer.resync_runs.length ? `Saved; resync started (run ${answer.resync_runs.map((r) => r.run_id).join(', ')}).` : 'Saved.');
  });
  const changes = review?.plan.entries.flatMap((e) => e.changes.map((c) => ({ ...c, entry: `${e.kind} ${e.name}` }))) ?? [];
  return h('div', { class: 'settings' },
    h(Field, { label: 'Settings (JSON; see the configuration reference)', error: parseError },
      h('textarea', { rows: Math.min(24, text.split('\n').length + 2), spellcheck: false, value: text, onInput: (e) => { setText(e.target.value); setReview(null); clearError(); }, 'data-test': 'settings-editor' })),
    h('div', { class: 'actions' },
      h('button', { type: 'button', disabled: busy || text === original, onClick: reviewChange, 'data-test': 'review-settings' }, 'Review change'),
      h('button', { type: 'button', disabled: busy || text === original, onClick: () => { setText(original); setReview(null); } }, 'Discard')),
    h(ErrorBox, { error, title: 'Not saved' }),
    review ? h('div', { class: `panel${review.plan.destructive ? ' destructive' : ''}`, 'data-test': 'settings-review' },
      review.plan.empty ? h('p', null, 'Nothing changes.') : h(Fragment, null,
        h(Table, { head: ['Setting', 'Before', 'After', ''], label: 'Changes' }, changes.map((c) => h('tr', { key: c.entry + c.setting, class: c.destructive ? 'failing' : '' },
          h('td', null, `${c.entry}: ${c.setting}`), h('td', null, h('code', null, String(c.before ?? '–'))), h('td', null, h('code', null, String(c.after ?? '–'))),
          h('td', null, c.destructive ? h('strong', null, 'destructive: ', c.reason) : (c.reason ?? ''))))),
        review.plan.destructive
          ? h(Fragment, null,
            h('p', { class: 'alert', 'data-test': 'destructive-warning' }, 'This change no longer matches what the destination holds. Save it and resync (the destination is rebuilt from the source), or leave the settings as they are.'),
            entry.resync_warning ? h('p', { class: 'alert' }, entry.resync_warning) : null,
            h('button', { type: 'button', class: 'danger', disabled: busy, onClick: () => save(true), 'data-test': 'save-resync' }, 'Save and resync'))
          : h('button', { type: 'button', class: 'primary', disabled: busy, onClick: () => save(false), 'data-test': 'save-settings' }, 'Save'))) : null);
}

/** A new sync: pick or define the model (a source table, found by discovery), the destination and how to sync. */
export function NewSyncPage() {
  const connections = usePoll(() => get('/api/v1/connections'), 0);
  const connectors = usePoll(() => get('/api/v1/connectors'), 0);
  const models = usePoll(() => get('/api/v1/models'), 0);
  const [form, setForm] = useState({ name: '', model: '', connection: '', table: '', primary_key: '', destination: '', dest_table: '', sync_type: 'full_refresh', cursor_field: '', mode: '', schedule: 'manual' });
  const [streams, setStreams] = useState(null);
  const [discoverError, setDiscoverError] = useState(null);
  const [act, busy, error] = useAction();
  const set = (field) => (e) => setForm((f) => ({ ...f, [field]: e.target.value }));
  useEffect(() => {
    setStreams(null);
    setDiscoverError(null);
    if (!form.connection) return undefined;
    let current = true; // a slow answer for a connection no longer chosen is dropped
    post(`/api/v1/connections/${seg(form.connection)}/discover`).then((s) => current && setStreams(s), (e) => current && setDiscoverError(e));
    return () => { current = false; };
  }, [form.connection]);
  if (!connections.data || !connectors.data || !models.data) {
    const failed = connections.error ?? connectors.error ?? models.error;
    return failed ? h(ErrorBox, { error: failed }) : h(Loading);
  }
  if (!can('admin')) return h('p', null, 'Creating a sync needs an admin token.');
  const capable = (capability) => connections.data.filter((c) => connectors.data.find((k) => k.type === c.settings.type)?.capabilities.includes(capability));
  const stream = streams?.find((s) => s.stream === form.table);
  const newModel = form.model === '';
  const pickTable = (e) => {
    const chosen = streams?.find((s) => s.stream === e.target.value);
    setForm((f) => ({ ...f, table: e.target.value, primary_key: chosen?.primary_key.join(', ') ?? f.primary_key,
      dest_table: f.dest_table || e.target.value.split('.').pop() }));
  };
  const submit = (event) => {
    event.preventDefault();
    act(async () => {
      const modelName = newModel ? form.name : form.model;
      if (newModel) {
        if (models.data.some((m) => m.name === modelName)) throw new Error(`a model named ${modelName} exists already: pick it under Model, or choose another sync name`);
        const model = { connection: form.connection, table: form.table };
        const key = form.primary_key.split(',').map((k) => k.trim()).filter(Boolean);
        if (key.length) model.primary_key = key;
        await put(`/api/v1/models/${seg(modelName)}`, model);
      }
      const sync = { model: modelName, destination: form.destination, table: form.dest_table, sync_type: form.sync_type, schedule: form.schedule };
      if (form.cursor_field && ['incremental', 'append'].includes(form.sync_type)) sync.cursor_field = form.cursor_field;
      if (form.mode && form.sync_type === 'diff') sync.mode = form.mode;
      try {
        await put(`/api/v1/syncs/${seg(form.name)}`, sync);
      } catch (e) {
        // The model was made for this sync only: a sync refused leaves nothing behind.
        if (newModel) await del(`/api/v1/models/${seg(modelName)}`).catch(() => {});
        throw e;
      }
      location.hash = `#/syncs/${seg(form.name)}`;
    });
  };
  const types = stream?.sync_types ?? SYNC_TYPES;
  return h('section', null,
    h('p', { class: 'crumbs' }, h('a', { href: '#/syncs' }, 'Syncs'), ' / '),
    h('h1', null, 'New sync'),
    h('form', { class: 'form card', onSubmit: submit, 'data-test': 'new-sync-form' },
      h(Field, { label: 'Name', hint: 'letters, digits, _ and -' },
        h('input', { name: 'name', required: true, pattern: '[A-Za-z_][A-Za-z0-9_\\-]{0,127}', value: form.name, onInput: set('name') })),
      h(Field, { label: 'Model' },
        h('select', { name: 'model', value: form.model, onChange: set('model') },
          h('option', { value: '' }, 'a new model from a source table'),
          models.data.map((m) => h('option', { value: m.name, key: m.name }, m.name)))),
      newModel ? h('fieldset', null, h('legend', null, 'Source'),
        h(Field, { label: 'Source connection' },
          h('select', { name: 'connection', required: true, value: form.connection, onChange: set('connection') },
            h('option', { value: '' }, '—'), capable('source').map((c) => h('option', { value: c.name, key: c.name }, `${c.name} (${c.settings.type})`)))),
        h(ErrorBox, { error: discoverError, title: 'Cannot list the tables' }),
        h(Field, { label: 'Table', hint: stream ? `${stream.columns.length} columns${estimate(stream)}` : null },
          streams ? h('select', { name: 'table', required: true, value: form.table, onChange: pickTable },
            h('option', { value: '' }, '—'), streams.map((s) => h('option', { value: s.stream, key: s.stream }, s.stream)))
            : h('input', { name: 'table', required: true, value: form.table, onInput: set('table'), placeholder: form.connection ? 'discovering…' : 'pick a connection first' })),
        h(Field, { label: 'Primary key', hint: 'comma-separated columns; needed for incremental, append and diff' },
          h('input', { name: 'primary_key', value: form.primary_key, onInput: set('primary_key') }))) : null,
      h('fieldset', null, h('legend', null, 'Destination'),
        h(Field, { label: 'Destination connection', error: fieldMessage(error, 'destination') },
          h('select', { name: 'destination', required: true, value: form.destination, onChange: set('destination') },
            h('option', { value: '' }, '—'), capable('destination').map((c) => h('option', { value: c.name, key: c.name }, `${c.name} (${c.settings.type})`)))),
        h(Field, { label: 'Destination table', error: fieldMessage(error, 'table') },
          h('input', { name: 'dest_table', required: true, value: form.dest_table, onInput: set('dest_table') }))),
      h('fieldset', null, h('legend', null, 'How'),
        h(Field, { label: 'Sync type', error: fieldMessage(error, 'sync_type') },
          h('select', { name: 'sync_type', value: form.sync_type, onChange: set('sync_type') }, types.map((t) => h('option', { value: t, key: t }, t)))),
        ['incremental', 'append'].includes(form.sync_type) ? h(Field, { label: 'Cursor field', error: fieldMessage(error, 'cursor_field'), hint: stream?.cursor_candidates.length ? `candidates: ${stream.cursor_candidates.join(', ')}` : null },
          h('input', { name: 'cursor_field', required: true, value: form.cursor_field, onInput: set('cursor_field'), list: 'cursor-candidates' }),
          h('datalist', { id: 'cursor-candidates' }, (stream?.cursor_candidates ?? []).map((c) => h('option', { value: c, key: c })))) : null,
        form.sync_type === 'diff' ? h(Field, { label: 'Mode' },
          h('select', { name: 'mode', value: form.mode, onChange: set('mode') }, DIFF_MODES.map((m) => h('option', { value: m, key: m }, m)))) : null,
        h(Field, { label: 'Schedule', error: fieldMessage(error, 'schedule'), hint: 'cron, daily, weekly and after: edit the settings JSON after creating' },
          h('select', { name: 'schedule', value: form.schedule, onChange: set('schedule') }, SCHEDULES.map((s) => h('option', { value: s, key: s }, s))))),
      h(ErrorBox, { error, title: 'Not created' }),
      h('button', { type: 'submit', class: 'primary', disabled: busy, 'data-test': 'create-sync' }, busy ? 'Creating…' : 'Create sync')));
}
