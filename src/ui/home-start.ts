/**
 * Everything the page requests as it starts, beyond the first chunk: the model (store, sync, signature and rule
 * checks), Home's details, the shell's lazy parts and the service-worker bridge. One dynamic import for all of
 * them, and the build puts their code in one chunk (scripts/start-chunks.mjs): a phone pays one request, not
 * thirty, for what every visit loads anyway. Anything else is lazy and stays in chunks of its own.
 */
export { AppModel } from './app-model';
export { CheckOutReminder } from './components/CheckOutReminder';
export { ExposureAlert, HomeSyncLine } from './components/SyncStatus';
export { UpdateBanner } from './components/UpdateBanner';
export { HomeDetails, HomeNotices } from './screens/HomeDetails';
export { registerServiceWorker } from './sw-bridge';
