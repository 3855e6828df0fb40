import type { EvidenceRow } from '../../files/evidence.ts';
import { html, type Html } from '../html.ts';
import { when, type PageContext } from './context.ts';
import { csrfField } from './layout.ts';

function op(ctx: PageContext, key: string, params: Record<string, string> = {}): string {
  return ctx.translator.t(ctx.lang, `operations:${key}`, params);
}

/**
 * The ticket's evidence files: each a download (audited), who added it, its type and size; with
 * `canAttach` (the officer may reply), a form to attach one and tell the citizen. `formKey`: this
 * page's token for that form, so the same submission sent twice attaches and replies once.
 */
export function ticketFilesSection(ctx: PageContext, number: string, files: readonly EvidenceRow[], canAttach = false, formKey?: string): Html {
  return html`<section aria-labelledby="files-h"><h2 id="files-h">${op(ctx, 'files.title')}</h2>
${files.length === 0 ? html`<p>${op(ctx, 'files.none')}</p>` : html`<ul class="files">
${files.map((f) => html`<li><a href="/tickets/${number}/files/${f.id}" download>${op(ctx, 'files.item', { mime: f.mime, size: kb(Number(f.size)) })}</a> · ${f.added_by === 'citizen' ? op(ctx, 'files.by_citizen') : op(ctx, 'files.by_officer')} · ${when(ctx, f.created_at)}</li>`)}
</ul>`}
${canAttach ? html`<form method="post" action="/tickets/${number}/files" enctype="multipart/form-data" class="stack"><h3>${op(ctx, 'files.attach_title')}</h3>${csrfField(ctx)}${formKey ? html`<input type="hidden" name="form_key" value="${formKey}">` : ''}
<label for="attach-file">${op(ctx, 'files.attach_file')}</label><input id="attach-file" type="file" name="file" required>
<label for="attach-note">${op(ctx, 'files.attach_note')}</label><textarea id="attach-note" name="text" rows="3" maxlength="3000"></textarea>
<button type="submit">${op(ctx, 'files.attach_button')}</button></form>` : ''}
</section>`;
}

function kb(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${Math.round(bytes / 1024)} KB`;
}
