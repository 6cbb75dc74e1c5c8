// Small building blocks shared by every page: formatting, status badges, errors, dialogs, polling.
import { h } from 'preact';
import { useEffect, useRef, useState, useCallback } from 'preact/hooks';

export const fmtNumber = (n) => (n === null || n === undefined ? '–' : Number(n).toLocaleString('en-US'));

/** A discovered table's row estimate, when the source has one (a negative estimate means it has none). */
export const estimate = (stream) => (stream.estimated_rows >= 0 ? ` · about ${fmtNumber(stream.estimated_rows)} rows` : '');

export function fmtTime(iso) {
  if (!iso) return '–';
  const d = new Date(iso);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function fmtDuration(ms) {
  if (ms === null || ms === undefined) return '–';
  if (ms < 1000) return `${ms} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.round(s % 60)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function fmtAgo(iso, now = Date.now()) {
  if (!iso) return 'never';
  const s = Math.round((now - new Date(iso).getTime()) / 1000);
  const future = s < 0;
  const a = Math.abs(s);
  const text = a < 60 ? `${a} s` : a < 3600 ? `${Math.round(a / 60)} min` : a < 86400 ? `${Math.round(a / 3600)} h` : `${Math.round(a / 86400)} d`;
  return future ? `in ${text}` : `${text} ago`;
}

export function fmtBytes(n) {
  if (n === null || n === undefined) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = Number(n);
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

const STATUS_LABELS = {
  succeeded: 'succeeded', succeeded_with_rejections: 'rejections', failed: 'failed', cancelled: 'cancelled',
  running: 'running', paused: 'paused', never: 'never run',
};

/** A run's or sync's status as a coloured badge with its name in words (colour is never the only signal). */
export function Status({ status }) {
  return h('span', { class: `badge badge-${status}`, 'data-status': status }, STATUS_LABELS[status] ?? status);
}

/** An API error: the message, then each field's problem. */
export function ErrorBox({ error, title }) {
  if (!error) return null;
  return h('div', { class: 'error-box', role: 'alert' },
    h('strong', null, title ?? 'Error'), ' ', error.code ? h('code', null, error.code) : null,
    h('p', null, error.message),
    error.errors?.length ? h('ul', null, error.errors.map((e) => h('li', { key: e.field + e.message }, h('code', null, e.field), ': ', e.message))) : null);
}

/** A short-lived message for the outcome of an action, read out by screen readers. */
export function Notice({ notice, onClose }) {
  if (!notice) return null;
  return h('div', { class: `notice notice-${notice.kind ?? 'info'}`, role: 'status' },
    h('span', null, notice.text), h('button', { type: 'button', class: 'link', onClick: onClose, 'aria-label': 'Dismiss' }, '×'));
}

/**
 * A modal dialog on the native {@code <dialog>} element: focus is trapped, Escape cancels. {@code confirmText},
 * when given, must be typed before the confirm button works (for operations that delete data).
 */
export function Dialog({ title, children, confirmLabel, danger, confirmText, onConfirm, onClose, busy, error }) {
  const ref = useRef(null);
  const [typed, setTyped] = useState('');
  useEffect(() => {
    const dialog = ref.current;
    dialog.showModal();
    const cancel = (event) => { event.preventDefault(); onClose(); };
    dialog.addEventListener('cancel', cancel);
    return () => { dialog.removeEventListener('cancel', cancel); if (dialog.open) dialog.close(); };
  }, []);
  const blocked = busy || (confirmText && typed !== confirmText);
  return h('dialog', { ref, class: 'dialog', 'aria-labelledby': 'dialog-title' },
    h('form', { method: 'dialog', onSubmit: (event) => { event.preventDefault(); if (!blocked) onConfirm(); } },
      h('h2', { id: 'dialog-title' }, title),
      h('div', { class: 'dialog-body' }, children),
      h(ErrorBox, { error, title: 'The operation failed' }),
      confirmText ? h('label', { class: 'field' }, h('span', null, `Type ${confirmText} to confirm`),
        h('input', { type: 'text', value: typed, onInput: (event) => setTyped(event.target.value), autocomplete: 'off', 'data-test': 'confirm-text' })) : null,
      h('div', { class: 'dialog-actions' },
        h('button', { type: 'button', onClick: onClose }, 'Cancel'),
        onConfirm ? h('button', { type: 'submit', class: danger ? 'danger' : 'primary', disabled: blocked, 'data-test': 'confirm' }, confirmLabel ?? 'OK') : null)));
}

/**
 * Loads data now and again every {@code intervalMs} while the page is visible; {@code reload} fetches at once.
 * Keeps showing the last good data when a refresh fails, with the error beside it.
 */
export function usePoll(load, intervalMs, deps = []) {
  const [state, setState] = useState({ data: null, error: null, loading: true });
  const generation = useRef(0);
  const reload = useCallback(async () => {
    const mine = ++generation.current;
    try {
      const data = await load();
      if (mine === generation.current) setState({ data, error: null, loading: false });
    } catch (error) {
      if (mine === generation.current) setState((s) => ({ data: s.data, error, loading: false }));
    }
  }, deps);
  useEffect(() => {
    setState({ data: null, error: null, loading: true });
    reload();
    return () => { generation.current++; };
  }, [reload]);
  // Changing only the interval (a run that ended stops polling) keeps the data shown. The next request waits for
  // the previous answer, so a slow server is never asked faster than it answers.
  useEffect(() => {
    if (!intervalMs) return undefined;
    let stopped = false;
    let timer;
    const tick = async () => {
      if (!document.hidden) await reload();
      if (!stopped) timer = setTimeout(tick, intervalMs);
    };
    timer = setTimeout(tick, intervalMs);
    return () => { stopped = true; clearTimeout(timer); };
  }, [reload, intervalMs]);
  return { ...state, reload };
}

/** Runs an action once at a time and keeps its error; returns [run, busy, error, clearError]. */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const run = useCallback(async (action) => {
    setBusy(true);
    setError(null);
    try {
      return await action();
    } catch (e) {
      setError(e);
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  return [run, busy, error, () => setError(null)];
}

export const Loading = () => h('p', { class: 'muted', 'aria-busy': 'true' }, 'Loading…');

/** A table that scrolls sideways on narrow screens instead of squeezing its columns. */
export function Table({ head, children, label, testId }) {
  return h('div', { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': label },
    h('table', { 'data-test': testId },
      h('thead', null, h('tr', null, head.map((c) => h('th', { scope: 'col', key: c }, c)))),
      h('tbody', null, children)));
}

/** Pretty JSON, for checkpoints, settings and API answers. */
export const Json = ({ value, testId }) => h('pre', { class: 'json', 'data-test': testId }, value === null || value === undefined ? '–'
  : typeof value === 'string' ? prettyIfJson(value) : JSON.stringify(value, null, 2));

function prettyIfJson(text) {
  try { return JSON.stringify(JSON.parse(text), null, 2); } catch { return text; }
}

/**
 * The server's message for one form field: from the error's per-field list (paths such as
 * {@code connections.crm.password} match {@code password}), else the error's own message when it names that field.
 */
export function fieldMessage(error, field) {
  const names = (path) => path === field || (path ?? '').endsWith(`.${field}`);
  return error?.errors?.find((x) => names(x.field))?.message ?? (names(error?.field) ? error.message : null);
}

/** Label and control stacked, with an optional hint and the field's error from the server. */
export function Field({ label, hint, error, children }) {
  return h('label', { class: `field${error ? ' field-invalid' : ''}` },
    h('span', null, label), children, hint ? h('small', { class: 'muted' }, hint) : null,
    error ? h('small', { class: 'field-error', role: 'alert' }, error) : null);
}

/**
 * Source schema changes (a run's, or those the next run would meet), each in the engine's words: the change and what
 * the sync's schema_policy does with it. The words come from the server, so a kind or action this page does not know
 * still shows.
 */
export function SchemaChanges({ changes, label, testId }) {
  return h('ul', { class: 'schema-changes', 'aria-label': label, 'data-test': testId },
    changes.map((c, i) => h('li', { key: i, 'data-kind': c.kind, 'data-action': c.action }, c.description)));
}

/** Text from the engine with `commands` in backticks, the commands set as code. */
export const Words = ({ text }) => text.split('`').map((part, i) => (i % 2 ? h('code', { key: i }, part) : part));
