import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { membershipsByOfficer, setMembership } from '../../departments/memberships.ts';
import { AppError, ERROR_CODES } from '../../errors.ts';
import { isAdmin } from '../access.ts';
import { t } from '../pages/context.ts';
import { departmentsPage } from '../pages/departments.ts';
import type { DeskContext } from '../server.ts';

const membershipForm = z.object({
  officerId: z.coerce.number().int().positive(),
  department: z.string().trim().min(1).max(40),
  /** Empty: takes the officer out of the department. */
  role: z.string().trim().max(40),
});

/**
 * The admin's departments page (where the profile declares departments): who works in each,
 * and the form that gives an officer a role in one or takes them out. Each change is audited
 * with the admin as actor, in the transaction that makes it.
 */
export async function registerDepartmentRoutes(server: FastifyInstance, ctx: DeskContext): Promise<void> {
  const { app } = ctx;
  const departments = app.tickets.departments;

  server.get('/departments', async (request, reply) => {
    const officer = await ctx.requireOfficer(request, reply);
    if (!officer) return reply;
    if (!isAdmin(officer)) throw new AppError(ERROR_CODES.DESK_FORBIDDEN, 'Only an administrator manages departments.');
    if (!departments.declared) throw new AppError(ERROR_CODES.TICKET_NOT_FOUND, 'The profile declares no departments.');
    const pc = await ctx.pageContext(request, reply);
    const done = (request.query as Record<string, unknown> | undefined)?.done === 'membership';
    const [officers, memberships] = await Promise.all([app.accounts.list(), app.store.transaction((uow) => membershipsByOfficer(uow))]);
    const page = departmentsPage(pc, { departments: departments.list, officers, memberships }, done ? { notice: { kind: 'ok', text: t(pc, 'departments.saved') } } : {});
    return reply.type('text/html; charset=utf-8').send(page.value);
  });

  server.post('/departments/members', { preHandler: server.csrfProtection }, async (request, reply) => {
    const officer = await ctx.requireOfficer(request, reply);
    if (!officer) return reply;
    if (!isAdmin(officer)) throw new AppError(ERROR_CODES.DESK_FORBIDDEN, 'Only an administrator manages departments.');
    const form = membershipForm.safeParse(request.body ?? {});
    if (!form.success) throw new AppError(ERROR_CODES.DESK_INPUT, 'Choose an officer, a department and a role.');
    const { officerId, department, role } = form.data;
    await app.store.transaction((uow) => setMembership(uow, departments, officerId, department, role === '' ? null : role, `officer:${officer.id}`, ctx.clock()));
    return reply.redirect('/departments?done=membership', 303);
  });
}
