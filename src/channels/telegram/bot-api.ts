// grammY's Bot API client, for officers-chat.ts to load with import() at its first post. It is
// imported statically here, not with import('grammy') there: bundled by the launcher, a CommonJS
// package loaded with import() would show only its default export.
export { Api } from 'grammy';
