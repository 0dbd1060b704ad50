import { h, setText } from './dom.js';
import { formatDateTime, t } from './i18n.js';
import { state } from './state.js';
import { readToken, storeToken } from './token.js';

export interface AuthView {
  update(): void;
}

/** The sign-in field (访问令牌), sign-out, and a plain sentence about the token: missing, expired, read-only… */
export function createAuthView(root: HTMLElement, onTokenChanged: () => void): AuthView {
  const input = h('input', {
    id: 'token-input',
    attrs: { type: 'password', autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'auth-status' },
  });
  const label = h('label', { attrs: { for: 'token-input' } });
  const signIn = h('button', { attrs: { type: 'submit' } });
  const signOut = h('button', {
    attrs: { type: 'button' },
    on: {
      click: () => {
        storeToken(null);
        onTokenChanged();
      },
    },
  });
  const form = h(
    'form',
    {
      class: 'signin',
      on: {
        submit: (event) => {
          event.preventDefault();
          storeToken(input.value);
          input.value = '';
          onTokenChanged();
        },
      },
    },
    label,
    input,
    signIn,
    signOut,
  );
  const status = h('p', { id: 'auth-status', class: 'auth-status', attrs: { role: 'status' } });
  root.append(form, status);

  function update(): void {
    setText(label, t('tokenLabel'));
    setText(signIn, t('signIn'));
    setText(signOut, t('signOut'));
    signOut.hidden = readToken() === null;
    const token = state.token;
    let text: string;
    if (state.tokenRejected) text = t('authRejected');
    else if (token.kind === 'missing') text = t('authMissing');
    else if (token.kind === 'invalid') text = t('authInvalid');
    else if (token.kind === 'expired') text = t('authExpired', { time: formatDateTime(token.expiresAt.toISOString()) });
    else {
      const who = token.subject ?? t('anonymous');
      text = token.canWrite
        ? t('authWriter', { who, time: formatDateTime(token.expiresAt.toISOString()) })
        : t('authReadOnly', { who });
    }
    setText(status, text);
    status.className = `auth-status auth-${state.tokenRejected ? 'rejected' : token.kind}${
      token.kind === 'valid' && !token.canWrite ? ' auth-readonly' : ''
    }`;
  }

  return { update };
}
