import type { JSX } from 'solid-js';
import { Logo } from '../../components/icons.tsx';
import { Preferences } from '../../components/shell.tsx';

/** The centred card around the login and setup forms. */
export function AuthFrame(props: { title: string; children: JSX.Element }) {
  return (
    <div class="auth-page">
      <div class="card auth-card stack">
        <div class="brand"><Logo />Switchyard</div>
        <h1 style={{ 'text-align': 'center' }}>{props.title}</h1>
        {props.children}
        <div class="row" style={{ 'justify-content': 'center' }}><Preferences /></div>
      </div>
    </div>
  );
}
