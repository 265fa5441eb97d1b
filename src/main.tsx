import { render } from 'preact';
import { App } from './ui/App';
import { applyLang } from './ui/i18n';
import './ui/styles.css';

// The model (IndexedDB store, sync, signature and rule checks), with the rest of what Home shows, is one chunk
// (ui/home-start.ts), requested at once and loaded while the shell paints: the scan button never waits for it.
const start = import('./ui/home-start');
const model = start.then(({ AppModel }) => {
  const m = new AppModel();
  void m.start();
  return m;
});
// Only an English user waits, for the English strings: no flash of Indonesian.
await applyLang();
render(<App model={model} />, document.getElementById('app') as HTMLElement);
// The service-worker bridge arrives with that chunk; registering can wait for the first paint.
start.then(
  (sw) => sw.registerServiceWorker(),
  () => {
    // Not loadable (offline before anything was cached): the app runs online-only this time.
  },
);
