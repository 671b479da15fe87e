/** The public status page (HTML without script, JSON, Atom), a plugin of the http context. */
export { statusPage, type StatusPageDeps } from './plugin.ts';
