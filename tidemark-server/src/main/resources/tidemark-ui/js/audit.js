// The audit trail: who changed what and who ran which operation, filterable, newest first, and as CSV.
import { h } from 'preact';
import { useState } from 'preact/hooks';
import { get, download } from './api.js';
import { ErrorBox, Loading, Table, Json, usePoll, useAction, fmtTime } from './ui.js';

/** Events shown at first and added by each "Show more"; the CSV has every event that matches. */
const PAGE = 200;
/** The API's largest page; beyond it, the CSV. */
const MAX = 10000;

export function AuditPage() {
  const [filters, setFilters] = useState({ target: '', actor: '', since: '' });
  const [applied, setApplied] = useState(filters);
  const [shown, setShown] = useState(PAGE);
  const [act, busy, error] = useAction();
  const query = () => {
    const q = new URLSearchParams();
    if (applied.target) q.set('target', applied.target);
    if (applied.actor) q.set('actor', applied.actor);
    if (applied.since) q.set('since', new Date(applied.since).toISOString());
    return q;
  };
  const events = usePoll(() => get(`/api/v1/audit?${query()}&limit=${shown}&order=newest_first`), 0, [JSON.stringify(applied), shown]);
  const set = (field) => (e) => setFilters({ ...filters, [field]: e.target.value });
  const newest = events.data ?? [];
  return h('section', null,
    h('div', { class: 'page-head' }, h('h1', null, 'Audit trail'),
      h('button', { type: 'button', disabled: busy, onClick: () => act(() => download(`/api/v1/audit.csv?${query()}&order=newest_first`, 'tidemark-audit.csv')), 'data-test': 'audit-csv' }, 'Download CSV')),
    h('form', { class: 'toolbar filters', onSubmit: (e) => { e.preventDefault(); setShown(PAGE); setApplied(filters); } },
      h('label', { class: 'inline' }, 'Target ', h('input', { type: 'text', value: filters.target, onInput: set('target'), placeholder: 'sync/orders', 'data-test': 'filter-target' })),
      h('label', { class: 'inline' }, 'Actor ', h('input', { type: 'text', value: filters.actor, onInput: set('actor'), placeholder: 'token name', 'data-test': 'filter-actor' })),
      h('label', { class: 'inline' }, 'Since ', h('input', { type: 'datetime-local', value: filters.since, onInput: set('since') })),
      h('button', { type: 'submit', 'data-test': 'apply-filters' }, 'Filter')),
    h(ErrorBox, { error: error ?? events.error }),
    !events.data ? (events.error ? null : h(Loading)) : newest.length === 0 ? h('p', { class: 'empty' }, 'Nothing recorded matches.') : h('div', null,
      h(Table, { head: ['When', 'Actor', 'Action', 'Target', 'Detail', 'Change'], label: 'Audit events', testId: 'audit' },
        newest.map((e) => h('tr', { key: e.id },
          h('td', null, fmtTime(e.at)), h('td', null, e.actor), h('td', null, e.action), h('td', null, h('code', null, e.target)),
          h('td', null, e.detail ?? ''),
          h('td', null, e.before || e.after ? h('details', null, h('summary', null, 'before / after'),
            h('div', { class: 'two-col' }, h(Json, { value: e.before }), h(Json, { value: e.after }))) : '')))),
      newest.length === shown && shown < MAX ? h('button', { type: 'button', onClick: () => setShown(Math.min(MAX, shown + PAGE)) }, 'Show older events') : null));
}
