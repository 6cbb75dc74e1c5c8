// Connections: the list with check and discover, and a form built from each connector's configuration spec.
// Secret fields are write-only: the server never sends them back, and leaving one empty keeps what is stored.
import { h, Fragment } from 'preact';
import { useState } from 'preact/hooks';
import { get, post, put, can, seg } from './api.js';
import { ErrorBox, Loading, Table, Field, usePoll, useAction, estimate, fieldMessage } from './ui.js';
import { CheckPanel } from './syncs.js';

/** The stored-secret placeholder: sent back unchanged, it tells the server to keep the stored value. */
const KEEP = '********';

export function ConnectionsPage() {
  const connections = usePoll(() => get('/api/v1/connections'), 0);
  const [tool, setTool] = useState(null);
  if (!connections.data) return connections.error ? h(ErrorBox, { error: connections.error }) : h(Loading);
  const toggle = (kind, name) => setTool(tool?.kind === kind && tool.name === name ? null : { kind, name });
  return h('section', null,
    h('div', { class: 'page-head' }, h('h1', null, 'Connections'),
      can('admin') ? h('a', { class: 'button primary', href: '#/new-connection', 'data-test': 'new-connection' }, 'New connection') : null),
    connections.data.length === 0 ? h('p', { class: 'empty' }, 'No connections yet.') :
      h(Table, { head: ['Connection', 'Type', 'Settings', ''], label: 'Connections', testId: 'connections' },
        connections.data.map((c) => h('tr', { key: c.name, 'data-connection': c.name },
          h('td', null, can('admin') ? h('a', { href: `#/connections/${seg(c.name)}` }, c.name) : c.name),
          h('td', null, c.settings.type),
          h('td', { class: 'muted' }, Object.entries(c.settings).filter(([k]) => k !== 'type').map(([k, v]) => `${k}: ${v}`).join(' · ')),
          h('td', null, can('operator') ? h('div', { class: 'row-actions' },
            h('button', { type: 'button', class: 'small', 'aria-pressed': tool?.kind === 'check' && tool.name === c.name, onClick: () => toggle('check', c.name), 'data-test': 'check-connection' }, 'Check'),
            h('button', { type: 'button', class: 'small', 'aria-pressed': tool?.kind === 'discover' && tool.name === c.name, onClick: () => toggle('discover', c.name), 'data-test': 'discover' }, 'Discover')) : null)))),
    tool?.kind === 'check' ? h(Fragment, null, h('h2', null, `Check: ${tool.name}`), h(CheckPanel, { path: `/api/v1/connections/${seg(tool.name)}/check`, key: tool.name })) : null,
    tool?.kind === 'discover' ? h(Discover, { name: tool.name, key: tool.name }) : null);
}

/** What the source offers: tables, columns, keys, cursor candidates and the sync types each supports. */
function Discover({ name }) {
  const found = usePoll(() => post(`/api/v1/connections/${seg(name)}/discover`), 0, [name]);
  return h('div', { class: 'panel', 'data-test': 'discover-panel' },
    h('h2', null, `Discover: ${name}`),
    !found.data ? (found.error ? h(ErrorBox, { error: found.error, title: 'Cannot discover' }) : h(Loading)) :
      found.data.length === 0 ? h('p', { class: 'empty' }, 'No tables found.') :
        found.data.map((s) => h('details', { key: s.stream, class: 'stream' },
          h('summary', null, h('strong', null, s.stream), ` · ${s.columns.length} columns${estimate(s)} · key (${s.primary_key.join(', ') || 'none'})`),
          h('p', null, 'Sync types: ', s.sync_types.join(', '), s.cursor_candidates.length ? ` · cursor candidates: ${s.cursor_candidates.join(', ')}` : ''),
          h(Table, { head: ['Column', 'Type', 'Native type', 'Nullable'], label: `Columns of ${s.stream}` },
            s.columns.map((c) => h('tr', { key: c.name }, h('td', null, c.name, s.primary_key.includes(c.name) ? ' 🔑' : ''), h('td', null, c.type),
              h('td', { class: 'muted' }, c.native_type), h('td', null, c.nullable ? 'yes' : 'no')))))));
}

/** Create ({@code name} null) or edit a connection, with one input per field of the connector's spec. */
export function ConnectionFormPage({ name }) {
  const connectors = usePoll(() => get('/api/v1/connectors'), 0);
  const existing = usePoll(() => (name ? get(`/api/v1/connections/${seg(name)}`) : Promise.resolve(null)), 0, [name]);
  // A connection that cannot be loaded must not become an empty "new" form that would overwrite it on save.
  if (connectors.error || existing.error) return h(ErrorBox, { error: connectors.error ?? existing.error });
  if (!connectors.data || existing.loading) return h(Loading);
  if (!can('admin')) return h('p', null, 'Editing connections needs an admin token.');
  return h(ConnectionForm, { connectors: connectors.data, existing: existing.data });
}

function ConnectionForm({ connectors, existing }) {
  const stored = existing?.settings ?? {};
  const [name, setName] = useState(existing?.name ?? '');
  const [type, setType] = useState(stored.type ?? connectors[0]?.type ?? '');
  const [values, setValues] = useState(() => Object.fromEntries(Object.entries(stored).filter(([k, v]) => k !== 'type' && v !== KEEP).map(([k, v]) => [k, String(v)])));
  const [act, busy, error] = useAction();
  const spec = connectors.find((c) => c.type === type);
  const submit = (event) => {
    event.preventDefault();
    act(async () => {
      const settings = { type };
      for (const f of spec.fields) {
        const value = values[f.name];
        if (f.secret && !value && stored[f.name] !== undefined && stored.type === type) settings[f.name] = stored[f.name];
        // Numbers go as numbers; anything else (a ${ENV} reference) as typed, for the server to resolve or refuse.
        else if (value !== undefined && value !== '') settings[f.name] = f.type === 'integer' && /^-?\d+$/.test(value) ? Number(value) : f.type === 'boolean' ? value === 'true' : value;
      }
      await put(`/api/v1/connections/${seg(name)}`, settings);
      location.hash = '#/connections';
    });
  };
  return h('section', null,
    h('p', { class: 'crumbs' }, h('a', { href: '#/connections' }, 'Connections'), ' / '),
    h('h1', null, existing ? `Edit ${existing.name}` : 'New connection'),
    h('form', { class: 'form card', onSubmit: submit, 'data-test': 'connection-form' },
      h(Field, { label: 'Name', hint: 'letters, digits, _ and -' },
        h('input', { name: 'name', required: true, readOnly: !!existing, pattern: '[A-Za-z_][A-Za-z0-9_\\-]{0,127}', value: name, onInput: (e) => setName(e.target.value) })),
      h(Field, { label: 'Type' },
        h('select', { name: 'type', value: type, disabled: !!existing, onChange: (e) => setType(e.target.value) },
          connectors.map((c) => h('option', { value: c.type, key: c.type }, `${c.type} (${c.capabilities.filter((x) => x === 'source' || x === 'destination').join(', ')})`)))),
      spec ? spec.fields.map((f) => h(Field, {
        key: `${type}.${f.name}`, label: `${f.name}${f.required ? ' *' : ''}`, error: fieldMessage(error, f.name),
        hint: [f.description, f.default !== null ? `default ${f.default}` : null, f.secret ? (stored[f.name] !== undefined ? 'write-only: leave empty to keep the stored value' : 'write-only: never shown again; ${ENV_VAR} references work') : null].filter(Boolean).join(' · '),
      }, input(f, values[f.name] ?? '', (v) => setValues({ ...values, [f.name]: v }), stored[f.name] !== undefined))) : null,
      h(ErrorBox, { error, title: 'Not saved' }),
      h('button', { type: 'submit', class: 'primary', disabled: busy, 'data-test': 'save-connection' }, busy ? 'Saving…' : 'Save')));
}

function input(field, value, onChange, hasStored) {
  const common = { name: field.name, value, onInput: (e) => onChange(e.target.value), 'data-field': field.name };
  if (field.type === 'boolean') {
    return h('select', { ...common, onChange: (e) => onChange(e.target.value) },
      h('option', { value: '' }, field.default !== null ? `default (${field.default})` : '—'), h('option', { value: 'true' }, 'true'), h('option', { value: 'false' }, 'false'));
  }
  if (field.secret) return h('input', { ...common, type: 'password', autocomplete: 'new-password', placeholder: hasStored ? 'unchanged' : '', required: field.required && !hasStored });
  return h('input', { ...common, type: 'text', inputmode: field.type === 'integer' ? 'numeric' : undefined, required: field.required, placeholder: field.default ?? '' });
}
