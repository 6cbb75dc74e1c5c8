// The Tidemark web UI: a login with an API token, then pages addressed by the URL's hash (#/syncs/orders), so
// every page can be bookmarked and the browser's back button works. Pages fetch what they show from the REST API.
import { h, render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { session, login, logout, whenLoggedOut } from './api.js';
import { ErrorBox } from './ui.js';
import { SyncsPage, SyncPage, NewSyncPage } from './syncs.js';
import { RunsPage, RunPage } from './runs.js';
import { ConnectionsPage, ConnectionFormPage } from './connections.js';
import { AuditPage } from './audit.js';

const NAV = [['#/syncs', 'Syncs'], ['#/runs', 'Runs'], ['#/connections', 'Connections'], ['#/audit', 'Audit trail']];

/** The page for a hash such as {@code #/syncs/orders}, and the nav entry it belongs to. */
function route(hash) {
  let parts;
  try {
    parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    return [NotFound, { hash }, null]; // malformed escapes in a typed or pasted address
  }
  const [section, name, extra] = parts;
  if (extra !== undefined) return [NotFound, { hash }, null];
  switch (section) {
    case 'runs': return name ? [RunPage, { id: name }, '#/runs'] : [RunsPage, {}, '#/runs'];
    case 'connections': return name === undefined ? [ConnectionsPage, {}, '#/connections'] : [ConnectionFormPage, { name }, '#/connections'];
    // "new-…" cannot be an entry's name in a section (names never hold a slash), so no entry is ever shadowed.
    case 'new-connection': return [ConnectionFormPage, { name: null }, '#/connections'];
    case 'new-sync': return [NewSyncPage, {}, '#/syncs'];
    case 'audit': return [AuditPage, {}, '#/audit'];
    case 'syncs':
    case undefined: return name === undefined ? [SyncsPage, {}, '#/syncs'] : [SyncPage, { name }, '#/syncs'];
    default: return [NotFound, { hash }, null];
  }
}

function useHash() {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const changed = () => setHash(location.hash);
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  return hash;
}

function NotFound({ hash }) {
  return h('section', null, h('h1', null, 'No such page'), h('p', null, `Nothing lives at ${hash}. `, h('a', { href: '#/syncs' }, 'Go to the syncs.')));
}

function Login({ onLogin }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(token.trim());
      onLogin();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return h('main', { class: 'login', id: 'main' },
    h('form', { class: 'card login-card', onSubmit: submit, 'data-test': 'login' },
      h('h1', null, 'Tidemark'),
      h('p', null, 'Log in with an API token. An admin creates one with ', h('code', null, 'tidemark token create NAME --scope read-only|operator|admin'), '.'),
      h('label', { class: 'field' }, h('span', null, 'API token'),
        h('input', { type: 'password', name: 'token', autocomplete: 'current-password', required: true, value: token, onInput: (e) => setToken(e.target.value), autofocus: true })),
      h(ErrorBox, { error, title: 'Cannot log in' }),
      h('button', { type: 'submit', class: 'primary', disabled: busy }, busy ? 'Checking…' : 'Log in')));
}

function Shell({ hash }) {
  const [Page, props, section] = route(hash);
  useEffect(() => { document.getElementById('main')?.focus({ preventScroll: true }); }, [hash]);
  return h('div', { class: 'shell' },
    h('a', { class: 'skip', href: '#main', onClick: (e) => { e.preventDefault(); document.getElementById('main').focus(); } }, 'Skip to content'),
    h('header', { class: 'topbar' },
      h('a', { class: 'brand', href: '#/syncs' }, 'Tidemark'),
      h('nav', { 'aria-label': 'Main' }, NAV.map(([href, label]) =>
        h('a', { href, key: href, 'aria-current': section === href ? 'page' : undefined }, label))),
      h('div', { class: 'who' },
        h('span', { 'data-test': 'who' }, session.name, ' · ', h('span', { class: 'scope' }, session.scope)),
        h('button', { type: 'button', class: 'link', onClick: logout }, 'Log out'))),
    h('main', { id: 'main', tabindex: -1 }, h(Page, { ...props, key: hash })));
}

function App() {
  const hash = useHash();
  const [state, setState] = useState(session.token ? 'checking' : 'out');
  useEffect(() => {
    whenLoggedOut(() => setState('out'));
    if (session.token) login(session.token).then(() => setState('in'), () => setState('out'));
  }, []);
  if (state === 'checking') return h('p', { class: 'muted' }, 'Loading…');
  if (state === 'out') return h(Login, { onLogin: () => setState('in') });
  return h(Shell, { hash });
}

render(h(App), document.getElementById('app'));
