/** Every code the UI can be asked to put into words. Adding a code anywhere breaks the build until translated. */

import type { ReasonCode } from '../../core/eligibility';
import type { ErrorCode } from '../../core/errors';
import type { ScanErrorCode } from '../../scan/camera-scanner';
import type { StoreErrorCode } from '../../store';
import type { SyncErrorCode } from '../../sync/bundle-pull';

export type AppErrorCode = ErrorCode | StoreErrorCode | ScanErrorCode | SyncErrorCode;
export type { ReasonCode };
