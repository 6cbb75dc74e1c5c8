// Runs: the recent runs of every sync, and one run's page with its counts, error, schema changes, rejected rows and
// checkpoints, updated every second while it runs.
import { h, Fragment } from 'preact';
import { useState } from 'preact/hooks';
import { get, post, can, seg } from './api.js';
import { Status, ErrorBox, Notice, Loading, Table, Json, SchemaChanges, usePoll, useAction, fmtTime, fmtDuration, fmtNumber, fmtBytes } from './ui.js';
import { RunTable } from './syncs.js';

export function RunsPage() {
  const [sync, setSync] = useState('');
  const runs = usePoll(() => get(`/api/v1/runs?limit=200${sync ? `&sync=${seg(sync)}` : ''}`), 3000, [sync]);
  const syncs = usePoll(() => get('/api/v1/syncs'), 0);
  return h('section', null,
    h('h1', null, 'Runs'),
    h('div', { class: 'toolbar' },
      h('label', { class: 'inline' }, 'Sync ',
        h('select', { value: sync, onChange: (e) => setSync(e.target.value) },
          h('option', { value: '' }, 'all syncs'),
          (syncs.data ?? []).map((s) => h('option', { value: s.name, key: s.name }, s.name))))),
    h(ErrorBox, { error: runs.error, title: 'Could not refresh' }),
    runs.data ? h(RunTable, { runs: runs.data, showSync: true }) : h(Loading));
}

const LIVE_MS = 1000;

export function RunPage({ id }) {
  const [live, setLive] = useState(true);
  const run = usePoll(async () => {
    const r = await get(`/api/v1/runs/${seg(id)}`);
    setLive(r.status === 'running' || r.status === 'queued');
    return r;
  }, live ? LIVE_MS : 0, [id]);
  const [notice, setNotice] = useState(null);
  const [act, busy, error] = useAction();
  if (!run.data) return run.error ? h(ErrorBox, { error: run.error }) : h(Loading);
  const r = run.data;
  const running = r.status === 'running';
  const cancel = () => act(async () => {
    const answer = await post(`/api/v1/syncs/${seg(r.sync)}/cancel?run_id=${r.run_id}`);
    setNotice({ text: answer.message });
  });
  return h('section', { 'data-test': 'run-page', 'data-status': r.status },
    h('p', { class: 'crumbs' }, h('a', { href: '#/syncs' }, 'Syncs'), ' / ', h('a', { href: `#/syncs/${seg(r.sync)}` }, r.sync), ' / '),
    h('div', { class: 'page-head' },
      h('h1', null, `Run #${r.run_id} `, h(Status, { status: r.status })),
      running && can('operator') ? h('button', { type: 'button', class: 'danger', disabled: busy, onClick: cancel, 'data-test': 'cancel-run' }, 'Cancel run') : null),
    h(Notice, { notice, onClose: () => setNotice(null) }),
    h(ErrorBox, { error: error ?? run.error, title: error ? 'Cannot cancel' : 'Could not refresh' }),
    h('dl', { class: 'facts' },
      h('dt', null, 'Sync'), h('dd', null, h('a', { href: `#/syncs/${seg(r.sync)}` }, r.sync)),
      h('dt', null, 'Trigger'), h('dd', null, r.trigger),
      h('dt', null, 'Started'), h('dd', null, fmtTime(r.started_at)),
      h('dt', null, running ? 'Running for' : 'Duration'), h('dd', { 'data-test': 'duration' }, running ? fmtDuration(Date.now() - new Date(r.started_at).getTime()) : fmtDuration(r.duration_ms))),
    running ? h(Progress, { run: r }) : null,
    r.error ? h('div', { class: 'error-box', role: 'alert', 'data-test': 'run-error' },
      h('strong', null, 'The run failed'), ' ', r.error_code ? h('code', null, r.error_code) : null, h('p', null, r.error)) : null,
    r.schema_changes.length ? h(Fragment, null, h('h2', null, 'Schema changes'),
      h('p', null, 'The source table changed shape since the destination was built; the sync\'s schema_policy decided what this run did.'),
      h(SchemaChanges, { changes: r.schema_changes, label: 'Schema changes', testId: 'schema-changes' })) : null,
    h('h2', null, 'Counts'),
    h('div', { class: 'tiles', 'data-test': 'counts' },
      // While it runs, the node running it knows more than the counts it saves every two seconds.
      tile('Rows read', r.progress?.rows_read ?? r.rows_read, 'rows_read'),
      tile('Added', r.added, 'added'), tile('Changed', r.changed, 'changed'), tile('Removed', r.removed, 'removed'),
      tile('Written', r.progress?.rows_written ?? r.rows_written, 'rows_written'), tile('Deleted', r.rows_deleted, 'rows_deleted'),
      tile('Rejected', r.rows_rejected, 'rows_rejected', r.rows_rejected > 0)),
    h('p', { class: 'muted' }, 'Added, changed and removed are what a diff run found; written, deleted and rejected are what the destination did.'),
    r.capture_lag_bytes !== null ? h('p', null, `Replication slot lag at the end: ${fmtBytes(r.capture_lag_bytes)}, ${fmtDuration(r.capture_lag_ms)}`) : null,
    h(Rejected, { run: r }),
    h('h2', null, 'Checkpoint'),
    h('div', { class: 'two-col' },
      h('div', null, h('h3', null, 'Before'), h(Json, { value: r.checkpoint_before, testId: 'checkpoint-before' })),
      h('div', null, h('h3', null, 'After'), h(Json, { value: r.checkpoint_after, testId: 'checkpoint-after' }))),
    r.checkpoints.length ? h(Fragment, null, h('h3', null, 'Checkpoints this run saved'),
      h(Table, { head: ['Version', 'Saved', 'Reason', 'Checkpoint'], label: 'Checkpoints' },
        r.checkpoints.map((c) => h('tr', { key: c.version }, h('td', null, c.version), h('td', null, fmtTime(c.created_at)), h('td', null, c.reason),
          h('td', null, h(Json, { value: c.checkpoint })))))) : null);
}

function tile(label, value, test, warn) {
  return h('div', { class: `tile${warn ? ' tile-warn' : ''}` }, h('span', { class: 'tile-label' }, label),
    h('span', { class: 'tile-value', 'data-count': test }, fmtNumber(value)));
}

/** Live progress: the node running it reports every half second, with the source's estimate when it has one. */
function Progress({ run }) {
  const p = run.progress;
  const read = p?.rows_read ?? run.rows_read;
  const written = p?.rows_written ?? run.rows_written;
  const estimate = p?.estimated_rows;
  const percent = estimate ? Math.min(100, Math.round((100 * read) / estimate)) : null;
  return h('div', { class: 'card progress-card', 'data-test': 'progress', 'aria-live': 'polite' },
    h('p', null, `${fmtNumber(read)} rows read, ${fmtNumber(written)} written`, p?.bytes_moved ? `, ${fmtBytes(p.bytes_moved)}` : '',
      estimate ? ` of about ${fmtNumber(estimate)}` : ''),
    percent !== null ? h('progress', { max: 100, value: percent, 'aria-label': 'Rows read of the estimate' }, `${percent}%`) : h('progress', { 'aria-label': 'Running' }));
}

function Rejected({ run }) {
  if (!run.rows_rejected) return null;
  const rows = run.rejected_rows;
  return h(Fragment, null,
    h('h2', null, 'Rejected rows'),
    h('p', null, `The destination refused ${fmtNumber(run.rows_rejected)} ${run.rows_rejected === 1 ? 'row' : 'rows'}`,
      rows.length < run.rows_rejected ? ` (showing the first ${rows.length})` : '',
      '. Each is sent again by the next run; fix the reason, at the source or the destination.'),
    h(Table, { head: ['Change', 'Key', 'Reason'], label: 'Rejected rows', testId: 'rejected-rows' },
      rows.map((x, i) => h('tr', { key: i }, h('td', null, x.change), h('td', null, h('code', null, x.key)), h('td', { class: 'reason' }, x.reason)))));
}
