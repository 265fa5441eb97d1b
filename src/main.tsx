import { render } from 'preact';
import { App } from './ui/App';
import { applyLang } from './ui/i18n';
import './ui/styles.css';

// The model (IndexedDB store, sync, signature and rule checks) is a chunk of its own, requested at once and
// loaded while the shell paints: the scan button never waits for it (docs/BENCHMARKS.md, first load).
const model = import('./ui/app-model').then(({ AppModel }) => {
  const m = new AppModel();
  void m.start();
  return m;
});
// Only an English user waits, for the English strings: no flash of Indonesian.
await applyLang();
render(<App model={model} />, document.getElementById('app') as HTMLElement);
// The service-worker bridge (workbox-window) is a lazy chunk too; registering can wait for the first paint.
import('./ui/sw-bridge').then(
  (sw) => sw.registerServiceWorker(),
  () => {
    // Not loadable (offline before anything was cached): the app runs online-only this time.
  },
);
