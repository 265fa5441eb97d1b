/**
 * Settings → "Data" (storage protection and usage, export, import, delete all) and "Certificates" (the wallet
 * with delete, and the recycle bin with restore). Deleting everything goes through `delete-all.ts` only.
 */
import { useEffect, useState } from 'preact/hooks';
import { holderNameOf } from '../../core/held-certificate';
import type { StoredCertificate, StoreErrorCode } from '../../store';
import { type DeleteStep, deleteAllData } from '../delete-all';
import { formatBytes, formatWhen } from '../format';
import { useI18n } from '../i18n';
import { useApp, useModel, useNow } from '../model-context';

interface Estimate {
  readonly usage: number;
  readonly quota: number;
}

/** navigator.storage.estimate(), read again whenever `deps` change (the stored data changed). */
function useStorageEstimate(deps: readonly unknown[]): Estimate | undefined {
  const [estimate, setEstimate] = useState<Estimate | undefined>(undefined);
  useEffect(() => {
    let live = true;
    navigator.storage
      ?.estimate?.()
      .then((e) => {
        if (live && e.usage !== undefined && e.quota !== undefined) setEstimate({ usage: e.usage, quota: e.quota });
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, deps);
  return estimate;
}

function exportFileName(): string {
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `singgah-export-${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}.json`;
}

type ImportResult =
  | { readonly kind: 'done'; readonly certificates: number; readonly checkins: number }
  | { readonly kind: 'error'; readonly code?: StoreErrorCode };

type DeleteState =
  | { readonly kind: 'idle' }
  | { readonly kind: 'confirm' }
  | { readonly kind: 'deleting' }
  | { readonly kind: 'done'; readonly failed: readonly DeleteStep[] };

export function DataSection() {
  const { t, lang, errorText } = useI18n();
  const app = useApp();
  const model = useModel();
  const estimate = useStorageEstimate([app.certificates, app.checkins, app.recycleBin]);
  const [exportState, setExportState] = useState<{ ok: true } | { ok: false; code: StoreErrorCode } | undefined>();
  const [importing, setImporting] = useState(false);
  const [imported, setImported] = useState<ImportResult | undefined>();
  const [del, setDel] = useState<DeleteState>({ kind: 'idle' });

  async function onExport() {
    const r = await model.exportData();
    if (!r.ok) {
      setExportState({ ok: false, code: r.error.code });
      return;
    }
    const blob = new Blob([JSON.stringify(r.value, null, 2)], { type: 'application/json' });
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = exportFileName();
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    setExportState({ ok: true });
  }

  async function onImport(e: Event) {
    const input = e.currentTarget as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return;
    setImporting(true);
    setImported(undefined);
    try {
      const text = await file.text();
      const r = await model.importData(text);
      setImported(
        r.ok
          ? { kind: 'done', certificates: r.value.certificates, checkins: r.value.checkins }
          : { kind: 'error', code: r.error.code },
      );
    } catch {
      setImported({ kind: 'error' });
    } finally {
      setImporting(false);
      input.value = '';
    }
  }

  async function onDeleteAll() {
    setDel({ kind: 'deleting' });
    const r = await deleteAllData(() => model.wipe());
    setDel({ kind: 'done', failed: r.failed });
  }

  if (del.kind === 'done') {
    return (
      <section class="card" aria-labelledby="data-title">
        <h2 id="data-title">{t('data.title')}</h2>
        {del.failed.length === 0 ? (
          <p class="success" role="status" data-testid="delete-all-done">
            {t('data.deleted')}
          </p>
        ) : (
          <p class="error" role="alert" data-testid="delete-all-failed" data-steps={del.failed.join(' ')}>
            {t('data.deleteFailed', { steps: del.failed.join(', ') })}
          </p>
        )}
      </section>
    );
  }

  return (
    <section class="card" aria-labelledby="data-title">
      <h2 id="data-title">{t('data.title')}</h2>
      <p data-testid="storage-persisted" data-persisted={app.persisted ? 'true' : 'false'}>
        <strong>{app.persisted ? t('data.persistOn') : t('data.persistOff')}</strong>
      </p>
      <p class="muted">{app.persisted ? t('storage.persisted') : t('storage.notPersisted')}</p>
      <p data-testid="storage-estimate">
        {estimate
          ? t('data.usage', { used: formatBytes(estimate.usage, lang), quota: formatBytes(estimate.quota, lang) })
          : t('data.usageUnknown')}
      </p>
      <p data-testid="quarantine-count" data-count={app.quarantineCount}>
        {app.quarantineCount > 0 ? t('data.quarantine', { n: app.quarantineCount }) : t('data.quarantineNone')}
      </p>

      <div class="data-action">
        <button type="button" class="button" data-testid="export-data" onClick={() => void onExport()}>
          {t('data.export')}
        </button>
        <p class="muted">{t('data.exportHint')}</p>
        {exportState && (
          <p
            class={exportState.ok ? 'muted' : 'error'}
            role="status"
            data-testid="export-result"
            data-code={exportState.ok ? undefined : exportState.code}
          >
            {exportState.ok ? t('data.exportDone') : t('data.exportError', { reason: errorText(exportState.code) })}
          </p>
        )}
      </div>

      <div class="data-action">
        <label for="import-data" class="file-label">
          {t('data.import')}
        </label>
        <input
          id="import-data"
          type="file"
          accept="application/json,.json"
          data-testid="import-data"
          disabled={importing}
          onChange={(e) => void onImport(e)}
        />
        {imported && (
          <p
            class={imported.kind === 'done' ? 'success' : 'error'}
            role="status"
            data-testid="import-data-result"
            data-kind={imported.kind}
            data-code={imported.kind === 'error' ? imported.code : undefined}
          >
            {imported.kind === 'done'
              ? t('data.importDone', { certificates: imported.certificates, checkins: imported.checkins })
              : imported.code
                ? t('data.importError', { reason: errorText(imported.code) })
                : t('data.importReadError')}
          </p>
        )}
      </div>

      <div class="data-action">
        {del.kind === 'idle' ? (
          <button
            type="button"
            class="button button--danger"
            data-testid="delete-all"
            onClick={() => setDel({ kind: 'confirm' })}
          >
            {t('data.deleteAll')}
          </button>
        ) : (
          <div>
            <p id="delete-all-warning" class="warning">
              {t('data.deleteAllWarning')}
            </p>
            <div class="button-row">
              <button
                type="button"
                class="button button--danger"
                data-testid="delete-all-confirm"
                disabled={del.kind === 'deleting'}
                onClick={() => void onDeleteAll()}
              >
                {del.kind === 'deleting' ? t('data.deleting') : t('data.deleteAllConfirm')}
              </button>
              <button
                type="button"
                class="button"
                disabled={del.kind === 'deleting'}
                onClick={() => setDel({ kind: 'idle' })}
              >
                {t('data.cancel')}
              </button>
            </div>
          </div>
        )}
      </div>
    </section>
  );
}

function CertificateLine({ c }: { c: StoredCertificate }) {
  const { t } = useI18n();
  return (
    <div class="list__main">
      <span class="truncate-lines person__name" data-testid="certificate-holder-name">
        {holderNameOf(c.signed)}
      </span>
      <span class="muted">{t(`kind.${c.record.kind}`)}</span>
    </div>
  );
}

export function WalletSection() {
  const { t } = useI18n();
  const app = useApp();
  const model = useModel();
  const [busy, setBusy] = useState(false);

  async function act(f: () => Promise<unknown>) {
    setBusy(true);
    try {
      await f();
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="card" aria-labelledby="wallet-title">
      <h2 id="wallet-title">{t('wallet.title')}</h2>
      {app.certificates.length === 0 ? (
        <p class="muted">{t('wallet.none')}</p>
      ) : (
        <ul class="list">
          {app.certificates.map((c) => (
            <li key={c.record.contentId} class="list__item" data-testid="wallet-certificate">
              <CertificateLine c={c} />
              <CertificateAction
                c={c}
                testId="certificate-delete"
                label={t('wallet.delete')}
                disabled={busy}
                onClick={() => void act(() => model.deleteCertificate(c.record.contentId))}
              />
            </li>
          ))}
        </ul>
      )}

      <RecycleBin />
    </section>
  );
}

/**
 * The recycle bin: certificates deleted in the last 30 days, each with "restore". Shown in Settings and in the
 * wallet (the one copy of this list).
 */
export function RecycleBin({ headingLevel = 3 }: { headingLevel?: 2 | 3 }) {
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  const { t, lang } = useI18n();
  const app = useApp();
  const model = useModel();
  const now = useNow();
  const [busy, setBusy] = useState(false);

  async function restore(contentId: string) {
    setBusy(true);
    try {
      await model.restoreCertificate(contentId);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <Heading id="bin-title">{t('wallet.bin')}</Heading>
      <p class="muted">{t('wallet.binNote')}</p>
      {app.recycleBin.length === 0 ? (
        <p class="muted">{t('wallet.binEmpty')}</p>
      ) : (
        <ul class="list" aria-labelledby="bin-title">
          {app.recycleBin.map((c) => (
            <li key={c.record.contentId} class="list__item" data-testid="recycle-bin-item">
              <div class="list__main">
                <CertificateLine c={c} />
                {c.record.deletedAt !== undefined && (
                  <span class="muted">
                    {t('wallet.deletedAt', { time: formatWhen(c.record.deletedAt, now, lang) })}
                  </span>
                )}
              </div>
              <CertificateAction
                c={c}
                testId="certificate-restore"
                label={t('wallet.restore')}
                disabled={busy}
                onClick={() => void restore(c.record.contentId)}
              />
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

/** A button acting on one certificate; screen readers hear whose certificate and which kind. */
export function CertificateAction(props: {
  c: StoredCertificate;
  testId: string;
  label: string;
  disabled: boolean;
  onClick: () => void;
}) {
  const { t } = useI18n();
  const { kind } = props.c.record;
  return (
    <button type="button" class="button" data-testid={props.testId} disabled={props.disabled} onClick={props.onClick}>
      {props.label}
      <span class="visually-hidden">
        {' '}
        ({holderNameOf(props.c.signed)}, {t(`kind.${kind}`)})
      </span>
    </button>
  );
}
