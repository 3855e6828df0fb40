import type { Department } from '../../departments/departments.ts';
import { DEPARTMENT_ROLES } from '../../departments/memberships.ts';
import { html, type Html } from '../html.ts';
import { label, t, type PageContext } from './context.ts';
import { csrfField, layout, type Notice } from './layout.ts';

export interface DepartmentsPageData {
  departments: readonly Department[];
  officers: ReadonlyArray<{ id: number; name: string; email: string; role: string; active: boolean }>;
  /** officer id → their memberships. */
  memberships: ReadonlyMap<number, ReadonlyArray<{ department: string; role: string }>>;
}

/** The admin's page: each department, its ladder, calendar, categories and officers; the form that sets an officer's role in one. */
export function departmentsPage(ctx: PageContext, data: DepartmentsPageData, opts: { notice?: Notice } = {}): Html {
  const members = (d: Department) =>
    data.officers.flatMap((o) => {
      const role = data.memberships.get(o.id)?.find((m) => m.department === d.id)?.role;
      return role ? [{ ...o, departmentRole: role }] : [];
    });
  const body = html`<h1>${t(ctx, 'departments.title')}</h1>
<p class="hint">${t(ctx, 'departments.intro')}</p>
${data.departments.map((d) => html`<section aria-labelledby="d-${d.id}">
<h2 id="d-${d.id}">${d.name[ctx.lang]} <span class="tag">${d.id}</span>${d.rights ? html` <span class="tag">${t(ctx, 'departments.rights_desk')}</span>` : ''}</h2>
<dl class="grid">
  <dt>${t(ctx, 'departments.calendar')}</dt><dd>${d.calendar.id}</dd>
  <dt>${t(ctx, 'departments.ladder')}</dt><dd>${d.ladder.map((r) => r.title[ctx.lang]).join(' → ')}</dd>
  <dt>${t(ctx, 'departments.categories')}</dt><dd>${d.categories.map((c) => c.name[ctx.lang]).join(', ') || '—'}</dd>
</dl>
${members(d).length === 0
  ? html`<p>${t(ctx, 'departments.no_members')}</p>`
  : html`<ul>${members(d).map((o) => html`<li>${o.name} (${o.email}): ${label(ctx, 'role', o.departmentRole)}</li>`)}</ul>`}
</section>`)}
<section aria-labelledby="set-h"><h2 id="set-h">${t(ctx, 'departments.set')}</h2>
<form method="post" action="/departments/members" class="stack narrow">${csrfField(ctx)}
  <label for="m-officer">${t(ctx, 'departments.officer')}</label>
  <select id="m-officer" name="officerId">${data.officers.filter((o) => o.active).map((o) => html`<option value="${o.id}">${o.name} (${o.email})</option>`)}</select>
  <label for="m-department">${t(ctx, 'departments.department')}</label>
  <select id="m-department" name="department">${data.departments.map((d) => html`<option value="${d.id}">${d.name[ctx.lang]}</option>`)}</select>
  <label for="m-role">${t(ctx, 'departments.role')}</label>
  <select id="m-role" name="role">${DEPARTMENT_ROLES.map((r) => html`<option value="${r}">${label(ctx, 'role', r)}</option>`)}<option value="">${t(ctx, 'departments.not_member')}</option></select>
  <button type="submit">${t(ctx, 'departments.save')}</button>
</form></section>`;
  return layout(ctx, t(ctx, 'departments.title'), body, { notice: opts.notice, current: '/departments' });
}
