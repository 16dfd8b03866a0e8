/**
 * The question before sending (`confirm.html?id=<question>`): what the
 * detector found (the kind and the reason, where; never the number or the
 * text itself), and two answers: go back to send by Kluis, or send anyway.
 */

import type { Concern, Place } from './check.js';
import { ask, byId, localize, t } from './page.js';

const id = Number(new URL(location.href).searchParams.get('id'));
const list = byId<HTMLUListElement>('concerns');

function where(place: Place): string {
  if (place.part === 'subject') return t('inSubject');
  if (place.part === 'body') return t('inBody');
  return t('inAttachment', place.name);
}

function label(kind: string): string {
  return t(`kind_${kind}`) || kind;
}

async function answer(value: 'send' | 'cancel'): Promise<void> {
  await ask({ type: 'confirm:answer', id, answer: value });
  window.close();
}

byId<HTMLButtonElement>('go-back').addEventListener('click', () => void answer('cancel'));
byId<HTMLButtonElement>('send-anyway').addEventListener('click', () => void answer('send'));

localize(document);
void ask({ type: 'confirm:get', id }).then((reply) => {
  const concerns = reply.ok ? ((reply.value as Concern[] | null) ?? []) : [];
  list.replaceChildren(
    ...concerns.map((c) => {
      const li = document.createElement('li');
      const strong = document.createElement('strong');
      strong.textContent = label(c.kind);
      const reason = t('lang') === 'nl' ? c.reasonNl : c.reason;
      li.append(strong, `: ${reason} (${c.places.map(where).join(', ')})`);
      return li;
    }),
  );
  byId<HTMLButtonElement>('go-back').focus();
});
