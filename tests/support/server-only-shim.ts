// Tests run outside React Server Components; `server-only` would throw on import there.
export {};
