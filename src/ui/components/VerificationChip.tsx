/**
 * Whether a certificate's signature verifies, in any format (Singgah, EU DCC, SMART Health Card): icon shape +
 * words, never colour alone. A valid signature says who issued it, nothing about health: neutral, so a
 * positive test never looks "green".
 */
import type { ComponentChildren } from 'preact';
import { OutcomeIcon } from './Icons';

export type VerificationState = 'verified' | 'unverifiable' | 'invalid';

const OUTCOME_OF = { verified: 'ALLOWED', unverifiable: 'CANNOT_VERIFY', invalid: 'DENIED' } as const;
const CHIP_OF = { verified: 'chip--neutral', unverifiable: 'chip--unknown', invalid: 'chip--red' } as const;

export function VerificationChip(props: { state: VerificationState; testId: string; children: ComponentChildren }) {
  return (
    <span class={`chip ${CHIP_OF[props.state]}`} data-testid={props.testId} data-state={props.state}>
      <OutcomeIcon outcome={OUTCOME_OF[props.state]} />
      {props.children}
    </span>
  );
}
