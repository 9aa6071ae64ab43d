/**
 * Where the app is, as the URL says it: org, view, date and open contact, in the query string so that a link or a
 * bookmark opens the same screen and back/forward walk through screens. `?org=…&view=contacts&contact=…`.
 */
export const APP_VIEWS = ['calendar', 'contacts', 'reminders', 'settings'] as const;
export type AppView = (typeof APP_VIEWS)[number];

export interface AppRoute {
  /** The org shown; empty for "the registry's current org". */
  org: string;
  view: AppView;
  /** The calendar's date, `YYYY-MM-DD`; empty for today. */
  date: string;
  /** The contact whose card is open; empty for none. */
  contact: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** Ids are UUIDs or the like; anything else in a hand-edited link is ignored rather than looked up. */
const ID = /^[\w-]{1,64}$/;

export function parseRoute(search: string): AppRoute {
  const params = new URLSearchParams(search);
  const view = params.get('view') ?? '';
  const id = (name: string) => {
    const value = params.get(name) ?? '';
    return ID.test(value) ? value : '';
  };
  const date = params.get('date') ?? '';
  return {
    org: id('org'),
    view: (APP_VIEWS as readonly string[]).includes(view) ? (view as AppView) : 'calendar',
    date: DATE.test(date) ? date : '',
    contact: id('contact'),
  };
}

/** The query string for a route, leaving out what is empty or the default, and what the view does not use. */
export function formatRoute(route: AppRoute): string {
  const params = new URLSearchParams();
  if (route.org) params.set('org', route.org);
  if (route.view !== 'calendar') params.set('view', route.view);
  if (route.view === 'calendar' && route.date) params.set('date', route.date);
  if (route.view === 'contacts' && route.contact) params.set('contact', route.contact);
  const query = params.toString();
  return query ? `?${query}` : '';
}
