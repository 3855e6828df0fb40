import { loadContent } from '../app.ts';
import { loadConfig } from '../config.ts';
import { normaliseOfficerEmail } from '../desk/accounts.ts';
import { DEPARTMENT_ROLES, membershipsByOfficer, setMembership } from '../departments/memberships.ts';
import { AppError, ERROR_CODES } from '../errors.ts';
import { openStore } from '../storage/open-store.ts';
import { cliIo, parseCliArgs, type CliOptions } from './officers.ts';

const USAGE = `Usage: nivaran departments list [--json]
       nivaran departments assign --email E --department D --role ROLE
       nivaran departments remove --email E --department D
Roles in a department: ${DEPARTMENT_ROLES.join(', ')} (a reviewer there scores its conversations and works no tickets). The organisation-wide admin and DPO work in every department.`;

/** `nivaran departments list|assign|remove`: the profile's departments and who works in each. */
export async function departmentsCommand(args: string[], opts: CliOptions = {}): Promise<number> {
  const [sub, ...rest] = args;
  const config = opts.config ?? loadConfig();
  const io = cliIo(opts.io);
  const { departments } = loadContent(config);
  const { values } = parseCliArgs(
    { args: rest, options: { json: { type: 'boolean', default: false }, email: { type: 'string' }, department: { type: 'string' }, role: { type: 'string' } } },
    USAGE,
  );
  const store = await openStore(config);
  try {
    if (sub === 'list') {
      const { officers, memberships } = await store.transaction(async (uow) => ({ officers: await uow.officers.list(), memberships: await membershipsByOfficer(uow) }));
      const list = departments.list.map((d) => ({
        id: d.id,
        name: d.name,
        rights: d.rights,
        calendar: d.calendar.id,
        categories: d.categories.map((c) => c.id),
        ladder: d.ladder.map((r) => r.role),
        officers: officers.flatMap((o) => {
          const role = memberships.get(o.id)?.find((m) => m.department === d.id)?.role;
          return role ? [{ id: o.id, email: o.email, role }] : [];
        }),
      }));
      if (values.json) io.stdout.write(`${JSON.stringify({ declared: departments.declared, departments: list }, null, 2)}\n`);
      else {
        if (!departments.declared) io.stdout.write('The profile declares no departments: one implicit department, "main", holds every ticket.\n');
        for (const d of list) {
          io.stdout.write(`${d.id}  ${d.name.en} / ${d.name.hi}${d.rights ? '  (data-protection desk)' : ''}\n`);
          io.stdout.write(`  calendar ${d.calendar}; ladder ${d.ladder.join(' → ')}; categories ${d.categories.join(', ') || '—'}\n`);
          for (const o of d.officers) io.stdout.write(`  ${o.role.padEnd(17)} ${o.email} (officer ${o.id})\n`);
        }
      }
      return 0;
    }
    if (sub !== 'assign' && sub !== 'remove') throw new AppError(ERROR_CODES.CLI_USAGE, USAGE);
    if (!values.email || !values.department || (sub === 'assign' && !values.role)) {
      throw new AppError(ERROR_CODES.CLI_USAGE, `departments ${sub} needs --email, --department${sub === 'assign' ? ' and --role' : ''}.\n\n${USAGE}`);
    }
    const email = normaliseOfficerEmail(values.email);
    const role = sub === 'assign' ? values.role! : null;
    await store.transaction(async (uow) => {
      const officer = await uow.officers.byEmail(email);
      if (!officer) throw new AppError(ERROR_CODES.OFFICER_INVALID, `There is no officer with the email ${email}.`);
      await setMembership(uow, departments, officer.id, values.department!, role, 'cli', new Date());
    });
    io.stdout.write(role ? `${email} is now ${role} in ${values.department}.\n` : `${email} no longer works in ${values.department}.\n`);
    return 0;
  } finally {
    await store.close();
  }
}
