/**
 * The invitation link's screen, loaded when a link is opened: each person sees it once, so it stays out of the bundle
 * every agent loads (see apps/console/size-budget.json).
 * @module
 */
import { lazyLoadFailure, useLazyComponent } from '../use-lazy-component.js';
import type { AcceptInvitationProps } from './accept-invitation.js';

const loadAcceptInvitation = () => import('./accept-invitation.js').then((module) => module.AcceptInvitation);

/** {@link AcceptInvitation}, once its chunk is loaded, in the sign-in screen's frame meanwhile. */
export function AcceptInvitationPage(props: AcceptInvitationProps) {
  const { Component: Screen, failed } = useLazyComponent(loadAcceptInvitation);

  if (Screen) return <Screen {...props} />;
  return (
    <main class="login">
      <div class="login-card">
        {failed ? (
          <p class="form-error" role="alert">
            {lazyLoadFailure}
          </p>
        ) : (
          <p class="muted" role="status">
            Loading your invitation…
          </p>
        )}
      </div>
    </main>
  );
}
