import { A } from '@solidjs/router';
import { t } from '../i18n/i18n.ts';

/** Unknown dashboard path. */
export default function NotFoundPage() {
  return (
    <div class="card empty">
      <p>{t('common.notFound')}</p>
      <A href="/">{t('nav.overview')}</A>
    </div>
  );
}
