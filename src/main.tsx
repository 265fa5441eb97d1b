import { render } from 'preact';
import { App } from './ui/App';
import { AppModel } from './ui/app-model';
import { applyLang } from './ui/i18n';
import { registerServiceWorker } from './ui/sw-bridge';
import './ui/styles.css';

applyLang();
const model = new AppModel();
void model.start();
render(<App model={model} />, document.getElementById('app') as HTMLElement);
registerServiceWorker();
