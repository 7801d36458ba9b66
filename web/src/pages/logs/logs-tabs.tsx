import { A } from '@solidjs/router';
import { t } from '../../i18n/i18n.ts';

/** Switches between the request log and the live monitor. */
export function LogsTabs() {
  return (
    <div class="tabs">
      <A href="/logs" end activeClass="active">{t('logs.history')}</A>
      <A href="/logs/live" activeClass="active" data-testid="tab-live">{t('logs.live')}</A>
    </div>
  );
}
