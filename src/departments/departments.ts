import type { BusinessCalendar } from '../domain/sla/calendar.ts';
import type { SlaPolicy } from '../domain/sla/presets.ts';
import type { Lang } from '../engine/session.ts';
import { TICKET_KINDS, type Profile, type TicketKind } from '../profile/schema.ts';

/** The id of the one department of a profile that declares none (and of tickets from before 0015). */
export const IMPLICIT_DEPARTMENT = 'main';

export type Localized = Record<Lang, string>;

/** A department with everything resolved: the organisation's ladder, clocks and calendar where it sets none. */
export interface Department {
  id: string;
  name: Localized;
  ladder: Profile['ladder'];
  policies: Record<TicketKind, SlaPolicy>;
  calendar: BusinessCalendar;
  categories: ReadonlyArray<{ id: string; name: Localized }>;
  /** Data-rights requests come here. */
  rights: boolean;
}

/**
 * The organisation's departments and how a request finds its one. A profile with no
 * `departments` has one implicit department (`main`) holding the organisation's own ladder,
 * calendar and clocks, so an install that declares none behaves exactly as before.
 */
export class Departments {
  /** True when the profile declares departments (then citizens and officers see them). */
  readonly declared: boolean;
  readonly list: readonly Department[];
  private readonly byId = new Map<string, Department>();
  private readonly byCategory = new Map<string, Department>();

  private constructor(list: Department[], declared: boolean) {
    this.list = list;
    this.declared = declared;
    for (const d of list) {
      this.byId.set(d.id, d);
      for (const c of d.categories) this.byCategory.set(c.id, d);
    }
  }

  /**
   * Builds the profile's departments. `calendarOf` loads a calendar by id (the organisation's
   * is given already). Their policies come resolved from `loadProfile`, which refuses an unknown
   * preset naming the department and field; a department without its own takes the organisation's.
   */
  static fromProfile(profile: Profile, calendar: BusinessCalendar, calendarOf: (id: string) => BusinessCalendar): Departments {
    const declared = profile.departments;
    if (!declared || declared.length === 0) return Departments.implicit(profile, calendar);
    const calendars = new Map<string, BusinessCalendar>([[calendar.id, calendar], [profile.calendar, calendar]]);
    const list = declared.map((d): Department => {
      const policies = d.policies ?? profile.policies;
      let cal = calendar;
      if (d.calendar) {
        cal = calendars.get(d.calendar) ?? calendarOf(d.calendar);
        calendars.set(d.calendar, cal);
      }
      return { id: d.id, name: d.name, ladder: d.ladder ?? profile.ladder, policies, calendar: cal, categories: d.categories, rights: d.rights };
    });
    return new Departments(list, true);
  }

  static implicit(profile: Pick<Profile, 'organisation' | 'ladder' | 'policies'>, calendar: BusinessCalendar): Departments {
    return new Departments(
      [{ id: IMPLICIT_DEPARTMENT, name: profile.organisation.name, ladder: profile.ladder, policies: profile.policies, calendar, categories: [], rights: true }],
      false,
    );
  }

  /** The first department: holds what no other claims, and tickets of a department no longer declared. */
  get fallback(): Department {
    return this.list[0]!;
  }

  /** The data-protection desk: the department marked `rights`, else the first. */
  get rightsDesk(): Department {
    return this.list.find((d) => d.rights) ?? this.fallback;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** A ticket's department; an id no longer declared (or `main` from before) falls back on the first. */
  get(id: string | null | undefined): Department {
    return (id ? this.byId.get(id) : undefined) ?? this.fallback;
  }

  /**
   * Where a new request goes: data-rights requests to the data-protection desk; a grievance to
   * the department that answers its category (the first department when none does).
   */
  route(kind: string, fields: Record<string, unknown>): Department {
    if (kind !== 'grievance' && (TICKET_KINDS as readonly string[]).includes(kind)) return this.rightsDesk;
    const category = typeof fields.category === 'string' ? fields.category : undefined;
    return (category ? this.byCategory.get(category) : undefined) ?? this.fallback;
  }

  /** The categories of every department, in the profile's order: the citizen's menu. */
  categories(): Array<{ id: string; name: Localized; department: string }> {
    return this.list.flatMap((d) => d.categories.map((c) => ({ ...c, department: d.id })));
  }

  /**
   * The stored department ids whose tickets are this department's: its own, and for the first
   * department also `main`, the id of tickets from before departments were declared.
   */
  storedIds(d: Department): string[] {
    return d === this.fallback && !this.byId.has(IMPLICIT_DEPARTMENT) && d.id !== IMPLICIT_DEPARTMENT ? [d.id, IMPLICIT_DEPARTMENT] : [d.id];
  }
}
